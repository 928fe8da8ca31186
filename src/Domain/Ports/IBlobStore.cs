namespace Assignment3.Domain.Ports;

/// <summary>Buckets of objects (S3 in the cloud, folders on a laptop, memory in tests).</summary>
public interface IBlobStore
{
    /// <summary>
    /// One page of the bucket's objects in key order (S3's: by UTF-8 bytes, <see cref="KeyOrder"/>); pass the returned
    /// token to get the next. Without a token, the listing begins after <paramref name="startAfter"/> (null: at the first
    /// key); with one, <paramref name="startAfter"/> is ignored, as S3 ignores it.
    /// </summary>
    Task<BlobPage> ListAsync(string bucketName, string? continuationToken, string? startAfter, CancellationToken cancellationToken);

    /// <summary>Creates or replaces an object.</summary>
    Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType,
        CancellationToken cancellationToken);

    /// <summary>Deletes the objects; keys that do not exist are ignored, as S3 does.</summary>
    Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// The current version of one object (S3's HeadObject: one request whatever the bucket holds), or null when the key
    /// has none (absent, or its current version is a delete marker).
    /// </summary>
    Task<BlobHead?> HeadAsync(string bucketName, string key, CancellationToken cancellationToken);
}

/// <summary>What a head request says of an object's current version.</summary>
/// <param name="Size">Bytes.</param>
/// <param name="ETag">The ETag without S3's surrounding quotes (the form S3's events carry).</param>
/// <param name="VersionId">The version's id in a versioned bucket; null otherwise.</param>
public sealed record BlobHead(long Size, string? ETag, string? VersionId);

/// <summary>An object's key and size in bytes.</summary>
public sealed record BlobInfo(string Key, long Size);

/// <summary>A page of a listing; <paramref name="ContinuationToken"/> is null on the last page.</summary>
public sealed record BlobPage(IReadOnlyList<BlobInfo> Objects, string? ContinuationToken);

/// <summary>Where an object lives.</summary>
public sealed record BlobLocation(string BucketName, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"s3://{BucketName}/{Key}";
}

/// <summary>Listing helpers every use case shares.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Every object of the bucket, following continuation tokens to the last page.</summary>
    public static async IAsyncEnumerable<BlobInfo> ListAllAsync(this IBlobStore store, string bucketName,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await store.ListAsync(bucketName, token, null, cancellationToken);
            foreach (var blob in page.Objects)
            {
                yield return blob;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
