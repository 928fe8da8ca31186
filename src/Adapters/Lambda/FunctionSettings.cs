namespace Assignment3.Adapters.Lambda;

/// <summary>
/// The functions' configuration, read from the environment variables the CDK stack sets. A variable a function
/// needs but lacks fails its first invocation with an error naming the variable.
/// </summary>
public sealed class FunctionSettings(Func<string, string?> read)
{
    /// <summary>The history table.</summary>
    public const string TableNameVariable = "TABLE_NAME";

    /// <summary>The by-size index of the table.</summary>
    public const string SizeIndexNameVariable = "SIZE_INDEX_NAME";

    /// <summary>The tracked bucket.</summary>
    public const string DataBucketVariable = "DATA_BUCKET_NAME";

    /// <summary>The bucket charts go to.</summary>
    public const string PlotBucketVariable = "PLOT_BUCKET_NAME";

    /// <summary>The plotting API's full URL (the POST method).</summary>
    public const string PlotApiUrlVariable = "PLOT_API_URL";

    /// <summary>The index name used when <see cref="SizeIndexNameVariable"/> is not set.</summary>
    public const string DefaultSizeIndexName = "GSI_SizeByBucket";

    /// <summary>Settings from this process's environment.</summary>
    public static FunctionSettings FromEnvironment() => new(Environment.GetEnvironmentVariable);

    /// <summary>The history table's name.</summary>
    public string TableName => Required(TableNameVariable);

    /// <summary>The by-size index's name.</summary>
    public string SizeIndexName => Optional(SizeIndexNameVariable) ?? DefaultSizeIndexName;

    /// <summary>The tracked bucket's name.</summary>
    public string DataBucketName => Required(DataBucketVariable);

    /// <summary>The chart bucket's name.</summary>
    public string PlotBucketName => Required(PlotBucketVariable);

    /// <summary>The plotting API's URL.</summary>
    public Uri PlotApiUrl
    {
        get
        {
            var text = Required(PlotApiUrlVariable);
            return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
                ? url
                : throw new MissingSettingException($"environment variable {PlotApiUrlVariable} must be an absolute http(s) URL, was '{text}'");
        }
    }

    private string? Optional(string name) => read(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private string Required(string name) =>
        Optional(name) ?? throw new MissingSettingException($"environment variable {name} is not set; the function cannot run without it");
}

/// <summary>A function's configuration is missing or unusable.</summary>
public sealed class MissingSettingException(string message) : Exception(message);
