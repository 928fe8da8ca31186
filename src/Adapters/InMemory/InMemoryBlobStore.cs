using System.Security.Cryptography;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.InMemory;

/// <summary>Buckets in memory, listed in key order in pages like S3 (1,000 objects a page unless told otherwise).</summary>
/// <param name="pageSize">Objects per listing page.</param>
public sealed class InMemoryBlobStore(int pageSize = 1000) : IBlobStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, StoredBlob>> _buckets = new(StringComparer.Ordinal);

    /// <summary>How many listing pages were asked for, across all buckets.</summary>
    public int ListCalls { get; private set; }

    /// <summary>The stored object, or null.</summary>
    public StoredBlob? Get(string bucketName, string key)
    {
        lock (_gate)
        {
            return Bucket(bucketName).GetValueOrDefault(key);
        }
    }

    /// <inheritdoc />
    public Task<BlobPage> ListAsync(string bucketName, string? continuationToken, string? startAfter, CancellationToken cancellationToken)
    {
        var after = continuationToken ?? startAfter;
        lock (_gate)
        {
            ListCalls++;
            // The token is the last key of the previous page, so a listing stays correct while objects change.
            var page = Bucket(bucketName)
                .Where(p => after is null || KeyOrder.Instance.Compare(p.Key, after) > 0)
                .Take(pageSize + 1)
                .Select(p => new BlobInfo(p.Key, p.Value.Content.Length))
                .ToList();
            var hasMore = page.Count > pageSize;
            if (hasMore)
            {
                page.RemoveAt(pageSize);
            }

            return Task.FromResult(new BlobPage(page, hasMore ? page[^1].Key : null));
        }
    }

    /// <inheritdoc />
    public Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType,
        CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Bucket(bucketName)[key] = new StoredBlob(content.ToArray(), contentType);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_gate)
        {
            var bucket = Bucket(bucketName);
            foreach (var key in keys)
            {
                bucket.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>How many head requests were made, across all buckets.</summary>
    public int HeadCalls { get; private set; }

    /// <inheritdoc />
    public Task<BlobHead?> HeadAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            HeadCalls++;
            return Task.FromResult(Bucket(bucketName).GetValueOrDefault(key) is { } blob ? blob.Head : null);
        }
    }

    private SortedDictionary<string, StoredBlob> Bucket(string bucketName)
    {
        if (!_buckets.TryGetValue(bucketName, out var bucket))
        {
            bucket = new SortedDictionary<string, StoredBlob>(KeyOrder.Instance);
            _buckets[bucketName] = bucket;
        }

        return bucket;
    }
}

/// <summary>An object's bytes and content type.</summary>
public sealed record StoredBlob(byte[] Content, string ContentType)
{
    /// <summary>What S3's HeadObject would say of it: size and the single-part ETag (the content's MD5); no versions here.</summary>
#pragma warning disable CA5351 // S3's ETag of a single-part upload is defined as the MD5 of the content; no security rests on it.
    public BlobHead Head => new(Content.Length, Convert.ToHexStringLower(MD5.HashData(Content)), null);
#pragma warning restore CA5351
}
