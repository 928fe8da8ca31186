using System.Security.Cryptography;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.Local;

/// <summary>Whether an object was written or removed.</summary>
public enum BlobChangeKind
{
    /// <summary>Created or replaced ("Object Created").</summary>
    Created,

    /// <summary>Removed ("Object Deleted").</summary>
    Deleted,
}

/// <summary>One object change, with what S3 reports about it.</summary>
/// <param name="BucketName">The bucket changed.</param>
/// <param name="Key">The object's key.</param>
/// <param name="Kind">Written or removed.</param>
/// <param name="Size">New size in bytes (0 for a removal).</param>
/// <param name="ETag">MD5 of the content as S3 reports it for a single-part upload; null for a removal.</param>
public sealed record BlobChange(string BucketName, string Key, BlobChangeKind Kind, long Size, string? ETag);

/// <summary>
/// Wraps any blob store and reports each successful change, the way S3 sends events to EventBridge.
/// Listing and head requests are not reported. The callback decides whether delivery is synchronous or queued.
/// </summary>
public sealed class ChangeNotifyingBlobStore(IBlobStore inner, Func<BlobChange, CancellationToken, Task> onChange) : IBlobStore
{
    /// <inheritdoc />
    public Task<BlobPage> ListAsync(string bucketName, string? continuationToken, string? startAfter, CancellationToken cancellationToken) =>
        inner.ListAsync(bucketName, continuationToken, startAfter, cancellationToken);

    /// <inheritdoc />
    public Task<BlobHead?> HeadAsync(string bucketName, string key, CancellationToken cancellationToken) =>
        inner.HeadAsync(bucketName, key, cancellationToken);

    /// <inheritdoc />
    public async Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType,
        CancellationToken cancellationToken)
    {
        await inner.PutAsync(bucketName, key, content, contentType, cancellationToken);
#pragma warning disable CA5351 // S3's ETag of a single-part upload is defined as the MD5 of the content; no security rests on it.
        var etag = Convert.ToHexStringLower(MD5.HashData(content.Span));
#pragma warning restore CA5351
        await onChange(new BlobChange(bucketName, key, BlobChangeKind.Created, content.Length, etag), cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await inner.DeleteAsync(bucketName, keys, cancellationToken);
        foreach (var key in keys)
        {
            await onChange(new BlobChange(bucketName, key, BlobChangeKind.Deleted, 0, null), cancellationToken);
        }
    }
}
