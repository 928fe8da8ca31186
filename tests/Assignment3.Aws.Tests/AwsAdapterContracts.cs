using System.Text;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Domain.Ports;

namespace Assignment3.Aws.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class DynamoDbHistoryRepositoryContract(EmulatorFixture emulators) : HistoryRepositoryContract
{
    public const string IndexName = HistorySchema.SizeIndexName;

    protected override async Task<IHistoryRepository> CreateRepositoryAsync() =>
        new DynamoDbHistoryRepository(emulators.DynamoDb, await emulators.CreateTableAsync(), IndexName);

    [Fact]
    public async Task The_table_is_keyed_bucket_name_and_time_with_the_by_size_index()
    {
        var table = (await emulators.DynamoDb.DescribeTableAsync(await emulators.CreateTableAsync())).Table;

        Assert.Equal(["bucket_name:HASH", "time:RANGE"], table.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType}"));
        var index = Assert.Single(table.GlobalSecondaryIndexes);
        Assert.Equal(IndexName, index.IndexName);
        Assert.Equal(["bucket_name:HASH", "total_size:RANGE"], index.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType}"));
        Assert.Equal("N", table.AttributeDefinitions.Single(a => a.AttributeName == "total_size").AttributeType.Value);
    }

    [Fact]
    public async Task Items_carry_the_documented_attributes_and_types()
    {
        var tableName = await emulators.CreateTableAsync();
        var repository = new DynamoDbHistoryRepository(emulators.DynamoDb, tableName, IndexName);
        await repository.AppendAsync(new SizeRecord("typed", T0, 27, 1), null, default);

        var item = (await emulators.DynamoDb.QueryAsync(new QueryRequest
        {
            TableName = tableName,
            KeyConditionExpression = "bucket_name = :b",
            ExpressionAttributeValues = new() { [":b"] = new AttributeValue { S = "typed" } },
        })).Items.Single();

        Assert.Equal("typed", item["bucket_name"].S);
        Assert.Equal(T0.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), item["time"].N);
        Assert.Equal("27", item["total_size"].N);
        Assert.Equal("1", item["object_cnt"].N);
    }

    [Fact]
    public async Task Idempotency_markers_stay_out_of_the_bucket_history_and_the_size_index()
    {
        var tableName = await emulators.CreateTableAsync();
        var repository = new DynamoDbHistoryRepository(emulators.DynamoDb, tableName, IndexName);
        await repository.AppendAsync(new SizeRecord("marked", T0, 5, 1), "event-1", default);

        var indexed = await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = tableName, IndexName = IndexName });

        // Nor do the record's summaries, which the append wrote beside it.
        Assert.Equal(["marked"], indexed.Items.Select(i => i["bucket_name"].S));
        Assert.Single(await repository.GetRangeAsync("marked", T0.AddDays(-1), T0.AddDays(1), default));
        foreach (var resolution in SummaryResolutions.All)
        {
            Assert.Single(await repository.GetSummariesAsync("marked", resolution, T0, T0, default));
        }
    }

    [Fact]
    public void The_catalog_names_the_summary_resolutions_the_domain_keeps() =>
        Assert.Equal(SummaryResolutions.All.Select(r => (long)r.TotalSeconds), HistorySchema.SummaryResolutionSeconds);

    /// <summary>
    /// Every request the adapter sends, recorded by a proxy, is one the stack's grants authorize: appends need only
    /// <see cref="HistoryAccess.Append"/>, reads only <see cref="HistoryAccess.Read"/>, and an append without an event
    /// marker (the driver's) touches only the bucket's own partitions, which the driver's role is limited to. DynamoDB
    /// Local checks no IAM; this is what stands in for it.
    /// </summary>
    [Fact]
    public async Task Every_request_is_authorized_by_the_access_the_stack_grants()
    {
        var tableName = await emulators.CreateTableAsync();
        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        var repository = new DynamoDbHistoryRepository(EmulatorFixture.DynamoDbVia(proxy.Endpoint), tableName, IndexName);
        const string Bucket = "granted";

        for (var i = 0; i < 120; i++)
        {
            await repository.AppendAsync(new SizeRecord(Bucket, T0.AddSeconds(i), i, 1), i % 2 == 0 ? null : $"event-{i}", default);
        }

        var appends = proxy.Requests.ToList();
        await repository.GetLatestAsync(Bucket, default);
        await repository.GetRecentAsync(Bucket, TimeSpan.FromMinutes(5), 1001, default);
        await repository.GetRangeAsync(Bucket, T0, T0.AddMinutes(5), default);
        await repository.GetSummariesAsync(Bucket, TimeSpan.FromMinutes(1), T0, T0.AddMinutes(5), default);
        await repository.GetLargestAsync(Bucket, default);
        var reads = proxy.Requests.Skip(appends.Count).ToList();

        Assert.Subset(HistoryAccess.Append.ToHashSet(), appends.SelectMany(Action).ToHashSet());
        Assert.Subset(HistoryAccess.Read.ToHashSet(), reads.SelectMany(Action).ToHashSet());
        var markerless = new DynamoDbHistoryRepository(EmulatorFixture.DynamoDbVia(proxy.Endpoint), tableName, IndexName);
        var before = proxy.Requests.Count;
        await markerless.AppendAsync(new SizeRecord(Bucket, T0.AddHours(1), 5, 1), null, default);
        Assert.Subset(HistorySchema.PartitionsOf(Bucket).ToHashSet(), proxy.Requests.Skip(before).SelectMany(PartitionKeys).ToHashSet());
    }

    private static IEnumerable<string> Action(ProxiedRequest request) => GrantedRequests.Actions(request);

    private static IEnumerable<string> PartitionKeys(ProxiedRequest request) => GrantedRequests.PartitionKeys(request);
}

