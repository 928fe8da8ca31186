using System.IO.Compression;
using Assignment3.Catalog;

namespace Assignment3.Benchmarks;

/// <summary>A function's bundle: the zip CDK uploads, and the folder Lambda unpacks.</summary>
internal sealed record BundleFigures(string Function, long ZipBytes, long UnzippedBytes);

/// <summary>Publishes the functions as the stack bundles them, and the managed-runtime host, and weighs the bundles.</summary>
internal static class Bundles
{
    /// <summary>Publishes every function's bundle into <paramref name="directory"/>/&lt;name&gt; as the stack publishes it.</summary>
    public static void PublishFunctions(string directory)
    {
        foreach (var function in FunctionCatalog.All)
        {
            FunctionBundles.Publish(function, Path.Combine(directory, function.Name));
        }
    }

    /// <summary>Builds the managed-runtime host into <paramref name="directory"/> and returns its assembly.</summary>
    public static string BuildHost(string directory)
    {
        FunctionBundles.Build(Path.Combine("tests", "Assignment3.ManagedRuntimeHost"), directory);
        return Path.Combine(directory, "Assignment3.ManagedRuntimeHost.dll");
    }

    public static IReadOnlyList<BundleFigures> Weigh(string functionsDirectory)
    {
        var figures = new List<BundleFigures>();
        foreach (var function in FunctionCatalog.All)
        {
            var bundle = Path.Combine(functionsDirectory, function.Name);
            var zip = Path.Combine(Path.GetTempPath(), $"bundle-{Guid.NewGuid():N}.zip");
            ZipFile.CreateFromDirectory(bundle, zip, CompressionLevel.Optimal, includeBaseDirectory: false);
            figures.Add(new BundleFigures(function.Name, new FileInfo(zip).Length,
                Directory.GetFiles(bundle, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)));
            File.Delete(zip);
        }

        return figures;
    }
}
