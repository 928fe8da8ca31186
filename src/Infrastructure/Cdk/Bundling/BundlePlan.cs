using Assignment3.Catalog;

namespace Assignment3.Infrastructure.Bundling;

/// <summary>Which runtime the deployment asks for (<c>-c assignment3:runtime=…</c>).</summary>
public enum RuntimeChoice
{
    /// <summary>Native where this machine (or its Docker) can build it, else managed, saying why.</summary>
    Auto,

    /// <summary>Native for the functions that prefer it, or stop before building anything.</summary>
    Native,

    /// <summary>Every function on the managed dotnet10 runtime.</summary>
    Managed,
}

/// <summary>Where a bundle is built.</summary>
public enum BuildPlace
{
    /// <summary><c>dotnet publish</c> on this machine.</summary>
    Host,

    /// <summary><c>dotnet publish</c> in AWS's SAM build image for .NET 10, through the CDK's Docker bundling.</summary>
    Container,
}

/// <summary>The deployment's settings, read from the CDK context.</summary>
/// <param name="Runtime">auto, native or managed.</param>
/// <param name="Architecture">The processor every function runs on.</param>
public sealed record DeploymentSettings(RuntimeChoice Runtime, LambdaArchitecture Architecture)
{
    /// <summary>CDK context key: <c>auto</c> (default), <c>native</c> or <c>managed</c>.</summary>
    public const string RuntimeContext = "assignment3:runtime";

    /// <summary>CDK context key: <c>arm64</c> (default) or <c>x86_64</c>.</summary>
    public const string ArchitectureContext = "assignment3:architecture";

    /// <summary>
    /// arm64: Lambda bills its GB-seconds 20 % below x86_64's, and its native bundles are built and run here (under
    /// qemu) as the x86_64 ones are (docs/decisions.md).
    /// </summary>
    public const LambdaArchitecture DefaultArchitecture = LambdaArchitecture.Arm64;

    /// <summary>The settings from the context values (null = not given); a value outside the choices is refused by name.</summary>
    public static DeploymentSettings From(string? runtime, string? architecture)
    {
        var runtimeChoice = runtime switch
        {
            null or "" or "auto" => RuntimeChoice.Auto,
            "native" => RuntimeChoice.Native,
            "managed" => RuntimeChoice.Managed,
            _ => throw new ArgumentException($"{RuntimeContext} must be auto, native or managed, not \"{runtime}\""),
        };
        var lambdaArchitecture = string.IsNullOrEmpty(architecture)
            ? DefaultArchitecture
            : LambdaArchitectures.FromLambdaName(architecture)
                ?? throw new ArgumentException($"{ArchitectureContext} must be x86_64 or arm64 (Lambda's names), not \"{architecture}\"");
        return new DeploymentSettings(runtimeChoice, lambdaArchitecture);
    }
}

/// <summary>How one function's bundle is built and deployed, and why.</summary>
/// <param name="Bundle">What is published: runtime and architecture.</param>
/// <param name="Place">Where it is published.</param>
/// <param name="Reason">Why this way, with what to install for a native bundle when it went managed.</param>
public sealed record BundlePlan(FunctionBundle Bundle, BuildPlace Place, string Reason)
{
    /// <summary>The MSBuild properties a native build on this machine needs: the cross toolchain's, when it compiles for the other processor.</summary>
    public IReadOnlyList<string> HostPublishProperties { get; init; } = [];

    /// <summary>AWS's build image for .NET 10 on <paramref name="architecture"/>: Amazon Linux 2023 (glibc 2.34) with clang, the SDK and zlib.</summary>
    public static string BuildImage(LambdaArchitecture architecture) => $"public.ecr.aws/sam/build-dotnet10:latest-{architecture.LambdaName()}";

    /// <summary>One line for synth's output: what is built, where, and why.</summary>
    public string Line => $"{Bundle.Function.Name}: {Bundle.Description}, built " +
        (Place == BuildPlace.Container ? $"in Docker ({BuildImage(Bundle.Architecture)})" : "on this machine") + $" — {Reason}";
}

/// <summary>
/// Decides each function's bundle from the host's facts and the deployment's settings. Pure: the same facts give the
/// same plan, which is what the tests vary.
/// </summary>
public static class BundlePlanner
{
    /// <summary>
    /// The newest host glibc that Native AOT executables are linked against here. Debian 12's 2.36 was verified to
    /// bind nothing newer than Amazon Linux 2023's 2.34; glibc 2.38 binds <c>fmod@GLIBC_2.38</c>. The check after the
    /// build is the guard; this keeps a host that would fail it from trying.
    /// </summary>
    public static readonly Version NewestHostGlibc = new(2, 36);

    /// <summary>The plan for each function of the catalog.</summary>
    public static IReadOnlyList<BundlePlan> PlanAll(BuildHost host, DeploymentSettings settings) =>
        PlanAll(FunctionCatalog.All, host, settings);

    /// <summary>The plan for each of <paramref name="functions"/>.</summary>
    public static IReadOnlyList<BundlePlan> PlanAll(IEnumerable<LambdaFunctionSpec> functions, BuildHost host, DeploymentSettings settings) =>
        [.. functions.Select(function => Plan(function, host, settings))];

