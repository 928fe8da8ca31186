using Amazon.S3;
using Amazon.S3.Model;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.Aws;

/// <summary>Buckets in S3: ListObjectsV2 pages, HeadObject, PutObject with a content type, DeleteObjects in batches.</summary>
/// <param name="client">The S3 client.</param>
/// <param name="pageSize">Keys per listing page (S3's maximum and default is 1,000).</param>
public sealed class S3BlobStore(IAmazonS3 client, int pageSize = 1000) : IBlobStore
{
    private const int DeleteBatchSize = 1000; // DeleteObjects' limit

    /// <inheritdoc />
    public async Task<BlobPage> ListAsync(string bucketName, string? continuationToken, string? startAfter, CancellationToken cancellationToken)
    {
        var response = await client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucketName,
            ContinuationToken = continuationToken,
            StartAfter = continuationToken is null ? startAfter : null,
            MaxKeys = pageSize,
        }, cancellationToken);
        // SDK v4 returns null rather than empty collections.
        var objects = (response.S3Objects ?? []).Select(o => new BlobInfo(o.Key, o.Size ?? 0)).ToList();
        return new BlobPage(objects, response.IsTruncated == true ? response.NextContinuationToken : null);
    }

    /// <inheritdoc />
    public async Task<BlobHead?> HeadAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucketName, Key = key }, cancellationToken);
            // S3 quotes ETags in headers, not in events; "null" is the version id of an unversioned object.
            return new BlobHead(response.ContentLength, response.ETag?.Trim('"'), response.VersionId is null or "null" ? null : response.VersionId);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // No such key, or its current version is a delete marker (HeadObject answers 404 to both).
            return null;
        }
    }

    /// <summary>
    /// A presigned GET URL for the object: whoever has it may download that one object until it expires, without
    /// credentials of their own. Made locally (no call to S3) and signed with this client's credentials, so it works
    /// only while those may s3:GetObject and have not expired.
    /// </summary>
    public async Task<Uri> PresignGetAsync(string bucketName, string key, TimeSpan lifetime)
    {
        var url = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucketName,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.Add(lifetime),
            // HTTPS on AWS; a local emulator's plain-HTTP endpoint only where one is configured.
            Protocol = client.Config.ServiceURL?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        });
        return new Uri(url);
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
