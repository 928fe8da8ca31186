using Assignment3.Catalog;

namespace Assignment3.Infrastructure.Tests;

public sealed class BundlingTests
{
    /// <summary>
    /// The plotting bundle is the one that can go wrong: a Native AOT executable for provided.al2023, native Skia, the
    /// font, and no Docker to fall back on. Bundling also refuses any file that needs a glibc newer than Amazon Linux 2023's.
    /// </summary>
    [Fact]
    public void The_local_bundling_publishes_plotting_as_a_native_bootstrap_with_skia_and_the_font()
    {
        var output = Directory.CreateTempSubdirectory("assignment3-bundle-").FullName;
        try
        {
            var bundled = new DotnetPublishBundling(RepositoryRoot.Find(AppContext.BaseDirectory), FunctionCatalog.Plotting).TryBundle(output, null!);

            Assert.True(bundled);
            var bootstrap = Path.Combine(output, LambdaFunctionSpec.NativeExecutable);
            Assert.True(File.Exists(bootstrap));
            if (!OperatingSystem.IsWindows())
            {
                Assert.True(File.GetUnixFileMode(bootstrap).HasFlag(UnixFileMode.UserExecute), "provided.al2023 cannot start a bootstrap that is not executable");
            }

            Assert.Empty(Directory.GetFiles(output, "*.dll")); // no managed assemblies: everything is compiled in
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

    [Theory]
    [InlineData("0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.2.5) free\n0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.34) __libc_start_main", "2.34")]
    [InlineData("0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.38) __isoc23_strtol\n0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.9) pipe2", "2.38")]
    [InlineData("0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.3.4) __chk_fail", "2.3.4")]
    [InlineData("no versioned symbols", null)]
    public void The_newest_glibc_a_file_needs_is_read_from_objdump(string objdump, string? expected) =>
        Assert.Equal(expected is null ? null : Version.Parse(expected), DotnetPublishBundling.NewestGlibc(objdump));

    [Fact]
    public void The_libraries_a_file_needs_are_read_from_objdump_and_glibcs_own_are_all_provided_al2023_has()
    {
        const string Dump = """
            Dynamic Section:
              NEEDED               libfontconfig.so.1
              NEEDED               libpthread.so.0
              NEEDED               libc.so.6
              SONAME               libSkiaSharp.so
            """;

        Assert.Equal(["libfontconfig.so.1", "libpthread.so.0", "libc.so.6"], DotnetPublishBundling.NeededLibraries(Dump));
        Assert.DoesNotContain("libfontconfig.so.1", DotnetPublishBundling.ProvidedAl2023Libraries);
        Assert.Contains("libc.so.6", DotnetPublishBundling.ProvidedAl2023Libraries);
    }
}