    /// <summary>
    /// The plan for <paramref name="function"/>. With <see cref="RuntimeChoice.Native"/> and no way to build natively,
    /// throws <see cref="NativeBuildImpossibleException"/> saying what to install, before anything is built.
    /// </summary>
    public static BundlePlan Plan(LambdaFunctionSpec function, BuildHost host, DeploymentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);
        var architecture = settings.Architecture;
        var managed = new FunctionBundle(function, FunctionRuntime.Managed, architecture);
        if (function.PreferredRuntime == FunctionRuntime.Managed)
        {
            return new BundlePlan(managed, BuildPlace.Host, "managed by design; dotnet publish builds it on any OS");
        }

        if (settings.Runtime == RuntimeChoice.Managed)
        {
            return new BundlePlan(managed, BuildPlace.Host, $"{DeploymentSettings.RuntimeContext}=managed");
        }

        var native = new FunctionBundle(function, FunctionRuntime.NativeAot, architecture);
        if (WhyNotOnHost(host, architecture) is not { } hostObstacle)
        {
            return new BundlePlan(native, BuildPlace.Host, $"this machine links for {architecture.RuntimeIdentifier()} ({host.Description})")
            {
                HostPublishProperties = NativeToolchain.For(host.Architecture!.Value, architecture).PublishProperties,
            };
        }

        if (WhyNotInContainer(host, architecture) is not { } containerObstacle)
        {
            return new BundlePlan(native, BuildPlace.Container, $"{hostObstacle}; Docker builds it for {architecture.DockerPlatform()}");
        }

        var remedy = WhatToInstall(host, architecture);
        if (settings.Runtime == RuntimeChoice.Native)
        {
            throw new NativeBuildImpossibleException(
                $"{DeploymentSettings.RuntimeContext}=native, but {function.Name} cannot be built as a Native AOT bootstrap for " +
                $"{architecture.RuntimeIdentifier()} here ({host.Description}): {hostObstacle}; {containerObstacle}. {remedy}");
        }

        return new BundlePlan(managed, BuildPlace.Host,
            $"no native build is possible here: {hostObstacle}; {containerObstacle}. Deployed managed (cold start ~300 ms instead of ~30 ms); {remedy}");
    }

    private static string? WhyNotOnHost(BuildHost host, LambdaArchitecture architecture) => host switch
    {
        { OperatingSystem: HostOperatingSystem.MacOS } => "Native AOT cannot compile a Linux executable on macOS",
        { OperatingSystem: HostOperatingSystem.Windows } => "Native AOT cannot compile a Linux executable on Windows",
        { OperatingSystem: not HostOperatingSystem.Linux } => "Native AOT compiles for this machine's own OS, which is not Linux",
        { Architecture: null } => "this machine's processor is neither x86-64 nor arm64",
        { Glibc: null } => "this Linux has no glibc (musl?), and Lambda's bootstrap must link against glibc",
        { Glibc: var glibc } when glibc > NewestHostGlibc =>
            $"this machine's glibc {glibc} is newer than {NewestHostGlibc}: what it links binds symbols Amazon Linux 2023 (glibc {LambdaLoadability.AmazonLinux2023Glibc}) lacks",
        _ when !host.NativeToolchains.Contains(architecture) => $"no C toolchain for {architecture.LambdaName()} here",
        _ => null,
    };

    private static string? WhyNotInContainer(BuildHost host, LambdaArchitecture architecture) => host.DockerEngine switch
    {
        null => "no Docker engine answers",
        // Node reports no execute bits on Windows, so the CDK's zip would ship a bootstrap Lambda cannot start.
        _ when host.OperatingSystem == HostOperatingSystem.Windows =>
            "the CDK zips assets on Windows without execute permissions, so Lambda could not start a bootstrap built there",
        var engine when engine != architecture =>
            $"Docker here runs {engine.Value.DockerPlatform()} containers, and AWS's build image compiles for its own processor only",
        _ => null,
    };

    private static string WhatToInstall(BuildHost host, LambdaArchitecture architecture)
    {
        var linuxCanLink = host.OperatingSystem == HostOperatingSystem.Linux && host.Glibc is { } glibc && glibc <= NewestHostGlibc;
        var installs = new List<string>();
        if (linuxCanLink)
        {
            installs.Add($"install the C toolchain (scripts/install-native-toolchain.sh {architecture.LambdaName()})");
        }

        if (host.OperatingSystem == HostOperatingSystem.Windows)
        {
            installs.Add("deploy from WSL2 (a Linux, see docs/deploy.md)");
        }
        else if (host.DockerEngine is null)
        {
            installs.Add(host.OperatingSystem == HostOperatingSystem.MacOS ? "install and start Docker Desktop" : "install and start Docker");
        }
        else if (host.DockerEngine != architecture)
        {
            installs.Add($"deploy with -c {DeploymentSettings.ArchitectureContext}={host.DockerEngine.Value.LambdaName()} to build with this Docker");
        }

        return $"For a native bootstrap, {string.Join(", or ", installs)}";
    }
}

/// <summary><c>assignment3:runtime=native</c> on a machine that cannot build a native bundle.</summary>
public sealed class NativeBuildImpossibleException(string message) : Exception(message);
