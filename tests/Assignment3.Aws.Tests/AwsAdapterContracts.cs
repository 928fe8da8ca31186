using System.Globalization;
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
    private const long Written = 1_764_500_000_000;

    private static readonly ObjectState Small = new(ObjectStatus.Present, 18, "etag-18", null, "0055AA0001");

    protected override async Task<IObjectStateStore> CreateStoreAsync() =>
        new DynamoDbObjectStateStore(emulators.DynamoDb, await emulators.CreateObjectStateTableAsync());

    [Fact]
    public async Task The_table_is_keyed_bucket_shard_and_object_key_both_strings()
    {
        var table = (await emulators.DynamoDb.DescribeTableAsync(await emulators.CreateObjectStateTableAsync())).Table;

        Assert.Equal(["bucket_shard:HASH", "object_key:RANGE"], table.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType}"));
        Assert.Equal(["bucket_shard:S", "object_key:S"], table.AttributeDefinitions.Select(a => $"{a.AttributeName}:{a.AttributeType}").Order(StringComparer.Ordinal));
        Assert.Empty(table.GlobalSecondaryIndexes ?? []);
    }

    [Fact]
    public void A_keys_shard_is_fnv_1a_of_its_utf8_bytes_modulo_16_and_keys_spread_over_every_shard()
    {
        // FNV-1a 32 of "a" is 0xE40C292C, of "a#b/ü.txt" 0xFEAA2A1F: the last hex digit is the shard.
        Assert.Equal((12, 15), (ObjectStateSchema.ShardOf("a"), ObjectStateSchema.ShardOf("a#b/ü.txt")));
        Assert.Equal("kept#03", ObjectStateSchema.ObjectPartition("kept", 3));
        var perShard = Enumerable.Range(0, 1600).GroupBy(i => ObjectStateSchema.ShardOf($"photos/{i:D5}.jpg")).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, 16), perShard.Keys.Order());
        Assert.All(perShard.Values, count => Assert.InRange(count, 60, 140));
    }

    [Fact]
    public async Task States_are_items_of_their_keys_shard_and_the_totals_with_the_mark_one_item_of_the_buckets_own_partition()
    {
        var tableName = await emulators.CreateObjectStateTableAsync();
        var store = new DynamoDbObjectStateStore(emulators.DynamoDb, tableName);
        var seen = Small with { VersionId = "v-1", ObservedAt = Written - 5 };
        var tombstone = new ObjectState(ObjectStatus.DeletedBeforeSeen, 0, null, null, "07");
        // A key may hold what a bucket name cannot: '#', '/', any Unicode.
        await store.ApplyAsync("kept", [new("a#b/ü.txt", seen, 0, Written), new("gone.txt", tombstone, 0, Written + 1)], new BucketTotals(18, 1, 1), default);
        await store.SaveReconciliationAsync("kept", new ReconciliationMark(Written - 60_000, "a#b/ü.txt"), default);

        var items = (await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = tableName })).Items
            .ToDictionary(i => (i["bucket_shard"].S, i["object_key"].S));

        Assert.Equal([("kept#08", "gone.txt"), ("kept#15", "a#b/ü.txt"), ("kept#totals", "totals")], items.Keys.Order());
        var present = items[("kept#15", "a#b/ü.txt")];
        Assert.Equal(("Present", "18", "etag-18", "v-1", "0055AA0001", "1", Written.ToString(CultureInfo.InvariantCulture), (Written - 5).ToString(CultureInfo.InvariantCulture)),
            (present["status"].S, present["bytes"].N, present["etag"].S, present["version_id"].S, present["sequencer"].S, present["revision"].N, present["written_at"].N, present["observed_at"].N));
        // Unknown values are left out, not stored as empty.
        Assert.Equal(["bucket_shard", "bytes", "object_key", "revision", "sequencer", "status", "written_at"], items[("kept#08", "gone.txt")].Keys.Order(StringComparer.Ordinal));
        var totals = items[("kept#totals", "totals")];
        Assert.Equal(("18", "1", "1", (Written - 60_000).ToString(CultureInfo.InvariantCulture), "a#b/ü.txt"),
            (totals["bytes"].N, totals["objects"].N, totals["unconfirmed_deletes"].N, totals["reconciled_at"].N, totals["resume_after"].S));
        Assert.Equal(new StoredObjectState(seen, 1, Written), (await store.GetAsync("kept", ["a#b/ü.txt"], default))["a#b/ü.txt"]);
        Assert.Equal(new StoredObjectState(tombstone, 1, Written + 1), (await store.GetRangeAsync("kept", new KeyRange("a#b/ü.txt", null), default))["gone.txt"]);
    }

    [Fact]
    public async Task The_mark_and_the_totals_share_an_item_without_disturbing_each_other()
    {
        var tableName = await emulators.CreateObjectStateTableAsync();
        var store = new DynamoDbObjectStateStore(emulators.DynamoDb, tableName);

        await store.SaveReconciliationAsync("shared", new ReconciliationMark(null, "k/5"), default);
        await store.ApplyAsync("shared", [new("k/1", Small, 0, Written)], new BucketTotals(18, 1, 0), default);
        var resumed = await store.GetReconciliationAsync("shared", default);
        await store.SaveReconciliationAsync("shared", new ReconciliationMark(Written, null), default);
        await store.ApplyAsync("shared", [], new BucketTotals(2, 0, 1), default);

        Assert.Equal(new ReconciliationMark(null, "k/5"), resumed);
        Assert.Equal(new ReconciliationMark(Written, null), await store.GetReconciliationAsync("shared", default));
        Assert.Equal(new BucketTotals(20, 1, 1), await store.GetTotalsAsync("shared", default));
        var totals = (await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = tableName })).Items.Single(i => i["object_key"].S == "totals");
        Assert.DoesNotContain("resume_after", totals.Keys); // removed, not left behind as an empty value
        Assert.Null(await store.GetReconciliationAsync("never-reconciled", default));
    }

    [Fact]
    public async Task More_keys_than_one_batch_read_takes_are_read_in_requests_of_at_most_100()
    {
        var tableName = await emulators.CreateObjectStateTableAsync();
        var store = new DynamoDbObjectStateStore(emulators.DynamoDb, tableName);
        var keys = Enumerable.Range(0, 250).Select(i => $"k/{i:D3}").ToList();
        foreach (var chunk in keys.Chunk(store.MaxObjectsPerApply))
        {
            Assert.True(await store.ApplyAsync("many", [.. chunk.Select(k => new ObjectStateWrite(k, Small, 0, Written))], new BucketTotals(18 * chunk.Length, chunk.Length, 0), default));
        }

        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        var read = await new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), tableName)
            .GetAsync("many", [.. keys, "missing-1", "missing-2", keys[0]], default);

        Assert.Equal(keys, read.Keys.Order(StringComparer.Ordinal));
        Assert.All(read.Values, state => Assert.Equal(new StoredObjectState(Small, 1, Written), state));
        Assert.Equal([100, 100, 52], proxy.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement
            .GetProperty("RequestItems").GetProperty(tableName).GetProperty("Keys").GetArrayLength()));
        Assert.Equal(new BucketTotals(18 * 250, 250, 0), await store.GetTotalsAsync("many", default));
    }

    /// <summary>
    /// Every shape of range DynamoDB's one sort-key condition must express: open at either end or both, an <c>After</c>
    /// key that is stored (excluded) and a <c>Through</c> key that is stored (included), bounds that are not stored, an
    /// empty range. What comes back is exactly what <see cref="KeyRange.Contains"/> says, of this bucket only.
    /// </summary>
    [Theory]
    [InlineData(null, null)]
    [InlineData("k/07", null)]
    [InlineData(null, "k/07")]
    [InlineData("k/03", "k/11")]
    [InlineData("k/03x", "k/11x")]
    [InlineData("k/05", "k/05")]
    [InlineData("k/09", "k/02")]
    [InlineData("a", "z")]
    public async Task A_range_holds_exactly_the_stored_keys_after_its_start_through_its_end(string? after, string? through)
    {
        var store = new DynamoDbObjectStateStore(emulators.DynamoDb, await emulators.CreateObjectStateTableAsync());
        var keys = Enumerable.Range(0, 14).Select(i => $"k/{i:D2}").ToList();
        await store.ApplyAsync("ranged", [.. keys.Select((k, i) => new ObjectStateWrite(k, Small with { Size = i }, 0, Written))], new BucketTotals(91, 14, 0), default);
        await store.ApplyAsync("ranged-other", [.. keys.Select(k => new ObjectStateWrite(k, Small, 0, Written))], new BucketTotals(18 * 14, 14, 0), default);
        var range = new KeyRange(after, through);

        var read = await store.GetRangeAsync("ranged", range, default);

        Assert.Equal(keys.Where(range.Contains), read.Keys.Order(StringComparer.Ordinal));
        Assert.All(read, entry => Assert.Equal(new StoredObjectState(Small with { Size = keys.IndexOf(entry.Key) }, 1, Written), entry.Value));
    }

    /// <summary>
    /// S3 lists keys in the order of their UTF-8 bytes, which is the order of code points: U+E000–U+FFFF come before
    /// characters beyond U+FFFF. .NET's ordinal order (UTF-16 code units) puts them the other way round, as would a store
    /// that compared UTF-16. A range bounded there must hold what S3's listing page held.
    /// </summary>
    [Fact]
    public async Task Keys_beyond_u_ffff_and_in_u_e000_to_u_ffff_are_ranged_in_s3s_order()
    {
        var store = new DynamoDbObjectStateStore(emulators.DynamoDb, await emulators.CreateObjectStateTableAsync());
        // In S3's order: a, aé (C3 A9), a\uE000 (EE 80 80), a\uFFFD (EF BF BD), a😀 (F0 9F 98 80), a𝄞 (F0 9D 84 9E) sorts before a😀.
        string[] inS3Order = ["a", "a\u00E9", "a\uE000", "a\uFFFD", "a\U0001D11E", "a\U0001F600"];
        await store.ApplyAsync("unicode", [.. inS3Order.Select(k => new ObjectStateWrite(k, Small, 0, Written))], new BucketTotals(18 * 6, 6, 0), default);
        Assert.Equal(inS3Order, inS3Order.Order(KeyOrder.Instance));

        Assert.Equal(["a\U0001D11E", "a\U0001F600"], Keys(await store.GetRangeAsync("unicode", new KeyRange("a\uFFFD", null), default)));
        Assert.Equal(["a", "a\u00E9", "a\uE000"], Keys(await store.GetRangeAsync("unicode", new KeyRange(null, "a\uE000"), default)));
        Assert.Equal(["a\uFFFD", "a\U0001D11E"], Keys(await store.GetRangeAsync("unicode", new KeyRange("a\uE000", "a\U0001D11E"), default)));
        Assert.Empty(await store.GetRangeAsync("unicode", new KeyRange("a\U0001F600", "a\uFFFD"), default));

        static string[] Keys(IReadOnlyDictionary<string, StoredObjectState> read) => [.. read.Keys.Order(KeyOrder.Instance)];
    }

    /// <summary>
    /// Every request the object state store sends, tracking and reconciling, is one <see cref="ObjectStateAccess.Track"/>
    /// authorizes, and it needs each of them; every request names only partitions of the bucket (<c>&lt;bucket&gt;#…</c>),
    /// which the stack limits the role to with <c>dynamodb:LeadingKeys</c>. DynamoDB Local checks no IAM; this is what
    /// stands in for it.
    /// </summary>
    [Fact]
    public async Task Every_request_is_authorized_by_the_access_the_stack_grants()
    {
        var tableName = await emulators.CreateObjectStateTableAsync();
        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        var store = new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), tableName, queryPageLimit: 1);

        await store.GetReconciliationAsync("granted", default);
        await store.GetAsync("granted", ["a.txt", "b#c.txt"], default);
        await store.ApplyAsync("granted", [new("a.txt", Small, 0, Written), new("b#c.txt", Small, 0, Written)], new BucketTotals(36, 2, 0), default);
        await store.ApplyAsync("granted", [new("a.txt", Small with { Size = 20 }, 1, Written)], new BucketTotals(2, 0, 0), default);
        Assert.False(await store.ApplyAsync("granted", [new("a.txt", Small, 1, Written)], new BucketTotals(-2, 0, 0), default));
        await store.GetTotalsAsync("granted", default);
        foreach (var range in new KeyRange[] { KeyRange.All, new("a.txt", null), new(null, "b#c.txt"), new("a", "b#c.txt") })
        {
            await store.GetRangeAsync("granted", range, default);
        }

        await store.SaveReconciliationAsync("granted", new ReconciliationMark(null, "a.txt"), default);
        await store.SaveReconciliationAsync("granted", new ReconciliationMark(Written, null), default);

        Assert.Equal(ObjectStateAccess.Track.Order(StringComparer.Ordinal),
            proxy.Requests.SelectMany(GrantedRequests.Actions).Distinct().Order(StringComparer.Ordinal));
        Assert.All(proxy.Requests, request =>
        {
            var partitions = GrantedRequests.PartitionKeys(request, ObjectStateSchema.PartitionAttribute).ToList();
            Assert.NotEmpty(partitions);
            Assert.All(partitions, key => Assert.StartsWith(ObjectStateSchema.PartitionPrefix("granted"), key, StringComparison.Ordinal));
        });
        Assert.Equal(16, proxy.Requests.Where(r => r.Target!.EndsWith(".Query", StringComparison.Ordinal))
            .SelectMany(r => GrantedRequests.PartitionKeys(r, ObjectStateSchema.PartitionAttribute)).Distinct().Count());
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

    /// <summary>
    /// The partition keys a request names, as IAM's <c>dynamodb:LeadingKeys</c> sees them: the items a transaction
    /// writes, the keys a read or an update names, and the partition a Query's key condition asks for.
    /// <paramref name="partitionAttribute"/> is the table's partition key.
    /// </summary>
    public static IEnumerable<string> PartitionKeys(ProxiedRequest request, string partitionAttribute = HistorySchema.BucketAttribute)
    {
        using var body = System.Text.Json.JsonDocument.Parse(request.Body);
        var named = body.RootElement.EnumerateObject().SelectMany(p => Descend(p.Value))
            .Where(p => p.Name == partitionAttribute)
            .Select(p => p.Value.GetProperty("S").GetString()!).ToList();
        if (body.RootElement.TryGetProperty("KeyConditionExpression", out var condition)
            && System.Text.RegularExpressions.Regex.Match(condition.GetString()!, @"^\s*(\S+)\s*=\s*(:\w+)") is { Success: true } equality)
        {
            var name = equality.Groups[1].Value;
            if (name.StartsWith('#'))
            {
                name = body.RootElement.GetProperty("ExpressionAttributeNames").GetProperty(name).GetString()!;
            }

            if (name == partitionAttribute)
            {
                named.Add(body.RootElement.GetProperty("ExpressionAttributeValues").GetProperty(equality.Groups[2].Value).GetProperty("S").GetString()!);
            }
        }

        return named;
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
            var page = await store.ListAsync(bucket, token, null, default);
            all.AddRange(page.Objects);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(2500, all.Select(b => b.Key).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 2500).Sum(i => (long)(i % 7)), all.Sum(b => b.Size));

        await store.DeleteAsync(bucket, [.. all.Select(b => b.Key)], default);
        Assert.Empty((await store.ListAsync(bucket, null, null, default)).Objects);
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