[Collection(EmulatorCollection.Name)]
public sealed class DynamoDbObjectStateStoreContract(EmulatorFixture emulators) : ObjectStateStoreContract
{
    private static readonly ObjectState Small = new(ObjectStatus.Present, 18, "etag-18", null, "0055AA0001");

    protected override async Task<IObjectStateStore> CreateStoreAsync() =>
        new DynamoDbObjectStateStore(emulators.DynamoDb, await emulators.CreateTableAsync());

    [Fact]
    public async Task States_and_totals_are_items_of_their_own_partitions_outside_the_history_and_the_size_index()
    {
        var tableName = await emulators.CreateTableAsync();
        var store = new DynamoDbObjectStateStore(emulators.DynamoDb, tableName);
        // A key may hold what a bucket name cannot: '#', '/', any Unicode.
        await store.ApplyAsync("kept", [new("a#b/ü.txt", Small with { VersionId = "v-1" }, 0), new("gone.txt", new ObjectState(ObjectStatus.DeletedBeforeSeen, 0, null, null, "07"), 0)],
            new BucketTotals(18, 1, 1), default);

        var items = (await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = tableName })).Items.ToDictionary(i => i["bucket_name"].S);

        Assert.Equal(["object#kept#a#b/ü.txt", "object#kept#gone.txt", "totals#kept"], items.Keys.Order(StringComparer.Ordinal));
        Assert.All(items.Values, item => Assert.Equal("0", item["time"].N));
        var present = items["object#kept#a#b/ü.txt"];
        Assert.Equal(("Present", "18", "etag-18", "v-1", "0055AA0001", "1"),
            (present["status"].S, present["bytes"].N, present["etag"].S, present["version_id"].S, present["sequencer"].S, present["revision"].N));
        // Unknown values are left out, not stored as empty.
        Assert.Equal(new[] { "bucket_name", "bytes", "revision", "sequencer", "status", "time" }, items["object#kept#gone.txt"].Keys.Order(StringComparer.Ordinal));
        var totals = items["totals#kept"];
        Assert.Equal(("18", "1", "1"), (totals["bytes"].N, totals["objects"].N, totals["unconfirmed_deletes"].N));
        Assert.Empty((await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = tableName, IndexName = HistorySchema.SizeIndexName })).Items);
        var history = new DynamoDbHistoryRepository(emulators.DynamoDb, tableName, HistorySchema.SizeIndexName);
        Assert.Null(await history.GetLatestAsync("kept", default));
        Assert.Equal(new StoredObjectState(Small with { VersionId = "v-1" }, 1), (await store.GetAsync("kept", ["a#b/ü.txt"], default))["a#b/ü.txt"]);
    }

    [Fact]
    public async Task More_keys_than_one_batch_read_takes_are_read_in_requests_of_at_most_100()
    {
        var tableName = await emulators.CreateTableAsync();
        var store = new DynamoDbObjectStateStore(emulators.DynamoDb, tableName);
        var keys = Enumerable.Range(0, 250).Select(i => $"k/{i:D3}").ToList();
        foreach (var chunk in keys.Chunk(store.MaxObjectsPerApply))
        {
            Assert.True(await store.ApplyAsync("many", [.. chunk.Select(k => new ObjectStateWrite(k, Small, 0))], new BucketTotals(18 * chunk.Length, chunk.Length, 0), default));
        }

        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        var read = await new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), tableName)
            .GetAsync("many", [.. keys, "missing-1", "missing-2", keys[0]], default);

        Assert.Equal(keys, read.Keys.Order(StringComparer.Ordinal));
        Assert.All(read.Values, state => Assert.Equal(new StoredObjectState(Small, 1), state));
        Assert.Equal([100, 100, 52], proxy.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement
            .GetProperty("RequestItems").GetProperty(tableName).GetProperty("Keys").GetArrayLength()));
        Assert.Equal(new BucketTotals(18 * 250, 250, 0), await store.GetTotalsAsync("many", default));
    }

    /// <summary>
    /// Every request incremental tracking's store sends is one <see cref="HistoryAccess.TrackObjects"/> authorizes, and
    /// it needs each of them: reads, a first apply, a replacing apply, a conflict, the totals. DynamoDB Local checks no
    /// IAM; this is what stands in for it.
    /// </summary>
    [Fact]
    public async Task Every_request_is_authorized_by_the_access_the_stack_grants()
    {
        var tableName = await emulators.CreateTableAsync();
        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        var store = new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), tableName);

        await store.GetAsync("granted", ["a.txt"], default);
        await store.ApplyAsync("granted", [new("a.txt", Small, 0)], new BucketTotals(18, 1, 0), default);
        await store.ApplyAsync("granted", [new("a.txt", Small with { Size = 20 }, 1)], new BucketTotals(2, 0, 0), default);
        Assert.False(await store.ApplyAsync("granted", [new("a.txt", Small, 1)], new BucketTotals(-2, 0, 0), default));
        await store.GetTotalsAsync("granted", default);

        Assert.Equal(HistoryAccess.TrackObjects.Order(StringComparer.Ordinal),
            proxy.Requests.SelectMany(GrantedRequests.Actions).Distinct().Order(StringComparer.Ordinal));
        Assert.All(proxy.Requests.SelectMany(GrantedRequests.PartitionKeys), key => Assert.Matches("^(object#granted#a.txt|totals#granted)$", key));
    }
}

