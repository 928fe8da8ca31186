using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using Assignment3.Domain.Ports;
using Assignment3.Functions.SizeTracking;

namespace Assignment3.Benchmarks;

/// <summary>
/// How a bucket's object states were written before its events, as a reconciliation would have left them: every
/// object's (<paramref name="StatesWritten"/> = <paramref name="Objects"/>) or only those the events touch, with the
/// whole bucket's totals either way.
/// </summary>
internal sealed record SeedingFigures(long Objects, long StatesWritten, int Applies, int Parallelism, double Seconds)
{
    public bool Whole => StatesWritten == Objects;
}

/// <summary>The scale section's figures: one row per mode, bucket size and way of delivery, and the seeding behind them.</summary>
internal sealed record ScaleFigures(IReadOnlyList<DeliveryFigures> Rows, IReadOnlyList<SeedingFigures> Seeding)
{
    /// <summary>
    /// Whether incremental tracking made the same requests per event (S3 and DynamoDB) for single events at every bucket
    /// size; null when the requests could not be counted or incremental mode was not run.
    /// </summary>
    public bool? IncrementalSameAtEverySize
    {
        get
        {
            var singles = Rows.Where(r => r.Mode == TrackingModeNames.Incremental && r.BatchSize == 1).ToList();
            return singles.Count < 2 || singles.Any(r => r.Requests.DynamoDb is null)
                ? null
                : singles.Select(r => (r.ListsPerEvent, r.HeadsPerEvent, r.DynamoDbPerEvent, r.ReadUnitsPerEvent, r.WriteUnitsPerEvent)).Distinct().Count() == 1;
        }
    }

    public JsonObject ToJson() => new()
    {
        ["s3"] = "a generated bucket on 127.0.0.1 (GeneratedS3Bucket): ListObjectsV2 in pages of 1,000 keys with continuation tokens, HeadObject; computed, not stored",
        ["dynamodb"] = "the DynamoDB endpoint of the run, requests counted through a recording proxy",
        ["events"] = "the same in both modes: 30% deletions and 35% overwrites of existing keys, 5% overwrites whose sequencer has another length (incremental: a HeadObject each), 30% creations of new keys",
        ["incremental_same_requests_per_event_at_every_size"] = IncrementalSameAtEverySize,
        ["seeding"] = new JsonArray([.. Seeding.Select(s => new JsonObject
        {
            ["objects"] = s.Objects,
            ["states_written"] = s.StatesWritten,
            ["only_the_keys_the_events_touch"] = !s.Whole,
            ["applies"] = s.Applies,
            ["parallel"] = s.Parallelism,
            ["seconds"] = Math.Round(s.Seconds, 1),
        })]),
        ["figures"] = new JsonArray([.. Rows.Select(r => r.ToJson())]),
    };
}

/// <summary>
/// Both tracking modes at 10, 10,000 and 1,000,000 objects: S3 LIST and HEAD requests, DynamoDB requests and
/// milliseconds per event, for single events (one per SQS batch, as a quiet bucket's events arrive) and for a burst of
/// 1,000 events in batches. S3 is a <see cref="GeneratedS3Bucket"/>, which the function's own S3 client and
/// <see cref="S3BlobStore"/> page through as they would page through S3; it counts the requests itself. DynamoDB is the
/// benchmark's endpoint, through a recording proxy. In incremental mode the bucket's object states are first written as
/// a reconciliation would leave them (present, with the bucket's totals), through the object state store's own
/// <see cref="IObjectStateStore.ApplyAsync"/>: every object's up to <see cref="SeedEveryStateUpTo"/> objects (or with
/// <c>seedAll</c>), above it only those the events touch. A million states take DynamoDB Local about seven minutes to
/// write; the tracker reads states by key only (a batch's keys, the totals), never the others, so the states no event
/// touches change no request.
/// </summary>
internal static class ScaleBenchmark
{
    public static readonly long[] BucketSizes = [10, 10_000, 1_000_000];

    /// <summary>Single events per mode and size; listing a million objects takes seconds per event, so fewer there.</summary>
    public const int SingleEvents = 20;

    /// <summary>Single events of listing mode from this many objects on.</summary>
    public const int SingleEventsOfLongListings = 5;

    /// <summary>Burst batches: about what 100 events/s fill in the mapping's window, and the mapping's whole batch.</summary>
    public static readonly int[] BurstBatchSizes = [100, TrackingDelivery.BatchSize];

    /// <summary>Up to this many objects, every object's state is written before the events; above, only those they touch.</summary>
    public const long SeedEveryStateUpTo = 10_000;

    /// <summary>Single events of each mode (then the bursts) that warm the process up before anything is measured.</summary>
    private const int WarmUpEvents = 100;

    /// <summary>Applies of object states at once while seeding.</summary>
    private const int SeedingParallelism = 4;

