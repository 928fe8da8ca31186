namespace Assignment3.Catalog;

/// <summary>The environment variables the CDK stack sets and the functions read.</summary>
public static class FunctionSettingNames
{
    /// <summary>The history table.</summary>
    public const string TableName = "TABLE_NAME";

    /// <summary>The by-size index of the table.</summary>
    public const string SizeIndexName = "SIZE_INDEX_NAME";

    /// <summary>The tracked bucket.</summary>
    public const string DataBucket = "DATA_BUCKET_NAME";

    /// <summary>The bucket charts go to.</summary>
    public const string PlotBucket = "PLOT_BUCKET_NAME";

    /// <summary>The plotting API's full URL (the POST method).</summary>
    public const string PlotApiUrl = "PLOT_API_URL";

    /// <summary>The function's timeout in seconds, as configured in Lambda.</summary>
    public const string FunctionTimeout = "FUNCTION_TIMEOUT_SECONDS";

    /// <summary>How size tracking follows the bucket: one of <see cref="TrackingModeNames.All"/>; unset means listing.</summary>
    public const string TrackingMode = "TRACKING_MODE";

    /// <summary>Incremental tracking's table of object states and bucket totals (<see cref="ObjectStateSchema"/>); incremental mode needs it.</summary>
    public const string ObjectStateTable = "OBJECT_STATE_TABLE_NAME";
}

/// <summary>The values of <see cref="FunctionSettingNames.TrackingMode"/>, as the stack sets them and size tracking reads them.</summary>
public static class TrackingModeNames
{
    /// <summary>One listing of the bucket per batch (the default).</summary>
    public const string Listing = "listing";

    /// <summary>Each object's state and the bucket's running totals, kept in a table of their own; a listing only to reconcile.</summary>
    public const string Incremental = "incremental";

    /// <summary>Every value, the default first.</summary>
    public static IReadOnlyList<string> All { get; } = [Listing, Incremental];
}
