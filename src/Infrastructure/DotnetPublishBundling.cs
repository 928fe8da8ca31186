using System.Diagnostics;
using Amazon.CDK;
using Amazon.JSII.Runtime.Deputy;
using Assignment3.Catalog;

namespace Assignment3.Infrastructure;

/// <summary>
/// Builds a function's bundle at synth time with <c>dotnet publish</c> on this machine, so neither Docker nor a
/// prebuilt folder is needed. Returning true tells the CDK the bundle is ready and no container is started.
/// </summary>
/// <param name="repositoryRoot">The repository root.</param>
/// <param name="projectDirectory">The function's project folder, relative to the root.</param>
public sealed class DotnetPublishBundling(string repositoryRoot, string projectDirectory) : DeputyBase, ILocalBundling
{
    /// <summary>Publishes into <paramref name="outputDir"/>: Release, linux-x64, framework-dependent, ReadyToRun.</summary>
    public bool TryBundle(string outputDir, IBundlingOptions options)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["publish", Path.Combine(repositoryRoot, projectDirectory), .. FunctionCatalog.PublishOptions, "-o", outputDir, "--nologo", "-v", "quiet"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            // Failing here, rather than returning false, keeps the CDK from falling back to Docker.
            throw new InvalidOperationException($"dotnet publish {projectDirectory} failed ({process.ExitCode}): {output.Result}{error}");
        }

        return true;
    }
}
