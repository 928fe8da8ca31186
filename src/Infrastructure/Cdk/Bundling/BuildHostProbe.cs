using System.Diagnostics;
using System.Runtime.InteropServices;
using Assignment3.Catalog;

namespace Assignment3.Infrastructure.Bundling;

/// <summary>Reads the <see cref="BuildHost"/> facts off this machine: its OS, processor, glibc, C toolchains and Docker.</summary>
public static class BuildHostProbe
{
    /// <summary>How long Docker may take to say whether its engine runs; a client whose engine does not answer counts as no Docker.</summary>
    private static readonly TimeSpan DockerPatience = TimeSpan.FromSeconds(20);

    /// <summary>The facts of this machine, with programs looked up on <paramref name="path"/> (default: this process's PATH).</summary>
    public static BuildHost Detect(string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        var os = OperatingSystem.IsLinux() ? HostOperatingSystem.Linux
            : OperatingSystem.IsMacOS() ? HostOperatingSystem.MacOS
            : OperatingSystem.IsWindows() ? HostOperatingSystem.Windows
            : HostOperatingSystem.Other;
        var architecture = RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => LambdaArchitecture.X86_64,
            System.Runtime.InteropServices.Architecture.Arm64 => LambdaArchitecture.Arm64,
            _ => (LambdaArchitecture?)null,
        };
        var linux = os == HostOperatingSystem.Linux;
        return new BuildHost(
            os,
            architecture,
            linux ? Glibc(path) : null,
            linux && architecture is { } host
                ? Enum.GetValues<LambdaArchitecture>().Where(target => NativeToolchain.For(host, target).IsInstalled(path)).ToHashSet()
                : new HashSet<LambdaArchitecture>(),
            DockerEngine(path));
    }

    /// <summary>"glibc 2.36" from <c>getconf GNU_LIBC_VERSION</c>; null on a C library that is not glibc.</summary>
    public static Version? ParseGlibc(string getconfOutput) =>
        getconfOutput.Trim().Split(' ') is ["glibc", var version] && Version.TryParse(version, out var parsed) ? parsed : null;

    /// <summary>The format of the one question asked of Docker: the engine's OS and processor.</summary>
    public const string DockerVersionFormat = "{{.Server.Os}}/{{.Server.Arch}}";

    /// <summary>
    /// Docker's <c>linux/amd64</c> or <c>linux/arm64</c> as a Lambda architecture; null for anything else, such as an
    /// engine in Windows-containers mode, which cannot run the Linux build image.
    /// </summary>
    public static LambdaArchitecture? ParseDockerArchitecture(string serverPlatform) => serverPlatform.Trim() switch
    {
        "linux/amd64" => LambdaArchitecture.X86_64,
        "linux/arm64" => LambdaArchitecture.Arm64,
        _ => null,
    };

    private static Version? Glibc(string path) =>
        NativeToolchain.Find("getconf", path) is { } getconf && Run(getconf, ["GNU_LIBC_VERSION"], TimeSpan.FromSeconds(10)) is { } output ? ParseGlibc(output) : null;

    /// <summary>The engine's processor, asked as the CDK asks Docker anything: through <c>CDK_DOCKER</c>, else <c>docker</c>.</summary>
    private static LambdaArchitecture? DockerEngine(string path)
    {
        var docker = Environment.GetEnvironmentVariable("CDK_DOCKER") is { Length: > 0 } configured
            ? (Path.IsPathRooted(configured) ? configured : NativeToolchain.Find(configured, path))
            : NativeToolchain.Find("docker", path);
        return docker is not null && Run(docker, ["version", "--format", DockerVersionFormat], DockerPatience) is { } arch
            ? ParseDockerArchitecture(arch)
            : null;
    }

    /// <summary>The program's output when it exits 0 within <paramref name="patience"/>; null otherwise.</summary>
    private static string? Run(string program, string[] arguments, TimeSpan patience)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(patience))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not executable: as good as absent
        }
    }
}