    public static async Task<ScaleFigures> RunAsync(Endpoints endpoints, Action<string> progress, bool seedAll = false)
    {
        var rows = new List<DeliveryFigures>();
        var seeding = new List<SeedingFigures>();
        // Warm-up of the process, not recorded: every code path of both modes runs until the JIT has optimised it, so
        // that the first figures are not the slowest for that reason alone.
        foreach (var mode in TrackingModeNames.All)
        {
            var table = await endpoints.CreateTableAsync();
            var stateTable = await endpoints.CreateObjectStateTableAsync();
            await using var s3 = new GeneratedS3Bucket(EmulatorFixture.UniqueName("warm"), 2000);
            await DeliverAsync(mode, table, stateTable, s3, WarmUpEvents);
        }

        foreach (var mode in TrackingModeNames.All)
        {
            foreach (var objects in BucketSizes)
            {
                var clock = Stopwatch.StartNew();
                var table = await endpoints.CreateTableAsync();
                var stateTable = await endpoints.CreateObjectStateTableAsync();
                var bucket = EmulatorFixture.UniqueName("scale");
                await using var s3 = new GeneratedS3Bucket(bucket, objects);
                var singles = mode == TrackingModeNames.Listing && objects >= 1_000_000 ? SingleEventsOfLongListings : SingleEvents;
                var events = 1 + singles + (BurstBatchSizes.Length * BurstBenchmark.Events);
                if (mode == TrackingModeNames.Incremental)
                {
                    // Through the port: how the store lays out its items is its own business.
                    IObjectStateStore states = new DynamoDbObjectStateStore(endpoints.DynamoDb, stateTable);
                    var indices = seedAll || objects <= SeedEveryStateUpTo ? null : ScaleEvents.ExistingKeysTouched(objects, events);
                    seeding.Add(await SeedAsync(states, s3, indices));
                    progress(string.Create(CultureInfo.InvariantCulture,
                        $"  {mode}, {objects:N0} objects: {seeding[^1].StatesWritten:N0} object states written first in {seeding[^1].Seconds:F0} s"));
                }

                rows.AddRange(await DeliverAsync(mode, table, stateTable, s3, singles));
                // The run's own check: the newest record shows what the bucket holds after every change.
                var latest = await new DynamoDbHistoryRepository(endpoints.DynamoDb, table, HistorySchema.SizeIndexName).GetLatestAsync(bucket, default);
                if ((latest?.TotalSize, latest?.ObjectCount) != (s3.TotalSize, s3.ObjectCount))
                {
                    throw new InvalidOperationException(
                        $"{mode}, {objects} objects: the newest record shows {latest?.TotalSize} bytes in {latest?.ObjectCount} objects, the bucket holds {s3.TotalSize} in {s3.ObjectCount}");
                }

                progress(string.Create(CultureInfo.InvariantCulture, $"  {mode}, {objects:N0} objects: {events:N0} events, {clock.Elapsed.TotalSeconds:F0} s in all"));
            }
        }

        return new ScaleFigures(rows, seeding);
    }

    private static async Task<IReadOnlyList<DeliveryFigures>> DeliverAsync(string mode, string table, string stateTable, GeneratedS3Bucket s3, int singles)
    {
        var dynamoDbEndpoint = Environment.GetEnvironmentVariable(DependencyInjection.DynamoDbEndpointVariable)!;
        await using var dynamoDb = dynamoDbEndpoint.StartsWith("http://", StringComparison.Ordinal) ? new FaultProxy(new Uri(dynamoDbEndpoint)) : null;
        var settings = new Dictionary<string, string>
        {
            [FunctionSettingNames.TrackingMode] = mode,
            [FunctionSettingNames.ObjectStateTable] = stateTable,
            [DependencyInjection.S3EndpointVariable] = s3.Endpoint.ToString(),
        };
        if (dynamoDb is not null)
        {
            settings[DependencyInjection.DynamoDbEndpointVariable] = dynamoDb.Endpoint.ToString();
        }

        using var function = new SizeTrackingFunction(FunctionHarness.Settings(table, more: settings), TextWriter.Null);
        var events = new ScaleEvents(s3);
        RequestCounts Counted() => RequestCounts.With(s3.ListRequests, s3.HeadRequests, dynamoDb);
        // Warm-up, not counted: the first invocation pays for JIT, clients and connections.
        await BatchDelivery.DeliverAsync(function.Handle, mode, s3.GeneratedObjects, 1, 1, _ => events.Next(), Counted);

        var rows = new List<DeliveryFigures>
        {
            await BatchDelivery.DeliverAsync(function.Handle, mode, s3.GeneratedObjects, singles, 1, _ => events.Next(), Counted),
        };
        foreach (var batchSize in BurstBatchSizes)
        {
            rows.Add(await BatchDelivery.DeliverAsync(function.Handle, mode, s3.GeneratedObjects, BurstBenchmark.Events, batchSize, _ => events.Next(), Counted));
        }

        return rows;
    }