/// <summary>What a DynamoDB request recorded by a <see cref="FaultProxy"/> needs IAM to allow, and which partitions it names.</summary>
internal static class GrantedRequests
{
    /// <summary>The IAM actions that authorize <paramref name="request"/>: a transaction's, item by item.</summary>
    public static IEnumerable<string> Actions(ProxiedRequest request)
    {
        using var body = System.Text.Json.JsonDocument.Parse(request.Body);
        var itemKinds = body.RootElement.TryGetProperty("TransactItems", out var items)
            ? items.EnumerateArray().SelectMany(item => item.EnumerateObject().Select(kind => kind.Name)).ToList()
            : [];
        return HistoryAccess.ActionsOf(request.Target!.Split('.')[^1], itemKinds);
    }

    /// <summary>The partition keys a request names: the items a transaction writes and the keys a read asks for.</summary>
    public static IEnumerable<string> PartitionKeys(ProxiedRequest request)
    {
        using var body = System.Text.Json.JsonDocument.Parse(request.Body);
        return body.RootElement.EnumerateObject().SelectMany(p => Descend(p.Value))
            .Where(p => p.Name == HistorySchema.BucketAttribute)
            .Select(p => p.Value.GetProperty("S").GetString()!).ToList();
    }

    private static IEnumerable<System.Text.Json.JsonProperty> Descend(System.Text.Json.JsonElement element) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Descend(p.Value).Prepend(p)),
        System.Text.Json.JsonValueKind.Array => element.EnumerateArray().SelectMany(Descend),
        _ => [],
    };
}

