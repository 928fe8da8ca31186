using Assignment3.Catalog;

namespace Assignment3.Infrastructure.Tests;

public sealed class BundlingTests
{
    /// <summary>The plotting bundle is the one that can go wrong: native Skia, the font, and no Docker to fall back on.</summary>
    [Fact]
    public void The_local_bundling_publishes_the_plotting_function_with_native_skia_and_the_font()
    {
        var output = Directory.CreateTempSubdirectory("assignment3-bundle-").FullName;
        try
        {
            var bundled = new DotnetPublishBundling(RepositoryRoot.Find(AppContext.BaseDirectory), FunctionCatalog.Plotting.ProjectDirectory)
                .TryBundle(output, null!);

            Assert.True(bundled);
            Assert.True(File.Exists(Path.Combine(output, FunctionCatalog.Plotting.AssemblyName + ".dll")));
            Assert.True(File.Exists(Path.Combine(output, FunctionCatalog.Plotting.AssemblyName + ".runtimeconfig.json")));
            Assert.True(File.Exists(Path.Combine(output, "libSkiaSharp.so")));
            Assert.True(File.Exists(Path.Combine(output, "Fonts", "LiberationSans-Regular.ttf")));
            Assert.True(File.Exists(Path.Combine(output, "Fonts", "LiberationSans-LICENSE.txt")));
            // The NoDependencies build links no fontconfig, which Lambda lacks.
            var skia = File.ReadAllBytes(Path.Combine(output, "libSkiaSharp.so"));
            Assert.True(skia.AsSpan().IndexOf("libfontconfig.so"u8) < 0, "the bundled libSkiaSharp needs libfontconfig");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
