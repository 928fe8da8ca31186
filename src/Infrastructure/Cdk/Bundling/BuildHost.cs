using Assignment3.Catalog;

namespace Assignment3.Infrastructure.Bundling;

/// <summary>The operating systems a deployment can start from.</summary>
public enum HostOperatingSystem
{
    /// <summary>Any Linux; whether it can link for Lambda depends on its C library.</summary>
    Linux,

    /// <summary>macOS, Intel or Apple silicon.</summary>
    MacOS,

    /// <summary>Windows (WSL2 counts as Linux).</summary>
    Windows,

    /// <summary>Anything else (FreeBSD, …): only the managed runtime and Docker are of use.</summary>
    Other,
}

/// <summary>
/// The facts about the machine running synth that decide how a Native AOT bundle can be built. Gathered by
/// <see cref="BuildHostProbe"/>; everything downstream (<see cref="BundlePlanner"/>) is a pure function of them.
/// </summary>
/// <param name="OperatingSystem">The host's OS: Native AOT compiles for its own OS only.</param>
/// <param name="Architecture">The host's processor, or null when it is neither x86-64 nor arm64.</param>
/// <param name="Glibc">The host's glibc version; null where there is none (macOS, Windows, musl).</param>
/// <param name="NativeToolchains">
/// The Lambda architectures this host can link a Native AOT executable for: its own with a C compiler and C runtime,
/// the other one with a cross toolchain (Linux only).
/// </param>
/// <param name="DockerEngine">The processor of the Docker engine that answered, or null when none did.</param>
public sealed record BuildHost(
    HostOperatingSystem OperatingSystem,
    LambdaArchitecture? Architecture,
    Version? Glibc,
    IReadOnlySet<LambdaArchitecture> NativeToolchains,
    LambdaArchitecture? DockerEngine)
{
    /// <summary>"Linux x86_64, glibc 2.36, C toolchain for x86_64, no Docker", for the plan's lines.</summary>
    public string Description
    {
        get
        {
            var os = OperatingSystem switch
            {
                HostOperatingSystem.MacOS => "macOS",
                HostOperatingSystem.Windows => "Windows",
                HostOperatingSystem.Linux => "Linux",
                _ => "an unknown OS",
            };
            var parts = new List<string> { $"{os} {Architecture?.LambdaName() ?? "(other processor)"}" };
            if (OperatingSystem == HostOperatingSystem.Linux)
            {
                parts.Add(Glibc is null ? "no glibc" : $"glibc {Glibc}");
                parts.Add(NativeToolchains.Count == 0
                    ? "no C toolchain"
                    : $"C toolchain for {string.Join(" and ", NativeToolchains.Order().Select(a => a.LambdaName()))}");
            }

            parts.Add(DockerEngine is { } docker ? $"Docker ({docker.DockerPlatform()})" : "no Docker");
            return string.Join(", ", parts);
        }
    }
}