[Collection(EmulatorCollection.Name)]
public sealed class S3BlobStoreContract(EmulatorFixture emulators) : BlobStoreContract
{
    protected override Task<IBlobStore> CreateStoreAsync(int pageSize) => Task.FromResult<IBlobStore>(new S3BlobStore(emulators.S3, pageSize));

    protected override async Task<string> CreateBucketAsync(IBlobStore store, string name)
    {
        var bucket = EmulatorFixture.UniqueName(name);
        await emulators.S3.PutBucketAsync(bucket);
        return bucket;
    }

    [Fact]
    public async Task Listing_2500_objects_takes_three_pages_and_counts_every_byte()
    {
        var store = new S3BlobStore(emulators.S3);
        var bucket = await CreateBucketAsync(store, "many");
        await Parallel.ForEachAsync(Enumerable.Range(0, 2500), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await store.PutAsync(bucket, $"objects/{i:D5}.txt", Encoding.ASCII.GetBytes(new string('x', i % 7)), "text/plain", ct));

        var pages = 0;
        string? token = null;
        var all = new List<BlobInfo>();
        do
        {
            var page = await store.ListAsync(bucket, token, default);
            all.AddRange(page.Objects);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(2500, all.Select(b => b.Key).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 2500).Sum(i => (long)(i % 7)), all.Sum(b => b.Size));

        await store.DeleteAsync(bucket, [.. all.Select(b => b.Key)], default);
        Assert.Empty((await store.ListAsync(bucket, null, default)).Objects);
    }

    [Fact]
    public async Task Keys_s3_refuses_to_delete_fail_the_delete_naming_each_key_and_its_code()
    {
        // DeleteObjects answers 200 and lists per-key errors in its body; the SDK turns them into an exception.
        var bucket = await CreateBucketAsync(new S3BlobStore(emulators.S3), "refuses");
        await using var proxy = new FaultProxy(emulators.S3Endpoint);
        proxy.Answer(1, 200, "application/xml", System.Text.Encoding.UTF8.GetBytes("""
            <?xml version="1.0" encoding="UTF-8"?>
            <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Error><Key>locked.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>
            """), r => r.Method == "POST" && r.Query.StartsWith("delete", StringComparison.Ordinal));
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(
            new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddAwsClients(
                name => name == Adapters.Aws.DependencyInjection.S3EndpointVariable ? proxy.Endpoint.ToString() : null));
        var store = new S3BlobStore((Amazon.S3.IAmazonS3)provider.GetService(typeof(Amazon.S3.IAmazonS3))!);

        var error = await Assert.ThrowsAsync<IOException>(() => store.DeleteAsync(bucket, ["locked.txt", "other.txt"], default));

        Assert.Contains("refused to delete 1 of 2 objects", error.Message, StringComparison.Ordinal);
        Assert.Contains("locked.txt: AccessDenied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_png_is_stored_with_its_content_type()
    {
        var store = new S3BlobStore(emulators.S3);
        var bucket = await CreateBucketAsync(store, "plots");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

        await store.PutAsync(bucket, "chart.png", png, "image/png", default);

        using var stored = await emulators.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "chart.png" });
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy);
        Assert.Equal("image/png", stored.Headers.ContentType);
        Assert.Equal(png, copy.ToArray());
    }
}
