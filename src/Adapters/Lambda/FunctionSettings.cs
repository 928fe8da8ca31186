using Assignment3.Catalog;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Lambda;

/// <summary>
/// The functions' configuration, read from the environment variables the CDK stack sets. A variable a function
/// needs but lacks fails its first invocation with an error naming the variable.
/// </summary>
public sealed class FunctionSettings(Func<string, string?> read)
{
    /// <summary>Settings from this process's environment.</summary>
    public static FunctionSettings FromEnvironment() => new(Environment.GetEnvironmentVariable);

    /// <summary>The history table's name.</summary>
    public string TableName => Required(FunctionSettingNames.TableName);

    /// <summary>Incremental tracking's table of object states and totals; incremental mode cannot run without it.</summary>
    public string ObjectStateTableName => Required(FunctionSettingNames.ObjectStateTable);

    /// <summary>The by-size index's name.</summary>
    public string SizeIndexName => Optional(FunctionSettingNames.SizeIndexName) ?? HistorySchema.SizeIndexName;

    /// <summary>The tracked bucket's name.</summary>
    public string DataBucketName => Required(FunctionSettingNames.DataBucket);

    /// <summary>The chart bucket's name.</summary>
    public string PlotBucketName => Required(FunctionSettingNames.PlotBucket);

    /// <summary>
    /// The function's timeout (<see cref="FunctionSettingNames.FunctionTimeout"/>) made a budget with
    /// <see cref="ShyOf"/>: what an invocation may take where no runtime says when it ends (the CLI's <c>invoke</c>).
    /// Null without the setting (a local run): no limit.
    /// </summary>
    public TimeSpan? InvocationDeadline
    {
        get
        {
            if (Optional(FunctionSettingNames.FunctionTimeout) is not { } text)
            {
                return null;
            }

            if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || !double.IsFinite(seconds) || seconds < 1 || seconds > 900)
            {
                throw new MissingSettingException(
                    $"environment variable {FunctionSettingNames.FunctionTimeout} must be the function's timeout in seconds (1 to 900), was '{text}'");
            }

            return ShyOf(TimeSpan.FromSeconds(seconds));
        }
    }

    /// <summary>
    /// What of <paramref name="remaining"/> an invocation's work may use: all but a tenth (0.5 s to 5 s), kept to log the
    /// failure and answer before Lambda ends the invocation. Never negative.
    /// </summary>
    public static TimeSpan ShyOf(TimeSpan remaining)
    {
        var margin = TimeSpan.FromTicks(Math.Clamp(remaining.Ticks / 10, TimeSpan.FromSeconds(0.5).Ticks, TimeSpan.FromSeconds(5).Ticks));
        return remaining > margin ? remaining - margin : TimeSpan.Zero;
    }

    /// <summary>
    /// How size tracking follows the bucket (<see cref="FunctionSettingNames.TrackingMode"/>): listing when unset, else
    /// exactly one of <see cref="TrackingModeNames.All"/>. Anything else is refused: a typo must not silently track by
    /// listing while the stack believes it tracks incrementally.
    /// </summary>
    public TrackingMode TrackingMode => Optional(FunctionSettingNames.TrackingMode) switch
    {
        null or TrackingModeNames.Listing => TrackingMode.Listing,
        TrackingModeNames.Incremental => TrackingMode.Incremental,
        var other => throw new MissingSettingException(
            $"environment variable {FunctionSettingNames.TrackingMode} must be {string.Join(" or ", TrackingModeNames.All)}, was '{other}'"),
    };

    /// <summary>Any setting by name (the AWS SDK's own, for example), or null when it is not set.</summary>
    public string? Read(string name) => Optional(name);

    /// <summary>The plotting API's URL.</summary>
    public Uri PlotApiUrl
    {
        get
        {
            var text = Required(FunctionSettingNames.PlotApiUrl);
            return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
                ? url
                : throw new MissingSettingException($"environment variable {FunctionSettingNames.PlotApiUrl} must be an absolute http(s) URL, was '{text}'");
        }
    }

    private string? Optional(string name) => read(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private string Required(string name) =>
        Optional(name) ?? throw new MissingSettingException($"environment variable {name} is not set; the function cannot run without it");
}

/// <summary>A function's configuration is missing or unusable.</summary>
public sealed class MissingSettingException(string message) : Exception(message);
