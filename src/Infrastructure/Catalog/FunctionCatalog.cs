namespace Assignment3.Catalog;

/// <summary>How a function runs on Lambda.</summary>
public enum FunctionRuntime
{
    /// <summary>The managed dotnet10 runtime calls <see cref="LambdaFunctionSpec.Handler"/> in the published class library.</summary>
    Managed,

    /// <summary>
    /// provided.al2023 starts the Native AOT executable <c>bootstrap</c> published from the function's own project
    /// (<c>-p:LambdaBundle=native</c>), whose one-line entry point runs the same function class behind our Runtime API loop.
    /// </summary>
    NativeAot,
}

/// <summary>The processor a function runs on, which its bundle is compiled for.</summary>
public enum LambdaArchitecture
{
    /// <summary>Intel/AMD 64-bit: Lambda's <c>x86_64</c>, .NET's <c>linux-x64</c>.</summary>
    X86_64,

    /// <summary>AWS Graviton: Lambda's <c>arm64</c>, .NET's <c>linux-arm64</c>.</summary>
    Arm64,
}

/// <summary>Names of an architecture in the vocabularies that need one.</summary>
public static class LambdaArchitectures
{
    /// <summary>.NET's runtime identifier for Lambda's Linux on <paramref name="architecture"/>.</summary>
    public static string RuntimeIdentifier(this LambdaArchitecture architecture) =>
        architecture == LambdaArchitecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>Lambda's (and the CDK context's) name: <c>x86_64</c> or <c>arm64</c>.</summary>
    public static string LambdaName(this LambdaArchitecture architecture) =>
        architecture == LambdaArchitecture.Arm64 ? "arm64" : "x86_64";

    /// <summary>Docker's platform: <c>linux/amd64</c> or <c>linux/arm64</c>.</summary>
    public static string DockerPlatform(this LambdaArchitecture architecture) =>
        architecture == LambdaArchitecture.Arm64 ? "linux/arm64" : "linux/amd64";

    /// <summary>The architecture Lambda calls <paramref name="name"/> (<c>x86_64</c> or <c>arm64</c>), or null.</summary>
    public static LambdaArchitecture? FromLambdaName(string? name) => name switch
    {
        "x86_64" => LambdaArchitecture.X86_64,
        "arm64" => LambdaArchitecture.Arm64,
        _ => null,
    };
}

/// <summary>One deployable function: where its project lives and how Lambda runs it.</summary>
/// <param name="Name">The short name used by the CLI and in resource names.</param>
/// <param name="ProjectDirectory">The function's class library, relative to the repository root.</param>
/// <param name="AssemblyName">The function's assembly.</param>
/// <param name="TypeName">The handler's class.</param>
/// <param name="PreferredRuntime">
/// How it is deployed when the deploying machine can build that (a native bundle may fall back to managed, see
/// docs/deploy.md); the local invoker always calls the class library.
/// </param>
/// <param name="MemoryMb">The memory Lambda gives it, in MB; Lambda gives CPU in proportion.</param>
/// <param name="TimeoutSeconds">How long Lambda lets one invocation run; the function stops itself shy of it.</param>
public sealed record LambdaFunctionSpec(string Name, string ProjectDirectory, string AssemblyName, string TypeName, FunctionRuntime PreferredRuntime,
    int MemoryMb, int TimeoutSeconds)
{
    /// <summary>The handler method: input <see cref="Stream"/>, output <c>Task&lt;Stream&gt;</c>.</summary>
    public const string MethodName = "Handle";

    /// <summary>What provided.al2023 starts: the file of this name at the bundle's root.</summary>
    public const string NativeExecutable = "bootstrap";

    /// <summary><c>Assembly::Namespace.Type::Method</c>, as the managed .NET runtime expects it.</summary>
    public string Handler => $"{AssemblyName}::{TypeName}::{MethodName}";

    /// <summary>The bundle this function is deployed as by default: its preferred runtime, for <paramref name="architecture"/>.</summary>
    public FunctionBundle Bundle(LambdaArchitecture architecture) => new(this, PreferredRuntime, architecture);
}

/// <summary>
/// What is published for one function: on which runtime it runs and for which processor. The stack, the tests and the
/// benchmark publish a bundle from these facts alone, so they publish the same thing.
/// </summary>
/// <param name="Function">The function.</param>
/// <param name="Runtime">Native AOT on provided.al2023, or the class library on dotnet10.</param>
/// <param name="Architecture">The processor it is compiled for.</param>
public sealed record FunctionBundle(LambdaFunctionSpec Function, FunctionRuntime Runtime, LambdaArchitecture Architecture)
{
    /// <summary>The project whose publish output is the bundle: the function's own, whichever the runtime.</summary>
    public string ProjectDirectory => Function.ProjectDirectory;

