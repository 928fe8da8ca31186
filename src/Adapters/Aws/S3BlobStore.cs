using Amazon.S3;
using Amazon.S3.Model;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.Aws;

/// <summary>Buckets in S3: ListObjectsV2 pages, PutObject with a content type, DeleteObjects in batches.</summary>
/// <param name="client">The S3 client.</param>
/// <param name="pageSize">Keys per listing page (S3's maximum and default is 1,000).</param>
public sealed class S3BlobStore(IAmazonS3 client, int pageSize = 1000) : IBlobStore
{
    private const int DeleteBatchSize = 1000; // DeleteObjects' limit

    /// <inheritdoc />
    public async Task<BlobPage> ListAsync(string bucketName, string? continuationToken, CancellationToken cancellationToken)
    {
        var response = await client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucketName,
            ContinuationToken = continuationToken,
            MaxKeys = pageSize,
        }, cancellationToken);
        // SDK v4 returns null rather than empty collections.
        var objects = (response.S3Objects ?? []).Select(o => new BlobInfo(o.Key, o.Size ?? 0)).ToList();
        return new BlobPage(objects, response.IsTruncated == true ? response.NextContinuationToken : null);
    }

    /// <inheritdoc />
    public async Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType,
        CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucketName,
            Key = key,
            InputStream = body,
            ContentType = contentType,
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var batch in keys.Chunk(DeleteBatchSize))
        {
            try
            {
                await client.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = bucketName,
                    Objects = [.. batch.Select(key => new KeyVersion { Key = key })],
                    Quiet = true,
                }, cancellationToken);
            }
            catch (DeleteObjectsException ex)
            {
                // S3 answers 200 with per-key errors; the SDK turns them into this exception. Name the keys and codes.
                var errors = ex.Response?.DeleteErrors ?? [];
                throw new IOException($"S3 refused to delete {errors.Count} of {batch.Length} objects in {bucketName}: " +
                    string.Join("; ", errors.Take(5).Select(e => $"{e.Key}: {e.Code} {e.Message}")), ex);
            }
        }
    }
}
