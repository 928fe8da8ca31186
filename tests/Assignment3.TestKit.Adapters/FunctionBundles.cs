using System.Runtime.InteropServices;
using Assignment3.Catalog;

namespace Assignment3.TestKit.Adapters;

/// <summary>Publishes functions' bundles as the stack bundles them (the catalog's project and options), for tests and the benchmark.</summary>
public static class FunctionBundles
{
    /// <summary>The architecture of this machine, whose bundles run here without emulation.</summary>
    public static LambdaArchitecture HostArchitecture => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? LambdaArchitecture.Arm64 : LambdaArchitecture.X86_64;

    /// <summary>
    /// Publishes <paramref name="function"/>'s bundle into <paramref name="outputDirectory"/>: its preferred runtime for
    /// this machine's processor, so that tests run it as Lambda would.
    /// </summary>
    public static void Publish(LambdaFunctionSpec function, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(function);
        Publish(function.Bundle(HostArchitecture), outputDirectory);
    }

    /// <summary>Publishes <paramref name="bundle"/> into <paramref name="outputDirectory"/>, with any extra MSBuild <paramref name="properties"/>.</summary>
    public static void Publish(FunctionBundle bundle, string outputDirectory, params string[] properties)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        bundle.Publish(TestPaths.RepositoryRoot(), outputDirectory, properties);
    }

    /// <summary>Builds a project of the repository in Release into <paramref name="outputDirectory"/>.</summary>
    public static void Build(string projectDirectory, string outputDirectory) =>
        DotnetCli.Run(TestPaths.RepositoryRoot(), ["build", projectDirectory, "-c", "Release", "-o", outputDirectory, "--nologo", "-v", "quiet"]);
}
