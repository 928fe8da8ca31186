using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Assignment3.Adapters.Aws;
using Assignment3.Adapters.InMemory;
using Assignment3.Adapters.Lambda;

using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using Assignment3.Functions.Plotting;
using Assignment3.Functions.SizeTracking;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

// Prints the figures docs/performance.md records. Usage (scripts/benchmark.sh passes both):
//   Assignment3.Benchmarks --functions <dir with published functions/<name>> --cli <assignment3.dll>
var functionsDirectory = Option("--functions");
var cli = Option("--cli");
var emulators = new EmulatorFixture();
await emulators.InitializeAsync();
try
{
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
    Console.WriteLine();
    await TrackingAsync(emulators);
    Console.WriteLine();
    await PlottingAsync(emulators);
    if (functionsDirectory is not null && cli is not null)
    {
        Console.WriteLine();
        await ColdStartsAsync(emulators, functionsDirectory, cli);
        Console.WriteLine();
        BundleSizes(functionsDirectory);
    }
    else
    {
        Console.WriteLine("\n(cold starts and bundle sizes need --functions and --cli: run scripts/benchmark.sh)");
    }
}
finally
{
    await emulators.DisposeAsync();
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static async Task TrackingAsync(EmulatorFixture emulators)
{
    Console.WriteLine("size tracking, per event (handler: parse, list every page, write one item), against the emulators");
    Console.WriteLine($"{"objects",8} {"LIST calls",11} {"median ms",10} {"min ms",8} {"max ms",8}");
    var table = await emulators.CreateTableAsync();
    using var function = new SizeTrackingFunction(FunctionHarness.Settings(table), TextWriter.Null);
    foreach (var count in new[] { 10, 1000, 5000 })
    {
        var bucket = EmulatorFixture.UniqueName($"bench{count}");
        await emulators.S3.PutBucketAsync(bucket);
        var store = new S3BlobStore(emulators.S3);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await store.PutAsync(bucket, $"o/{i:D6}", "0123456789"u8.ToArray(), "text/plain", ct));

        var listCalls = await CountListCallsAsync(emulators, table, bucket);
        var timings = new List<double>();
        for (var run = 0; run < 6; run++)
        {
            var started = Stopwatch.GetTimestamp();
            await FunctionHarness.InvokeAsync(function.Handle, S3Event(bucket));
            if (run > 0)
            {
                timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds); // the first run warms up
            }
        }

        timings.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count,8} {listCalls,11} {timings[timings.Count / 2],10:F1} {timings[0],8:F1} {timings[^1],8:F1}"));
    }
}

// The same use case over the same S3 adapter, with a counting decorator to see how many pages a listing takes.
static async Task<int> CountListCallsAsync(EmulatorFixture emulators, string table, string bucket)
{
    var counting = new CountingBlobStore(new S3BlobStore(emulators.S3));
    using var provider = new ServiceCollection().AddDomain().AddLogging()
        .AddSingleton<IBlobStore>(counting)
        .AddSingleton<IHistoryRepository>(new DynamoDbHistoryRepository(emulators.DynamoDb, table, HistorySchema.SizeIndexName))
        .BuildServiceProvider();
    await provider.GetRequiredService<IMediator>().Send(new RecordBucketSize(bucket));
    return counting.ListCalls;
}

