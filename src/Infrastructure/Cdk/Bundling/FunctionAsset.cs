using Amazon.CDK;
using Amazon.CDK.AWS.S3.Assets;
using Assignment3.Catalog;
using Constructs;

namespace Assignment3.Infrastructure.Bundling;

/// <summary>
/// A function's code as its plan says: published on this machine, or in AWS's build image through the CDK's Docker
/// bundling, then checked for loadability on Lambda wherever it was built.
/// </summary>
public static class FunctionAsset
{
    /// <summary>What the build needs from the repository root; the container copies only these, without bin/obj.</summary>
    public static readonly IReadOnlyList<string> BuildInputs = ["src", "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig"];

    /// <summary>Where, under the repository root, the container keeps its NuGet packages between synths.</summary>
    public const string ContainerPackageCache = ".assignment3/build-cache";

    private const string ContainerPackages = "/tmp/nuget-packages";

    /// <summary>
    /// Warnings stay errors in the repository's builds and tests; a deployment does not stop for one that a newer SDK
    /// (the user's, or the build image's) adds.
    /// </summary>
    private static readonly string[] DeploymentPublishProperties = ["-p:TreatWarningsAsErrors=false"];

    /// <summary>Stages the plan's bundle as an asset of <paramref name="scope"/>, checked unless the stack is not bundled.</summary>
    public static Asset Create(Construct scope, string id, BundlePlan plan, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var asset = new Asset(scope, id, new AssetProps
        {
            Path = repositoryRoot,
            // The three functions share one source tree, so the hash must come from each published bundle
            // (builds are deterministic: unchanged code gives an unchanged hash and no redeploy).
            Exclude = ["**/bin", "**/obj", "node_modules", "cdk.out", ".git", ".assignment3", "tests", "docs", "artifacts"],
            AssetHashType = AssetHashType.OUTPUT,
            Bundling = plan.Place == BuildPlace.Container
                ? InContainer(plan.Bundle, repositoryRoot)
                : OnHost(plan.Bundle, repositoryRoot, plan.HostPublishProperties),
        });
        if (Stack.Of(scope).BundlingRequired)
        {
            // Relative to the stage's cloud assembly; absolute already when staging is disabled.
            LambdaLoadability.Require(Path.Combine(Stage.Of(scope)!.Outdir, asset.AssetPath), plan.Bundle);
        }

        return asset;
    }

    /// <summary>The container's shell script: copy the build inputs to a writable place, publish into /asset-output.</summary>
    public static string ContainerScript(FunctionBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return "set -euo pipefail; mkdir -p /tmp/source; cd /asset-input; " +
            $"tar -cf - --exclude=bin --exclude=obj {string.Join(' ', BuildInputs)} | tar -xf - -C /tmp/source; " +
            $"dotnet publish /tmp/source/{bundle.ProjectDirectory} {string.Join(' ', [.. bundle.PublishOptions, .. DeploymentPublishProperties])} -o /asset-output --nologo; " +
            // Lambda runs the code as a user that does not own it: everything readable, bootstrap executable by all.
            // (what was published, not the mount point, which belongs to whoever made it on the host)
            "find /asset-output -mindepth 1 -exec chmod a+rX {} +";
    }

    private static BundlingOptions OnHost(FunctionBundle bundle, string repositoryRoot, IReadOnlyList<string> hostPublishProperties)
    {
        IReadOnlyList<string> properties = [.. DeploymentPublishProperties, .. bundle.Runtime == FunctionRuntime.NativeAot ? hostPublishProperties : []];
        return new BundlingOptions
        {
            // Never pulled: the local bundling below always succeeds or fails loudly.
            Image = DockerImage.FromRegistry(BundlePlan.BuildImage(bundle.Architecture)),
            Local = new DotnetPublishBundling(repositoryRoot, bundle, properties),
            // What runs; it also tells the bundles apart in the CDK's bundling cache.
            Command = ["dotnet", .. bundle.PublishArguments("/asset-output", properties)],
        };
    }

    private static BundlingOptions InContainer(FunctionBundle bundle, string repositoryRoot)
    {
        // The CDK runs the container as the user who runs synth (-u uid:gid), for whom the image's HOME (/) is not
        // writable: the .NET CLI and NuGet get homes under /tmp, and NuGet's packages a folder of the repository's
        // that outlives the container, so a second synth does not download them again.
        var cache = Path.Combine(repositoryRoot, ContainerPackageCache, $"nuget-{bundle.Architecture.LambdaName()}");
        Directory.CreateDirectory(cache); // Docker would create a missing one as root
        return new BundlingOptions
        {
            Image = DockerImage.FromRegistry(BundlePlan.BuildImage(bundle.Architecture)),
            Platform = bundle.Architecture.DockerPlatform(),
            Command = ["bash", "-c", ContainerScript(bundle)],
            Environment = new Dictionary<string, string>
            {
                ["DOTNET_CLI_HOME"] = "/tmp/dotnet",
                ["XDG_DATA_HOME"] = "/tmp/xdg",
                ["NUGET_PACKAGES"] = ContainerPackages,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            },
            Volumes = [new DockerVolume { HostPath = cache, ContainerPath = ContainerPackages }],
        };
    }
}
