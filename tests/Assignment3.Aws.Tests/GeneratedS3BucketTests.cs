using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Domain.Ports;

namespace Assignment3.Aws.Tests;

/// <summary>
/// The generated bucket the benchmark lists a million objects from is as strict as S3 where the tracker depends on
/// it: pages of at most 1,000 keys, tokens only it issued, HeadObject, signed requests only. Talked to by the real
/// SDK client and <see cref="S3BlobStore"/>.
/// </summary>
/// <remarks>In the emulators' collection although it uses none: the SDK reads its settings from the environment once per process.</remarks>
[Collection(EmulatorCollection.Name)]
public sealed class GeneratedS3BucketTests : IAsyncLifetime
{
    private const string Bucket = "generated-bucket";

    private readonly GeneratedS3Bucket _s3 = new(Bucket, 2500);
    private AmazonS3Client _client = null!;

    public Task InitializeAsync()
    {
        _client = Client(_s3);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _s3.DisposeAsync();
    }

    private static AmazonS3Client Client(GeneratedS3Bucket s3) => new(
        new SessionAWSCredentials(EmulatorFixture.AccessKeyId, EmulatorFixture.SecretAccessKey, EmulatorFixture.SessionToken),
        new AmazonS3Config { ServiceURL = s3.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = EmulatorFixture.Region });

    [Fact]
    public async Task Paging_through_the_blob_store_yields_every_key_once_in_order_with_its_size_in_pages_of_1000()
    {
        var listed = new List<(string Key, long Size)>();
        await foreach (var blob in new S3BlobStore(_client).ListAllAsync(Bucket))
        {
            listed.Add((blob.Key, blob.Size));
        }

        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (GeneratedS3Bucket.Key(i), GeneratedS3Bucket.Size(i))), listed);
        Assert.Equal(3, _s3.ListRequests);
        Assert.Equal(_s3.TotalSize, listed.Sum(b => b.Size));
    }

    [Fact]
    public async Task A_page_says_how_many_keys_it_holds_and_the_last_page_is_not_truncated()
    {
        var first = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        var second = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, ContinuationToken = first.NextContinuationToken });
        var last = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, ContinuationToken = second.NextContinuationToken });

        Assert.Equal((1000, true, 1000), (first.KeyCount, first.IsTruncated, first.S3Objects.Count));
        Assert.Equal($"\"{GeneratedS3Bucket.ETag(0)}\"", first.S3Objects[0].ETag);
        Assert.Equal((1000, true, GeneratedS3Bucket.Key(1000)), (second.KeyCount, second.IsTruncated, second.S3Objects[0].Key));
        Assert.Equal((500, false, null), (last.KeyCount, last.IsTruncated, last.NextContinuationToken));
    }

    [Fact]
    public async Task Max_keys_above_1000_is_clamped_and_a_smaller_one_is_honoured()
    {
        var asked5000 = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, MaxKeys = 5000 });
        var asked7 = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, MaxKeys = 7 });

        Assert.Equal((1000, true), (asked5000.S3Objects.Count, asked5000.IsTruncated));
        Assert.Equal((7, 7, true), (asked7.S3Objects.Count, asked7.KeyCount, asked7.IsTruncated));
        var next = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, MaxKeys = 7, ContinuationToken = asked7.NextContinuationToken });
        Assert.Equal(GeneratedS3Bucket.Key(7), next.S3Objects[0].Key);
    }

    [Fact]
    public async Task A_forged_token_or_one_another_server_issued_is_refused_as_s3_refuses_it()
    {
        var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        var token = page.NextContinuationToken;
        var forged = token[..^2] + (token[^2] == 'A' ? "BA" : "AA");
        await using var other = new GeneratedS3Bucket(Bucket, 2500);
        using var otherClient = Client(other);
        var foreign = (await otherClient.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket })).NextContinuationToken;

        foreach (var bad in new[] { forged, foreign, "not-a-token" })
        {
            var error = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
                _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, ContinuationToken = bad }));
            Assert.Equal((HttpStatusCode.BadRequest, "InvalidArgument", "The continuation token provided is incorrect"),
                (error.StatusCode, error.ErrorCode, error.Message));
        }
    }

    [Fact]
    public async Task Head_answers_a_generated_objects_size_and_etag_and_nothing_for_another_key()
    {
        var store = new S3BlobStore(_client);

        var head = await store.HeadAsync(Bucket, GeneratedS3Bucket.Key(2499), default);
        var missing = await store.HeadAsync(Bucket, GeneratedS3Bucket.Key(2500), default);

        Assert.Equal(new BlobHead(GeneratedS3Bucket.Size(2499), GeneratedS3Bucket.ETag(2499), null), head);
        Assert.Null(missing);
        Assert.Equal(2, _s3.HeadRequests);
    }

    [Fact]
    public async Task Writes_and_deletes_show_in_listings_and_heads_alike()
    {
        var store = new S3BlobStore(_client);
        _s3.Put(GeneratedS3Bucket.Key(10), 7, "overwritten");
        foreach (var i in Enumerable.Range(990, 20))
        {
            _s3.Delete(GeneratedS3Bucket.Key(i)); // across a page's end
        }

        var appended = _s3.NextKey;
        _s3.Put(appended, 5, "appended");

        var listed = new List<BlobInfo>();
        await foreach (var blob in store.ListAllAsync(Bucket))
        {
            listed.Add(blob);
        }

        Assert.Equal(2481, listed.Count);
        Assert.Equal(listed.Select(b => b.Key).Order(StringComparer.Ordinal), listed.Select(b => b.Key));
        Assert.Equal((GeneratedS3Bucket.Key(2500), 5L), (listed[^1].Key, listed[^1].Size));
        Assert.Equal((_s3.TotalSize, 2481L), (listed.Sum(b => b.Size), _s3.ObjectCount));
        Assert.Equal(new BlobHead(7, "overwritten", null), await store.HeadAsync(Bucket, GeneratedS3Bucket.Key(10), default));
        Assert.Null(await store.HeadAsync(Bucket, GeneratedS3Bucket.Key(995), default));
    }

    [Fact]
    public async Task An_unsigned_request_is_denied_and_another_bucket_does_not_exist()
    {
        using var http = new HttpClient();

        using var unsigned = await http.GetAsync(new Uri(_s3.Endpoint, $"{Bucket}?list-type=2"));
        var elsewhere = await Assert.ThrowsAsync<NoSuchBucketException>(() => _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "other-bucket" }));

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, "NoSuchBucket"), (elsewhere.StatusCode, elsewhere.ErrorCode));
    }
}
