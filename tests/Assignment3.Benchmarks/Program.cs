using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Assignment3.Benchmarks;
using Assignment3.Catalog;

// Prints the figures docs/performance.md records: each handler against its floor (the least its requests cost on the
// same endpoints), cold starts as Lambda starts each bundle, and bundle sizes.
//   scripts/benchmark.sh [--json] [--functions <dir of published bundles>] [--runs N] [--only tracking|burst|scale|plotting|windows|cold-start|bundles]
//                        [--seed-all (scale: write every object's state at 1,000,000 objects too; minutes)]
// Against the local emulators unless AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_S3 are both set.
string[] sections = ["tracking", "burst", "scale", "plotting", "windows", "cold-start", "bundles"];
string[] known = ["--json", "--functions", "--runs", "--only", "--seed-all"];
if (args.Where((arg, i) => arg.StartsWith("--", StringComparison.Ordinal) && !known.Contains(arg)).FirstOrDefault() is { } unknown)
{
    return Refuse($"unknown option {unknown}; the options are {string.Join(", ", known)}");
}

var json = args.Contains("--json");
var only = Option("--only");
if (only is not null && !sections.Contains(only))
{
    return Refuse($"--only takes one of {string.Join(", ", sections)}, not '{only}'");
}

var runs = 20;
if (Option("--runs") is { } given && (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out runs) || runs < 1))
{
    return Refuse($"--runs takes a whole number of at least 1, not '{given}'");
}

if (Option("--functions") is { } folder && !Directory.Exists(folder))
{
    return Refuse($"--functions names a folder of published bundles, and '{folder}' is not one");
}

Endpoints opened;
try
{
    opened = await Endpoints.OpenAsync();
}
catch (ArgumentException half)
{
    return Refuse(half.Message);
}

await using var endpoints = opened;
using var work = new TempDirectory();
var functionsDirectory = Option("--functions");
if (functionsDirectory is null && (Wanted("cold-start") || Wanted("bundles")))
{
    Progress("publishing the functions as the stack bundles them…");
    functionsDirectory = work["functions"];
    Bundles.PublishFunctions(functionsDirectory);
}

var host = Wanted("cold-start") ? Bundles.BuildHost(work["host"]) : "";
var tracking = new List<TrackingFigures>();
foreach (var (objects, times) in Wanted("tracking") ? new[] { (10, runs), (1000, Math.Max(runs / 2, 3)), (5000, Math.Max(runs / 4, 3)) } : [])
{
    Progress($"size tracking, {objects} objects…");
    tracking.Add(await TrackingBenchmark.RunAsync(endpoints, objects, times));
}

Progress("a burst of events in batches…");
var burst = Wanted("burst") ? await BurstBenchmark.RunAsync(endpoints) : [];
Progress("both tracking modes at 10, 10,000 and 1,000,000 objects…");
var scaleClock = System.Diagnostics.Stopwatch.StartNew();
var scale = Wanted("scale") ? await ScaleBenchmark.RunAsync(endpoints, Progress, seedAll: args.Contains("--seed-all")) : null;
Progress(Invariant($"  ({scaleClock.Elapsed.TotalSeconds:F0} s)"));
Progress("plotting…");
var plotting = Wanted("plotting") ? await PlottingBenchmark.RunAsync(endpoints, runs) : null;
Progress("plotting windows over a generated month of history…");
var windows = Wanted("windows") ? await WindowBenchmark.RunAsync(work.Path, Math.Max(runs / 4, 3)) : default;
Progress("cold starts and bundles…");
var coldStarts = Wanted("cold-start") ? await ColdStartBenchmark.RunAsync(endpoints, functionsDirectory!, host, Math.Max(runs / 4, 3)) : [];
var bundles = Wanted("bundles") ? Bundles.Weigh(functionsDirectory!) : [];
var machine = new JsonObject
{
    ["cores"] = Environment.ProcessorCount,
    ["os"] = RuntimeInformation.OSDescription,
    ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
    ["dotnet"] = Environment.Version.ToString(),
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    ["endpoints"] = endpoints.Description,
};

