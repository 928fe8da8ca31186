namespace Assignment3.Catalog;

/// <summary>How S3 object changes look on EventBridge: the rule matches them, the size-tracking function accepts them.</summary>
public static class S3EventNames
{
    /// <summary>The "source" of every S3 event.</summary>
    public const string Source = "aws.s3";

    /// <summary>The "detail-type" for a created or replaced object.</summary>
    public const string ObjectCreated = "Object Created";

    /// <summary>The "detail-type" for a removed object.</summary>
    public const string ObjectDeleted = "Object Deleted";

    /// <summary>The "deletion-type" of a key (unversioned) or one version removed for good.</summary>
    public const string PermanentlyDeleted = "Permanently Deleted";

    /// <summary>The "deletion-type" of a delete marker put on a versioned key.</summary>
    public const string DeleteMarkerCreated = "Delete Marker Created";
}
