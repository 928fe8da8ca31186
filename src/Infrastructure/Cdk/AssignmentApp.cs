using Amazon.CDK;
using Assignment3.Catalog;
using Assignment3.Infrastructure.Bundling;

namespace Assignment3.Infrastructure;

/// <summary>The two stacks, wired: storage first, then the functions that use it.</summary>
public static class AssignmentApp
{
    /// <summary>
    /// Adds both stacks to <paramref name="app"/> for the account and region the CDK CLI resolved. Each function's
    /// bundle is planned from <paramref name="host"/> (default: this machine's facts) and the context's
    /// <c>assignment3:runtime</c> and <c>assignment3:architecture</c>, and the plan is written to <paramref name="report"/>
    /// (default: standard error, which the CDK CLI shows) one line per function. The functions are
    /// <paramref name="functions"/> (default: <see cref="FunctionCatalog.All"/>).
    /// </summary>
    public static (StorageStack Storage, LambdaStack Lambda) Build(App app, string repositoryRoot, BuildHost? host = null, TextWriter? report = null,
        IReadOnlyList<LambdaFunctionSpec>? functions = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        functions ??= FunctionCatalog.All;
        var settings = DeploymentSettings.From(
            app.Node.TryGetContext(DeploymentSettings.RuntimeContext)?.ToString(),
            app.Node.TryGetContext(DeploymentSettings.ArchitectureContext)?.ToString());
        host ??= BuildHostProbe.Detect();
        var plans = BundlePlanner.PlanAll(functions, host, settings);
        report ??= Console.Error;
        foreach (var plan in plans)
        {
            report.WriteLine($"assignment3: {plan.Line}");
        }

        // Server access logs are delivered under a bucket policy for the logging service, not the LogDeliveryWrite
        // ACL, which buckets with ACLs disabled (object ownership "bucket owner enforced") cannot have.
        app.Node.SetContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
        var environment = new Amazon.CDK.Environment
        {
            Account = System.Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT"),
            Region = System.Environment.GetEnvironmentVariable("CDK_DEFAULT_REGION"),
        };
        var storage = new StorageStack(app, "Assignment3-Storage", new StackProps
        {
            Env = environment,
            Description = "assignment3: data bucket, plot bucket, size history table, object state table",
        });
        // The references to the storage stack make it deploy first.
        var lambda = new LambdaStack(app, "Assignment3-Lambda", new LambdaStackProps
        {
            Env = environment,
            Description = "assignment3: size tracking, plotting API, driver",
            DataBucket = storage.DataBucket,
            PlotBucket = storage.PlotBucket,
            History = storage.History,
            ObjectStates = storage.ObjectStates,
            RepositoryRoot = repositoryRoot,
            Functions = functions,
            Plans = plans.ToDictionary(p => p.Bundle.Function.Name),
        });
        return (storage, lambda);
    }
}

/// <summary>Finds the repository root (the folder with Assignment3.sln) from the working directory up.</summary>
public static class RepositoryRoot
{
    /// <summary>The root, or an error saying where to run from.</summary>
    public static string Find(string? start = null)
    {
        for (var directory = new DirectoryInfo(start ?? System.Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Assignment3.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("run the CDK app from inside the repository (no Assignment3.sln found above the working directory)");
    }
}
