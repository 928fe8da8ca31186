namespace Assignment3.Catalog;

/// <summary>How a function runs on Lambda.</summary>
public enum FunctionRuntime
{
    /// <summary>The managed dotnet10 runtime calls <see cref="LambdaFunctionSpec.Handler"/> in the published class library.</summary>
    Managed,

    /// <summary>
    /// provided.al2023 starts the Native AOT executable <c>bootstrap</c> published from the function's <c>*.Native</c>
    /// project, which runs the same function class behind our Runtime API loop.
    /// </summary>
    NativeAot,
}

/// <summary>One deployable function: where its project lives and how Lambda runs it.</summary>
/// <param name="Name">The short name used by the CLI and in resource names.</param>
/// <param name="ProjectDirectory">The function's class library, relative to the repository root.</param>
/// <param name="AssemblyName">The function's assembly.</param>
/// <param name="TypeName">The handler's class.</param>
/// <param name="Runtime">How it is deployed; the local invoker always calls the class library.</param>
public sealed record LambdaFunctionSpec(string Name, string ProjectDirectory, string AssemblyName, string TypeName, FunctionRuntime Runtime)
{
    /// <summary>The handler method: input <see cref="Stream"/>, output <c>Task&lt;Stream&gt;</c>.</summary>
    public const string MethodName = "Handle";

    /// <summary>What provided.al2023 starts: the file of this name at the bundle's root.</summary>
    public const string NativeExecutable = "bootstrap";

    /// <summary><c>Assembly::Namespace.Type::Method</c>, as the managed .NET runtime expects it.</summary>
    public string Handler => $"{AssemblyName}::{TypeName}::{MethodName}";

    /// <summary>The project whose publish output is the deployed bundle.</summary>
    public string BundleProjectDirectory => Runtime == FunctionRuntime.NativeAot ? ProjectDirectory + ".Native" : ProjectDirectory;

    /// <summary>
    /// How the bundle is published, for the stack and the benchmark alike: Release for linux-x64; a managed bundle is
    /// framework-dependent (ReadyToRun comes with -r, see src/Adapters/Functions/Directory.Build.props), a native one
    /// is self-contained by nature.
    /// </summary>
    public IReadOnlyList<string> PublishOptions => Runtime == FunctionRuntime.NativeAot
        ? ["-c", "Release", "-r", "linux-x64"]
        : ["-c", "Release", "-r", "linux-x64", "--self-contained", "false"];
}

/// <summary>The three functions; the CDK stack, the local invoker and the benchmark read them from here.</summary>
public static class FunctionCatalog
{
    /// <summary>S3 object events → RecordBucketSize. Native: it runs on every change, so its cold start matters most.</summary>
    public static readonly LambdaFunctionSpec SizeTracking = new("size-tracking", "src/Adapters/Functions/SizeTracking",
        "Assignment3.Functions.SizeTracking", "Assignment3.Functions.SizeTracking.SizeTrackingFunction", FunctionRuntime.NativeAot);

    /// <summary>API Gateway proxy requests → RenderSizeChart. Native: a person waits for its answer.</summary>
    public static readonly LambdaFunctionSpec Plotting = new("plotting", "src/Adapters/Functions/Plotting",
        "Assignment3.Functions.Plotting", "Assignment3.Functions.Plotting.PlottingFunction", FunctionRuntime.NativeAot);

    /// <summary>Any invocation → RunDemo. Managed: run by hand, and its time is spent waiting for the tracker.</summary>
    public static readonly LambdaFunctionSpec Driver = new("driver", "src/Adapters/Functions/Driver",
        "Assignment3.Functions.Driver", "Assignment3.Functions.Driver.DriverFunction", FunctionRuntime.Managed);

    /// <summary>All three, in deployment order.</summary>
    public static IReadOnlyList<LambdaFunctionSpec> All { get; } = [SizeTracking, Plotting, Driver];

    /// <summary>The function called <paramref name="name"/>, or null.</summary>
    public static LambdaFunctionSpec? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}