    /// <summary>What makes the function's project publish a native bootstrap (src/Adapters/Functions/NativeAot.props).</summary>
    public const string NativeBundleProperty = "-p:LambdaBundle=native";

    /// <summary>What Lambda is told to run: <c>bootstrap</c> natively, the handler string on dotnet10.</summary>
    public string Handler => Runtime == FunctionRuntime.NativeAot ? LambdaFunctionSpec.NativeExecutable : Function.Handler;

    /// <summary>
    /// How the bundle is published: Release for the architecture's Linux; a managed bundle is framework-dependent
    /// (ReadyToRun comes with -r, see src/Adapters/Functions/Directory.Build.props), a native one is self-contained by nature.
    /// </summary>
    public IReadOnlyList<string> PublishOptions => Runtime == FunctionRuntime.NativeAot
        ? ["-c", "Release", "-r", Architecture.RuntimeIdentifier(), NativeBundleProperty]
        : ["-c", "Release", "-r", Architecture.RuntimeIdentifier(), "--self-contained", "false"];

    /// <summary>
    /// What follows <c>dotnet</c> to publish the bundle into <paramref name="outputDirectory"/>, with extra MSBuild
    /// <paramref name="properties"/> (a cross toolchain's, say), from the repository root.
    /// </summary>
    public IReadOnlyList<string> PublishArguments(string outputDirectory, IEnumerable<string> properties) =>
        ["publish", ProjectDirectory, .. PublishOptions, .. properties, "-o", outputDirectory, "--nologo", "-v", "quiet"];

    /// <summary>Publishes the bundle from <paramref name="repositoryRoot"/> into <paramref name="outputDirectory"/>.</summary>
    public void Publish(string repositoryRoot, string outputDirectory, IEnumerable<string> properties) =>
        DotnetCli.Run(repositoryRoot, PublishArguments(outputDirectory, properties));

    /// <summary>For messages: "Native AOT bootstrap for linux-arm64" or "dotnet10 class library for linux-x64".</summary>
    public string Description => Runtime == FunctionRuntime.NativeAot
        ? $"Native AOT bootstrap on provided.al2023 for {Architecture.RuntimeIdentifier()}"
        : $"class library on dotnet10 for {Architecture.RuntimeIdentifier()}";
}

/// <summary>The three functions; the CDK stack, the local invoker and the benchmark read them from here.</summary>
public static class FunctionCatalog
{
    /// <summary>
    /// S3 object events → RecordBucketSize. Native: it runs on every change, so its cold start matters most. It lists
    /// the whole bucket per event: 512 MB buys the CPU share that keeps a 5,000-object listing near a second, and a
    /// minute covers buckets of ~100,000 objects (100 LIST pages).
    /// </summary>
    public static readonly LambdaFunctionSpec SizeTracking = new("size-tracking", "src/Adapters/Functions/SizeTracking",
        "Assignment3.Functions.SizeTracking", "Assignment3.Functions.SizeTracking.SizeTrackingFunction", FunctionRuntime.NativeAot,
        MemoryMb: 512, TimeoutSeconds: 60);

    /// <summary>
    /// API Gateway proxy requests → RenderSizeChart. Native: a person waits for its answer. Rendering wants CPU, and
    /// 1 GB gives a full vCPU's worth; API Gateway waits at most 29 s.
    /// </summary>
    public static readonly LambdaFunctionSpec Plotting = new("plotting", "src/Adapters/Functions/Plotting",
        "Assignment3.Functions.Plotting", "Assignment3.Functions.Plotting.PlottingFunction", FunctionRuntime.NativeAot,
        MemoryMb: 1024, TimeoutSeconds: 29);

    /// <summary>
    /// Any invocation → RunDemo. Managed: run by hand, and its time is spent waiting for the tracker. It runs the demo
    /// (five changes, each waited for) and calls the API; 3 minutes covers five 30 s waits.
    /// </summary>
    public static readonly LambdaFunctionSpec Driver = new("driver", "src/Adapters/Functions/Driver",
        "Assignment3.Functions.Driver", "Assignment3.Functions.Driver.DriverFunction", FunctionRuntime.Managed,
        MemoryMb: 512, TimeoutSeconds: 180);

    /// <summary>All three, in deployment order.</summary>
    public static IReadOnlyList<LambdaFunctionSpec> All { get; } = [SizeTracking, Plotting, Driver];

    /// <summary>The function called <paramref name="name"/>, or null.</summary>
    public static LambdaFunctionSpec? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}
