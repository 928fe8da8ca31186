using System.Diagnostics;
using Assignment3.Catalog;

namespace Assignment3.TestKit;

/// <summary>Publishes functions' bundles as the stack bundles them (the catalog's project and options), for tests and the benchmark.</summary>
public static class FunctionBundles
{
    /// <summary>Publishes <paramref name="function"/>'s bundle into <paramref name="outputDirectory"/>.</summary>
    public static void Publish(LambdaFunctionSpec function, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(function);
        Dotnet(["publish", Path.Combine(TestPaths.RepositoryRoot(), function.BundleProjectDirectory), .. function.PublishOptions, "-o", outputDirectory]);
    }

    /// <summary>Builds a project of the repository in Release into <paramref name="outputDirectory"/>.</summary>
    public static void Build(string projectDirectory, string outputDirectory) =>
        Dotnet(["build", Path.Combine(TestPaths.RepositoryRoot(), projectDirectory), "-c", "Release", "-o", outputDirectory]);

    private static void Dotnet(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Concat(["--nologo", "-v", "quiet"]))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}): {output.Result}{error}");
        }
    }
}