    /// <summary>
    /// The states of <paramref name="indices"/> (null: every generated object) as a reconciliation leaves a bucket
    /// tracked by its events (present, its size and ETag, the sequencer of its last event), in applies of the store's
    /// own size, several at once, then the whole bucket's totals in one more apply. The applies of states add nothing
    /// to the totals: each would update the one totals item, and concurrent transactions on one item conflict and
    /// wait for each other.
    /// </summary>
    private static async Task<SeedingFigures> SeedAsync(IObjectStateStore store, GeneratedS3Bucket s3, IReadOnlyList<long>? indices)
    {
        var keys = indices ?? [.. LongRange(s3.GeneratedObjects)];
        var chunks = keys.Chunk(store.MaxObjectsPerApply).ToList();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = SeedingParallelism }, async (chunk, ct) =>
        {
            var writes = chunk.Select(i => new ObjectStateWrite(GeneratedS3Bucket.Key(i), new ObjectState(
                ObjectStatus.Present, GeneratedS3Bucket.Size(i), GeneratedS3Bucket.ETag(i), null, ScaleEvents.SeededSequencer(i)), ExpectedRevision: 0, WrittenAt: 0)).ToList();
            if (!await store.ApplyAsync(s3.BucketName, writes, BucketTotals.Zero, ct))
            {
                throw new InvalidOperationException($"seeding object states of {s3.BucketName}: some were there already");
            }
        });
        var totals = new BucketTotals(s3.TotalSize, s3.GeneratedObjects, 0);
        await store.ApplyAsync(s3.BucketName, [], totals, default);
        // As a finished reconciliation leaves it: otherwise the first batch would reconcile the bucket itself.
        await store.SaveReconciliationAsync(s3.BucketName, new ReconciliationMark(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null), default);
        if (await store.GetTotalsAsync(s3.BucketName, default) != totals)
        {
            throw new InvalidOperationException($"seeding object states of {s3.BucketName} left other totals than the generated bucket's {totals}");
        }

        return new SeedingFigures(s3.GeneratedObjects, keys.Count, chunks.Count + 1, SeedingParallelism, clock.Elapsed.TotalSeconds);
    }

    private static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
    }
}

/// <summary>
/// The events of the scale benchmark, the same in both modes, each a fresh change (stamped now) made to the generated
/// bucket before its event is sent, as S3 sends an event for a change it made. Of every 20: 6 deletions ("Permanently
/// Deleted", an unversioned bucket) and 7 overwrites of generated keys, one overwrite whose sequencer has 20 digits
/// instead of 16 (real ones differ in length), which incremental mode cannot compare and confirms with a HeadObject,
/// and 6 creations of new keys: the bucket keeps its size. Generated keys are visited in a fixed scattered order, all
/// distinct until the bucket's keys run out (then a deletion of a key already deleted is made an overwrite); sequencers
/// grow with every event, in either case, as S3's do per key.
/// </summary>
internal sealed class ScaleEvents(GeneratedS3Bucket s3)
{
    // Coprime with every power of ten: consecutive events visit distinct generated keys, spread over the whole bucket.
    private const long Stride = 7_919_993;
    private const int Deletions = 6;
    private const int Overwrites = 7;
    private const int Confirmed = 1;

    private int _next;

    /// <summary>The sequencer a seeded state holds: older than any event's, and of the same length.</summary>
    public static string SeededSequencer(long index) => (0x0100_0000_0000_0000L + index).ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>The generated objects that the first <paramref name="events"/> events of a bucket of <paramref name="objects"/> overwrite or delete.</summary>
    public static IReadOnlyList<long> ExistingKeysTouched(long objects, int events) =>
        [.. Enumerable.Range(0, events).Where(n => n % 20 < Deletions + Overwrites + Confirmed).Select(n => Existing(n, objects)).Distinct().Order()];

    public string Next()
    {
        var n = _next++;
        var id = Guid.NewGuid().ToString();
        var sequencer = (0x0200_0000_0000_0000L + ((long)n << 8)).ToString(n % 2 == 0 ? "X16" : "x16", CultureInfo.InvariantCulture);
        var existing = GeneratedS3Bucket.Key(Existing(n, s3.GeneratedObjects));
        var (size, etag) = (100 + (n % 5000), n.ToString("x32", CultureInfo.InvariantCulture));
        switch (n % 20)
        {
            case < Deletions when s3.Holds(existing):
                s3.Delete(existing);
                return FunctionHarness.ObjectDeleted(s3.BucketName, id, existing, sequencer);
            case < Deletions + Overwrites:
                s3.Put(existing, size, etag);
                return FunctionHarness.ObjectCreated(s3.BucketName, id, existing, size, etag: etag, sequencer: sequencer);
            case < Deletions + Overwrites + Confirmed:
                s3.Put(existing, size, etag);
                return FunctionHarness.ObjectCreated(s3.BucketName, id, existing, size, etag: etag, sequencer: sequencer + "0000");
            default:
                var key = s3.NextKey;
                s3.Put(key, size, etag);
                return FunctionHarness.ObjectCreated(s3.BucketName, id, key, size, etag: etag, sequencer: sequencer);
        }
    }

    private static long Existing(int n, long objects) => n * Stride % objects;
}
