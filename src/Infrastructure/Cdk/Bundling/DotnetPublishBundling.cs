using Amazon.CDK;
using Amazon.JSII.Runtime.Deputy;
using Assignment3.Catalog;

namespace Assignment3.Infrastructure.Bundling;

/// <summary>
/// Builds a bundle at synth time with <c>dotnet publish</c> on this machine. Returning true tells the CDK the bundle is
/// ready and no container is started; the plan only chooses this where the machine can build the bundle, and a failed
/// publish throws rather than returning false, which would fall back to a Docker the plan did not choose.
/// </summary>
/// <param name="repositoryRoot">The repository root.</param>
/// <param name="bundle">What to publish.</param>
/// <param name="properties">Extra MSBuild properties: the deployment's, and a cross toolchain's.</param>
public sealed class DotnetPublishBundling(string repositoryRoot, FunctionBundle bundle, IReadOnlyList<string> properties) : DeputyBase, ILocalBundling
{
    /// <summary>Publishes into <paramref name="outputDir"/>.</summary>
    public bool TryBundle(string outputDir, IBundlingOptions options)
    {
        bundle.Publish(repositoryRoot, outputDir, properties);
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
