using System.Security.Cryptography;
using System.Text;
using Amazon.CDK;
using Constructs;

namespace Assignment3.Infrastructure;

/// <summary>
/// Keeps the logical IDs that resources had when the stack declared them directly, before constructs grouped them.
/// CloudFormation takes a new logical ID for a new resource: it would create the new one before deleting the old, and
/// a resource with a fixed name (a log group, an alarm) cannot exist twice, so the update would fail; a queue would lose
/// the events parked in it. Resources keep their IDs, so a deployed stack updates in place, and a function added later
/// gets its IDs by the same scheme.
/// </summary>
public static class FlatLogicalIds
{
    // As the CDK makes logical IDs (aws-cdk-lib core/lib/private/uniqueid.ts): "Default" is left out of the path,
    // "Resource" out of the readable part, which the first 8 hex digits of the path's MD5 follow.
    private const string HiddenId = "Default";
    private const string HiddenFromHumanId = "Resource";
    private const int MaxHumanLength = 240;
    private const int MaxIdLength = 255;

    /// <summary>
    /// Gives every CloudFormation resource under <paramref name="construct"/> the logical ID it would have if
    /// <paramref name="construct"/> had been declared at the top of its stack at <paramref name="formerPath"/>
    /// (for example <c>SizeTrackingLogs</c>, or <c>Monitoring</c>, <c>size-tracking-errors</c>).
    /// Call it once the construct's resources exist.
    /// </summary>
    public static void Keep(IConstruct construct, params string[] formerPath)
    {
        ArgumentNullException.ThrowIfNull(construct);
        var prefix = construct.Node.Path + "/";
        foreach (var resource in construct.Node.FindAll().OfType<CfnResource>())
        {
            var below = resource.Node.Path.StartsWith(prefix, StringComparison.Ordinal)
                ? resource.Node.Path[prefix.Length..].Split('/')
                : [];
            resource.OverrideLogicalId(LogicalId([.. formerPath, .. below]));
        }
    }

    /// <summary>The logical ID the CDK gives a resource at <paramref name="path"/> below its stack.</summary>
    public static string LogicalId(IReadOnlyList<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var components = path.Where(c => c != HiddenId).ToList();
        if (components.Count == 0)
        {
            throw new ArgumentException("a logical ID needs at least one path component", nameof(path));
        }

        if (components.Count == 1 && AlphanumericOnly(components[0]) is { Length: <= MaxIdLength } single)
        {
            return single;
        }

#pragma warning disable CA5351 // MD5 names resources here, as the CDK does; it protects nothing.
        var hash = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(string.Join('/', components))))[..8];
#pragma warning restore CA5351
        var human = string.Concat(WithoutRepeats(components).Where(c => c != HiddenFromHumanId).Select(AlphanumericOnly));
        return human[..Math.Min(human.Length, MaxHumanLength)] + hash;
    }

    private static string AlphanumericOnly(string component) => string.Concat(component.Where(char.IsAsciiLetterOrDigit));

    // A component is dropped when the one before it ends with it ("PlotApi", "Api" → "PlotApi").
    private static IEnumerable<string> WithoutRepeats(IEnumerable<string> components)
    {
        string? previous = null;
        foreach (var component in components)
        {
            if (previous is null || !previous.EndsWith(component, StringComparison.Ordinal))
            {
                yield return component;
                previous = component;
            }
        }
    }
}
