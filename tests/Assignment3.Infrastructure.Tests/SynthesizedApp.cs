using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Assignment3.Catalog;
using Assignment3.Infrastructure;
using Assignment3.Infrastructure.Bundling;

// jsii is not thread-safe: one test at a time in this assembly.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Assignment3.Infrastructure.Tests;

/// <summary>The app synthesized once, without bundling (the synthesis tests bundle for real).</summary>
public static class SynthesizedApp
{
    /// <summary>
    /// The host the template tests plan for, whatever machine runs them: a Debian 12 x64 with both C toolchains, so
    /// size tracking and plotting are native on arm64, the default.
    /// </summary>
    public static readonly BuildHost DebianHost = new(HostOperatingSystem.Linux, LambdaArchitecture.X86_64, new Version(2, 36),
        new HashSet<LambdaArchitecture> { LambdaArchitecture.X86_64, LambdaArchitecture.Arm64 }, null);

    /// <summary>The repository these tests run in.</summary>
    public static readonly string Root = RepositoryRoot.Find(AppContext.BaseDirectory);

    private static readonly Lazy<(Template Storage, Template Lambda)> Templates = new(() => Synthesize());

    private static readonly Lazy<Template> IncrementalTemplate = new(() =>
        Synthesize(context: new Dictionary<string, object> { [LambdaStack.TrackingContext] = TrackingModeNames.Incremental }).Lambda);

    /// <summary>
    /// Both stacks as the app builds them for <see cref="DebianHost"/>, from <paramref name="root"/> (default: this
    /// repository) with <paramref name="functions"/> (default: the catalog's) and the CDK <paramref name="context"/>
    /// values given (as <c>-c key=value</c> would), without bundling.
    /// </summary>
    public static (Template Storage, Template Lambda) Synthesize(string? root = null, IReadOnlyList<LambdaFunctionSpec>? functions = null,
        IReadOnlyDictionary<string, object>? context = null)
    {
        var (storage, lambda) = Build(root, functions, context);
        return (Template.FromStack(storage), Template.FromStack(lambda));
    }

    /// <summary>The stacks <see cref="Synthesize"/> makes templates of, for facts a template does not hold (annotations).</summary>
    public static (StorageStack Storage, LambdaStack Lambda) Build(string? root = null, IReadOnlyList<LambdaFunctionSpec>? functions = null,
        IReadOnlyDictionary<string, object>? context = null)
    {
        var app = new App(new AppProps
        {
            Outdir = Path.Combine(Path.GetTempPath(), $"assignment3-cdk-{Guid.NewGuid():N}"),
            // No stack is bundled: assertions read the templates only.
            Context = new Dictionary<string, object>(context ?? new Dictionary<string, object>()) { ["aws:cdk:bundling-stacks"] = Array.Empty<string>() },
        });
        return AssignmentApp.Build(app, root ?? Root, DebianHost, TextWriter.Null, functions);
    }

    public static Template Storage => Templates.Value.Storage;

    public static Template Lambda => Templates.Value.Lambda;

    /// <summary>The Lambda stack synthesized with <c>-c assignment3:tracking=incremental</c>.</summary>
    public static Template IncrementalLambda => IncrementalTemplate.Value;

    /// <summary>The template as JSON, for facts that Match cannot state in one call.</summary>
    public static JsonObject Json(Template template) =>
        JsonNode.Parse(JsonSerializer.Serialize(template.ToJSON()))!.AsObject();

    /// <summary>The resources of one type, by logical id.</summary>
    public static IEnumerable<(string Id, JsonObject Resource)> Resources(Template template, string type) =>
        Json(template)["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type)
            .Select(r => (r.Key, r.Value!.AsObject()));

    public static Dictionary<string, object> Props(params (string Key, object Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);
}
