namespace Assignment3.Catalog;

/// <summary>One deployable function: where its project lives and the handler string the managed runtime calls.</summary>
/// <param name="Name">The short name used by the CLI and in resource names.</param>
/// <param name="ProjectDirectory">The project folder, relative to the repository root.</param>
/// <param name="AssemblyName">The function's assembly.</param>
/// <param name="TypeName">The handler's class.</param>
public sealed record LambdaFunctionSpec(string Name, string ProjectDirectory, string AssemblyName, string TypeName)
{
    /// <summary>The handler method: input <see cref="Stream"/>, output <c>Task&lt;Stream&gt;</c>.</summary>
    public const string MethodName = "Handle";

    /// <summary><c>Assembly::Namespace.Type::Method</c>, as the managed .NET runtime expects it.</summary>
    public string Handler => $"{AssemblyName}::{TypeName}::{MethodName}";
}

/// <summary>The three functions; the CDK stack and the local invoker both read them from here.</summary>
public static class FunctionCatalog
{
    /// <summary>S3 object events → RecordBucketSize.</summary>
    public static readonly LambdaFunctionSpec SizeTracking = new("size-tracking", "src/Adapters/Functions/SizeTracking",
        "Assignment3.Functions.SizeTracking", "Assignment3.Functions.SizeTracking.SizeTrackingFunction");

    /// <summary>API Gateway proxy requests → RenderSizeChart.</summary>
    public static readonly LambdaFunctionSpec Plotting = new("plotting", "src/Adapters/Functions/Plotting",
        "Assignment3.Functions.Plotting", "Assignment3.Functions.Plotting.PlottingFunction");

    /// <summary>Any invocation → RunDemo.</summary>
    public static readonly LambdaFunctionSpec Driver = new("driver", "src/Adapters/Functions/Driver",
        "Assignment3.Functions.Driver", "Assignment3.Functions.Driver.DriverFunction");

    /// <summary>
    /// How every function is published, for the stack's bundles and the benchmark alike: Release, linux-x64,
    /// framework-dependent (ReadyToRun comes with -r, see src/Adapters/Functions/Directory.Build.props).
    /// </summary>
    public static IReadOnlyList<string> PublishOptions { get; } = ["-c", "Release", "-r", "linux-x64", "--self-contained", "false"];

    /// <summary>All three, in deployment order.</summary>
    public static IReadOnlyList<LambdaFunctionSpec> All { get; } = [SizeTracking, Plotting, Driver];

    /// <summary>The function called <paramref name="name"/>, or null.</summary>
    public static LambdaFunctionSpec? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}