if (json)
{
    var document = new JsonObject
    {
        ["machine"] = machine,
        ["tracking"] = new JsonArray([.. tracking.Select(t => new JsonObject
        {
            ["objects"] = t.Objects,
            ["list_calls"] = t.ListCalls,
            ["write_requests"] = t.WriteRequests,
            ["other_requests"] = t.OtherRequests,
            ["median_ms"] = Round(t.MedianMs),
            ["min_ms"] = Round(t.MinMs),
            ["max_ms"] = Round(t.MaxMs),
            ["floor_median_ms"] = Round(t.FloorMedianMs),
            ["ratio_to_floor"] = Round(t.Ratio),
            ["transaction_floor_median_ms"] = Round(t.TransactionFloorMedianMs),
            ["runs"] = t.Runs,
        })]),
        ["burst"] = new JsonArray([.. burst.Select(b => b.ToJson())]),
        ["scale"] = scale?.ToJson(),
        ["plotting"] = plotting is null ? null : new JsonObject
        {
            ["points"] = plotting.Points,
            ["queries"] = plotting.Queries,
            ["uploads"] = plotting.Uploads,
            ["other_requests"] = plotting.OtherRequests,
            ["warm_median_ms"] = Round(plotting.WarmMedianMs),
            ["warm_min_ms"] = Round(plotting.WarmMinMs),
            ["warm_p95_ms"] = Round(plotting.WarmP95Ms),
            ["floor_median_ms"] = Round(plotting.FloorMedianMs),
            ["ratio_to_floor"] = Round(plotting.Ratio),
            ["render_median_ms"] = Round(plotting.RenderMedianMs),
            ["png_bytes"] = plotting.PngBytes,
            ["png_encoding"] = new JsonArray([.. plotting.PngEncodings.Select(e => new JsonObject
            {
                ["filter"] = e.Filter,
                ["zlib_level"] = e.ZlibLevel,
                ["chosen"] = e.Chosen,
                ["median_ms"] = Round(e.MedianMs),
                ["bytes"] = e.Bytes,
            })]),
            ["runs"] = plotting.Runs,
        },
        ["plotting_windows"] = windows.Windows is null ? null : new JsonObject
        {
            ["history_records"] = 30 * 24 * 3600,
            ["history_generate_seconds"] = Round(windows.GenerateSeconds),
            ["store"] = "SQLite (local run); items read are counted at the port, the same for every store",
            ["windows"] = new JsonArray([.. windows.Windows.Select(w => new JsonObject
            {
                ["window"] = w.Window,
                ["changes"] = w.Changes,
                ["items_read"] = w.ItemsRead,
                ["floor_items"] = w.FloorItems,
                ["points_drawn"] = w.PointsDrawn,
                ["resolution"] = w.Resolution,
                ["median_ms"] = Round(w.MedianMs),
                ["floor_median_ms"] = Round(w.FloorMedianMs),
                ["ratio_to_floor"] = Round(w.Ratio),
            })]),
        },
        ["cold_start_ms"] = new JsonObject(coldStarts.Select(c => KeyValuePair.Create(c.Function, (JsonNode?)Round(c.MedianMs)))),
        ["cold_start"] = new JsonObject(coldStarts.Select(c => KeyValuePair.Create(c.Function, (JsonNode?)new JsonObject
        {
            ["median_ms"] = Round(c.MedianMs),
            ["min_ms"] = Round(c.MinMs),
            ["max_ms"] = Round(c.MaxMs),
            ["runtime"] = c.Runtime == FunctionRuntime.NativeAot ? "provided.al2023 (Native AOT)" : "dotnet10 (managed)",
            ["init_median_ms"] = RoundOrNull(c.InitMedianMs),
            ["invoke_median_ms"] = RoundOrNull(c.InvokeMedianMs),
            ["jit_methods_median"] = c.JitMethodsMedian,
            ["jit_median_ms"] = RoundOrNull(c.JitMedianMs),
            ["runs"] = c.Runs,
            ["first_response"] = c.What,
        }))),
        ["bundle_zip_bytes"] = new JsonObject(bundles.Select(b => KeyValuePair.Create(b.Function, (JsonNode?)b.ZipBytes))),
        ["bundle_unzipped_bytes"] = new JsonObject(bundles.Select(b => KeyValuePair.Create(b.Function, (JsonNode?)b.UnzippedBytes))),
    };
    Console.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

Console.WriteLine($"machine: {machine["cores"]} cores, {machine["os"]}, .NET {machine["dotnet"]}, {machine["date"]}");
Console.WriteLine($"against: {endpoints.Description}");
if (tracking.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("size tracking per event (first deliveries) against its floor: the same LIST pages + one PutItem");
    Console.WriteLine("(tx floor: the same LIST pages + the handler's own write, record and event marker in one TransactWriteItems)");
    Console.WriteLine($"{"objects",8} {"LISTs",6} {"writes",7} {"other",6} {"median ms",10} {"min",7} {"max",7} {"floor ms",9} {"ratio",6} {"tx floor",9}");
}

foreach (var t in tracking)
{
    Console.WriteLine(Invariant($"{t.Objects,8} {Count(t.ListCalls),6} {Count(t.WriteRequests),7} {Count(t.OtherRequests),6} {t.MedianMs,10:F1} {t.MinMs,7:F1} {t.MaxMs,7:F1} {t.FloorMedianMs,9:F1} {t.Ratio,6:F2} {t.TransactionFloorMedianMs,9:F1}"));
}

if (burst.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("a burst in SQS batches, listing mode (one listing per bucket per batch)");
    burst.ToList().ForEach(Console.WriteLine);
}

if (scale is not null)
{
    Console.WriteLine();
    Console.WriteLine("size tracking at scale, both modes, per event (S3: a generated bucket, ListObjectsV2 pages of 1,000 keys, HeadObject;");
    Console.WriteLine("events, the same in both modes: 30% deletions, 35% overwrites, 5% overwrites whose sequencer has another length, 30% creations)");
    Console.WriteLine("(DynamoDB: requests, and read and write units estimated from them; ms: this machine, per event)");
    Console.WriteLine($"{"mode",-12} {"objects",10} {"delivery",-22} {"events",6} {"LIST",9} {"HEAD",7} {"DynamoDB",9} {"RRU",7} {"WRU",7} {"ms",9}");
    foreach (var r in scale.Rows)
    {
        var delivery = r.BatchSize == 1 ? "one event per batch" : Invariant($"burst, batches of {r.BatchSize}");
        Console.WriteLine(Invariant($"{r.Mode,-12} {r.Objects,10:N0} {delivery,-22} {r.Events,6} {PerEvent(r.ListsPerEvent),9} {PerEvent(r.HeadsPerEvent),7} {PerEvent(r.DynamoDbPerEvent),9} {PerEvent(r.ReadUnitsPerEvent),7} {PerEvent(r.WriteUnitsPerEvent),7} {r.MillisecondsPerEvent,9:F2}"));
    }

    foreach (var s in scale.Seeding)
    {
        Console.WriteLine(s.Whole
            ? Invariant($"incremental at {s.Objects:N0} objects: every object's state and the totals written first through the state store ({s.Applies:N0} applies, {s.Parallelism} at once, {s.Seconds:F1} s)")
            : Invariant($"incremental at {s.Objects:N0} objects: ONLY the {s.StatesWritten:N0} object states the events touch and the whole bucket's totals written first ({s.Seconds:F1} s), not all {s.Objects:N0} (--seed-all); the tracker reads states by key only"));
    }

    Console.WriteLine($"incremental: the same requests per single event at every bucket size: {scale.IncrementalSameAtEverySize switch { true => "yes", false => "NO", null => "n/a (not counted)" }}");
}

if (plotting is not null)
{
    Console.WriteLine();
    Console.WriteLine(Invariant($"plotting, warm ({plotting.Points} points, 1000×600 PNG of {plotting.PngBytes:N0} bytes; {Count(plotting.Queries)} queries, {Count(plotting.Uploads)} upload, {Count(plotting.OtherRequests)} other requests), {plotting.Runs} runs"));
    Console.WriteLine(Invariant($"  median {plotting.WarmMedianMs:F1} ms (min {plotting.WarmMinMs:F1}, p95 {plotting.WarmP95Ms:F1}); floor {plotting.FloorMedianMs:F1} ms; ratio {plotting.Ratio:F2}; render alone {plotting.RenderMedianMs:F1} ms"));
    Console.WriteLine("  PNG encoding of the chart's pixels, by setting:");
    foreach (var e in plotting.PngEncodings)
    {
        Console.WriteLine(Invariant($"    {e.Filter,-10} zlib {e.ZlibLevel}  {e.MedianMs,5:F1} ms  {e.Bytes,7:N0} bytes{(e.Chosen ? "  (chosen)" : "")}"));
    }
}

if (windows.Windows is not null)
{
    Console.WriteLine();
    Console.WriteLine(Invariant($"plotting windows over a month of history at one change a second (2,592,000 records in SQLite, generated in {windows.GenerateSeconds:F0} s)"));
    Console.WriteLine("(floor: the same picture rendered and stored, one item read per point drawn + the maximum)");
    Console.WriteLine($"{"window",7} {"changes",10} {"items read",11} {"floor items",12} {"points",7} {"drawn as",-14} {"median ms",10} {"floor ms",9} {"ratio",6}");
    foreach (var w in windows.Windows)
    {
        Console.WriteLine(Invariant($"{w.Window,7} {w.Changes,10:N0} {w.ItemsRead,11:N0} {w.FloorItems,12:N0} {w.PointsDrawn,7:N0} {w.Resolution,-14} {w.MedianMs,10:F1} {w.FloorMedianMs,9:F1} {w.Ratio,6:F2}"));
    }
}

if (coldStarts.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("cold start: a fresh process of the bundle, started as Lambda starts it → first response");
}

foreach (var c in coldStarts)
{
    var inside = c.Runtime == FunctionRuntime.NativeAot
        ? "native: bootstrap against a local Runtime API"
        : Invariant($"managed: init {c.InitMedianMs:F0} ms, invoke {c.InvokeMedianMs:F0} ms, JIT {c.JitMethodsMedian:F0} methods in {c.JitMedianMs:F0} ms");
    Console.WriteLine(Invariant($"  {c.Function,-14} median {c.MedianMs,6:F0} ms (min {c.MinMs:F0}, max {c.MaxMs:F0}); {inside} — {c.What}"));
}

if (bundles.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("bundles (zip of the published folder, as CDK uploads it)");
}

foreach (var b in bundles)
{
    Console.WriteLine(Invariant($"  {b.Function,-14} {b.ZipBytes / 1048576.0,6:F2} MiB zipped, {b.UnzippedBytes / 1048576.0,6:F2} MiB unzipped"));
}

return 0;

bool Wanted(string section) => only is null || only == section;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static void Progress(string message) => Console.Error.WriteLine(message);

static int Refuse(string message)
{
    Console.Error.WriteLine($"benchmark: {message}");
    return 2;
}

static double Round(double value) => Math.Round(value, 2);

static double? RoundOrNull(double? value) => value is { } known ? Round(known) : null;

static string PerEvent(double? value) => value?.ToString("F3", CultureInfo.InvariantCulture) ?? "n/a";

static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "n/a";

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