static async Task PlottingAsync(EmulatorFixture emulators)
{
    var table = await emulators.CreateTableAsync();
    var (data, plots) = (EmulatorFixture.UniqueName("benchdata"), EmulatorFixture.UniqueName("benchplots"));
    await emulators.S3.PutBucketAsync(plots);
    var history = new DynamoDbHistoryRepository(emulators.DynamoDb, table, HistorySchema.SizeIndexName);
    var now = DateTimeOffset.UtcNow;
    for (var i = 0; i < 20; i++)
    {
        await history.AppendAsync(new SizeRecord(data, now.AddMilliseconds(-i * 450), i * 100, i), null, default);
    }

    using var function = new PlottingFunction(FunctionHarness.Settings(table, data, plots), TextWriter.Null);
    var request = FunctionHarness.Proxy();
    await FunctionHarness.InvokeAsync(function.Handle, request);
    var timings = new List<double>();
    for (var run = 0; run < 20; run++)
    {
        var started = Stopwatch.GetTimestamp();
        await FunctionHarness.InvokeAsync(function.Handle, request);
        timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    timings.Sort();
    Console.WriteLine("plotting handler, warm (3 queries, render 1000×600 PNG with 20 points, upload), 20 runs");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  median {timings[10]:F1} ms, min {timings[0]:F1} ms, p95 {timings[18]:F1} ms"));
}

static async Task ColdStartsAsync(EmulatorFixture emulators, string functionsDirectory, string cli)
{
    Console.WriteLine("cold start: new process → published (ReadyToRun) function loaded → first response, via `assignment3 invoke`");
    var table = await emulators.CreateTableAsync();
    var (data, plots) = ("assignment3-data", EmulatorFixture.UniqueName("coldplots"));
    await FunctionHarness.EnsureBucketAsync(emulators.S3, data);
    await emulators.S3.PutBucketAsync(plots);
    var events = Path.Combine(Path.GetTempPath(), $"bench-events-{Guid.NewGuid():N}");
    Directory.CreateDirectory(events);
    await File.WriteAllTextAsync(Path.Combine(events, "size-tracking.json"), S3Event(data));
    await File.WriteAllTextAsync(Path.Combine(events, "plotting.json"), FunctionHarness.Proxy());
    var environment = new Dictionary<string, string>
    {
        [FunctionSettingNames.TableName] = table,
        [FunctionSettingNames.DataBucket] = data,
        [FunctionSettingNames.PlotBucket] = plots,
    };
    foreach (var name in new[] { "size-tracking", "plotting" })
    {
        await MeasureAsync(name, "");
    }

    async Task MeasureAsync(string name, string note)
    {
        var timings = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { cli, "invoke", name, Path.Combine(events, $"{name}.json"), "--functions", functionsDirectory })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            var started = Stopwatch.GetTimestamp();
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{name} failed: {output} {error}");
            }
        }

        timings.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-14} median {timings[1]:F0} ms (min {timings[0]:F0}, max {timings[2]:F0}) {note}"));
    }

    // The driver's first response is the whole demo: five changes, each tracked through the emulated rule, then the
    // signed call to a local stand-in for the API.
    using var tracking = new SizeTrackingFunction(FunctionHarness.Settings(table), TextWriter.Null);
    using var plotting = new PlottingFunction(FunctionHarness.Settings(table, data, plots), TextWriter.Null);
    await using var api = new LocalApiGateway(plotting.Handle);
    await File.WriteAllTextAsync(Path.Combine(events, "driver.json"), "{}");
    environment[FunctionSettingNames.PlotApiUrl] = api.Url.ToString();
    await using (var rule = new EventBridgeRuleEmulation(emulators, data, tracking.Handle))
    {
        await MeasureAsync("driver", "(includes the demo: five changes, each waited for, polling every 200 ms)");
    }

    Directory.Delete(events, recursive: true);
}

static void BundleSizes(string functionsDirectory)
{
    Console.WriteLine("bundle size (zip of the published folder, as CDK uploads it)");
    foreach (var directory in Directory.GetDirectories(functionsDirectory).Order(StringComparer.Ordinal))
    {
        var zip = Path.Combine(Path.GetTempPath(), $"bundle-{Guid.NewGuid():N}.zip");
        ZipFile.CreateFromDirectory(directory, zip, CompressionLevel.Optimal, includeBaseDirectory: false);
        var unzipped = Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {Path.GetFileName(directory),-14} {new FileInfo(zip).Length / 1048576.0,6:F1} MiB zipped, {unzipped / 1048576.0,6:F1} MiB unzipped"));
        File.Delete(zip);
    }
}

static string S3Event(string bucket) => $$$"""
    {"version":"0","id":"{{{Guid.NewGuid()}}}","detail-type":"Object Created","source":"aws.s3","account":"000000000000",
     "time":"2026-11-26T12:00:00Z","region":"us-east-1","resources":["arn:aws:s3:::{{{bucket}}}"],
     "detail":{"version":"0","bucket":{"name":"{{{bucket}}}"},"object":{"key":"o/000000","size":10,"etag":"x","sequencer":"1"},
     "request-id":"R","requester":"000000000000","source-ip-address":"127.0.0.1","reason":"PutObject"}}
    """;

/// <summary>Counts listing pages on their way to the real store.</summary>
internal sealed class CountingBlobStore(IBlobStore inner) : IBlobStore
{
    public int ListCalls { get; private set; }

    public Task<BlobPage> ListAsync(string bucketName, string? continuationToken, CancellationToken cancellationToken)
    {
        ListCalls++;
        return inner.ListAsync(bucketName, continuationToken, cancellationToken);
    }

    public Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
        inner.PutAsync(bucketName, key, content, contentType, cancellationToken);

    public Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        inner.DeleteAsync(bucketName, keys, cancellationToken);
}
