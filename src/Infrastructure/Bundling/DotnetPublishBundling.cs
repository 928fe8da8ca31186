using System.Diagnostics;
using Amazon.CDK;
using Amazon.JSII.Runtime.Deputy;

namespace Assignment3.Infrastructure.Bundling;

/// <summary>
/// Builds a bundle at synth time with <c>dotnet publish</c> on this machine. Returning true tells the CDK the bundle is
/// ready and no container is started; the plan only chooses this where the machine can build the bundle.
/// </summary>
/// <param name="repositoryRoot">The repository root.</param>
/// <param name="arguments">What follows <c>dotnet</c>: publish, the project, its options and the output placeholder.</param>
public sealed class DotnetPublishBundling(string repositoryRoot, IReadOnlyList<string> arguments) : DeputyBase, ILocalBundling
{
    /// <summary>Stands for the CDK's output folder in the arguments.</summary>
    public const string OutputPlaceholder = "{output}";

    /// <summary>Publishes into <paramref name="outputDir"/>.</summary>
    public bool TryBundle(string outputDir, IBundlingOptions options)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument == OutputPlaceholder ? outputDir : argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            // Failing here, rather than returning false, keeps the CDK from falling back to Docker the plan did not choose.
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}): {output.Result}{error}");
        }

        if (!OperatingSystem.IsWindows())
        {
            OpenToAll(outputDir);
        }

        return true;
    }

    /// <summary>
    /// Lambda runs the code as a user that does not own it, and the zip keeps these modes: whatever the umask, every
    /// file is made readable by all and every executable (bootstrap) executable by all, as the container's chmod a+rX.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void OpenToAll(string directory)
    {
        const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Prepend(directory))
        {
            var mode = File.GetUnixFileMode(entry);
            var directoryOrExecutable = Directory.Exists(entry) || (mode & UnixFileMode.UserExecute) != 0;
            File.SetUnixFileMode(entry, mode | Readable | (directoryOrExecutable ? Executable : 0));
        }
    }
}
