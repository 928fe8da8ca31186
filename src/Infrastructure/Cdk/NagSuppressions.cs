using Amazon.CDK;
using Constructs;

namespace Assignment3.Infrastructure;

/// <summary>
/// Records, where a cdk-nag finding arises, why it is accepted: each resource's CloudFormation metadata gets
/// <c>cdk_nag.rules_to_suppress</c> entries (<c>id</c>, <c>reason</c>, optionally <c>applies_to</c>), the standard
/// cdk-nag form. <c>scripts/cdk-nag.js</c> reads them from the synthesized templates; any finding without one fails CI.
/// One instance per stack, because a resource's entries are written together.
/// </summary>
public sealed class NagSuppressions
{
    private readonly Dictionary<string, (CfnResource Resource, List<Dictionary<string, object>> Rules)> _byPath = [];

    /// <summary>
    /// Accepts finding <paramref name="ruleId"/> on <paramref name="construct"/> (a CfnResource, or an L2 construct
    /// whose default child is one). <paramref name="appliesTo"/> narrows it to some findings of a granular rule:
    /// literal finding texts, or <c>regex:</c>-prefixed patterns.
    /// </summary>
    public void Add(IConstruct construct, string ruleId, string reason, params string[] appliesTo)
    {
        var entry = EntryOf(construct);
        var rule = new Dictionary<string, object> { ["id"] = ruleId, ["reason"] = reason };
        if (appliesTo.Length > 0)
        {
            rule["applies_to"] = appliesTo.Select(a => a.StartsWith("regex:", StringComparison.Ordinal)
                ? (object)new Dictionary<string, object> { ["regex"] = a["regex:".Length..] }
                : a).ToArray();
        }

        entry.Rules.Add(rule);
        entry.Resource.AddMetadata("cdk_nag", new Dictionary<string, object> { ["rules_to_suppress"] = entry.Rules.ToArray() });
    }

    /// <summary>
    /// Accepts finding <paramref name="ruleId"/> on <paramref name="construct"/> for <paramref name="reason"/> instead
    /// of the reason given before, if any: for a default that whoever knows better overrides.
    /// </summary>
    public void Replace(IConstruct construct, string ruleId, string reason)
    {
        EntryOf(construct).Rules.RemoveAll(rule => (string)rule["id"] == ruleId && !rule.ContainsKey("applies_to"));
        Add(construct, ruleId, reason);
    }

    private (CfnResource Resource, List<Dictionary<string, object>> Rules) EntryOf(IConstruct construct)
    {
        ArgumentNullException.ThrowIfNull(construct);
        var resource = construct as CfnResource ?? construct.Node.DefaultChild as CfnResource
            ?? throw new ArgumentException($"{construct.Node.Path} is not a CloudFormation resource", nameof(construct));
        if (!_byPath.TryGetValue(resource.Node.Path, out var entry))
        {
            entry = (resource, []);
            _byPath[resource.Node.Path] = entry;
        }

        return entry;
    }

    /// <summary>Every CloudFormation resource under <paramref name="scope"/> whose path contains <paramref name="pathPart"/>.</summary>
    public static IEnumerable<CfnResource> ResourcesUnder(IConstruct scope, string pathPart)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.Node.FindAll().OfType<CfnResource>().Where(r => r.Node.Path.Contains(pathPart, StringComparison.Ordinal));
    }
}
