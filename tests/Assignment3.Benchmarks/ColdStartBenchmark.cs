using System.Diagnostics;
using System.Globalization;
using Assignment3.Catalog;
using Assignment3.Functions.Plotting;
using Assignment3.Functions.SizeTracking;

namespace Assignment3.Benchmarks;

/// <summary>One function's cold start: process start to its first response, and the in-process phases of it.
/// The phases are known for managed bundles only (the host reports them); a native one has no JIT.</summary>
internal sealed record ColdStartFigures(string Function, FunctionRuntime Runtime, int Runs, double MedianMs, double MinMs, double MaxMs,
    double? InitMedianMs, double? InvokeMedianMs, double? JitMethodsMedian, double? JitMedianMs, string What);

/// <summary>
/// Starts a fresh process per run as Lambda starts the function's bundle, and times it until the first response:
/// a native bundle's <c>bootstrap</c> with <c>AWS_LAMBDA_RUNTIME_API</c> pointing at a local stand-in of the Runtime
/// API holding one event (the time is when its response arrives there); a managed bundle through <c>dotnet exec</c>
/// with its own deps.json and runtimeconfig.json and the handler string, by a host that depends on nothing but the
/// base library (tests/Assignment3.ManagedRuntimeHost), which prints the response. What it leaves out: Lambda's own
/// work before the process starts (fetching the bundle, creating the sandbox).
/// </summary>
internal static class ColdStartBenchmark
{
    public static async Task<IReadOnlyList<ColdStartFigures>> RunAsync(Endpoints endpoints, string functionsDirectory, string hostAssembly, int runs)
    {
        var table = await endpoints.CreateTableAsync();
        var data = await endpoints.CreateBucketAsync("colddata");
        var plots = await endpoints.CreateBucketAsync("coldplots");
        await endpoints.S3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = data, Key = "a.txt", ContentBody = "cold" });
        using var events = new TempDirectory();
        var settings = new Dictionary<string, string>
        {
            [FunctionSettingNames.TableName] = table,
            [FunctionSettingNames.DataBucket] = data,
            [FunctionSettingNames.PlotBucket] = plots,
        };

        // Each size-tracking run is a first delivery (a new event id), as a cold start after a change would be.
        var figures = new List<ColdStartFigures>
        {
            await MeasureAsync(FunctionCatalog.SizeTracking, run => FunctionHarness.ObjectCreated(data, eventId: $"cold-{run}-{Guid.NewGuid()}", key: "a.txt", size: 4),
                "event → one LIST page and one write"),
        };
        // Plotting needs a history to draw.
        using (var tracking = new SizeTrackingFunction(FunctionHarness.Settings(table), TextWriter.Null))
        {
            await FunctionHarness.InvokeAsync(tracking.Handle, FunctionHarness.ObjectCreated(data, eventId: "seed"));
        }

        figures.Add(await MeasureAsync(FunctionCatalog.Plotting, _ => FunctionHarness.Proxy(), "request → two queries, render, upload"));

        // The driver's first response is the whole demo, which needs the S3 emulator's event stream to drive tracking.
        if (endpoints.Emulators is { } emulators)
        {
            using var tracking = new SizeTrackingFunction(FunctionHarness.Settings(table), TextWriter.Null);
            using var plotting = new PlottingFunction(FunctionHarness.Settings(table, data, plots), TextWriter.Null);
            await using var api = new LocalApiGateway(plotting.Handle);
            await using var rule = new EventBridgeRuleEmulation(emulators, data, tracking.Handle);
            settings[FunctionSettingNames.PlotApiUrl] = api.Url.ToString();
            figures.Add(await MeasureAsync(FunctionCatalog.Driver, _ => "{}", "the whole demo: five changes, each waited for, then the chart"));
        }

        return figures;

        async Task<ColdStartFigures> MeasureAsync(LambdaFunctionSpec function, Func<int, string> payload, string what)
        {
            var total = new Sample();
            var init = new Sample();
            var invoke = new Sample();
            var jitMethods = new Sample();
            var jit = new Sample();
            for (var run = 0; run < runs; run++)
            {
                var eventFile = events[$"{function.Name}-{run}.json"];
                await File.WriteAllTextAsync(eventFile, payload(run));
                var bundle = Path.Combine(functionsDirectory, function.Name);
                if (function.PreferredRuntime == FunctionRuntime.NativeAot)
                {
                    total.Add(await StartNativeOnceAsync(function, bundle, await File.ReadAllTextAsync(eventFile), settings));
                    continue;
                }

                var (elapsed, phases) = await StartOnceAsync(function, bundle, hostAssembly, eventFile, settings);
                total.Add(elapsed);
                init.Add(phases["init_ms"]);
                invoke.Add(phases["invoke_ms"]);
                jitMethods.Add(phases["jit_methods"]);
                jit.Add(phases["jit_ms"]);
            }

            return init.Count == 0
                ? new ColdStartFigures(function.Name, function.PreferredRuntime, runs, total.Median, total.Min, total.Max, null, null, null, null, what)
                : new ColdStartFigures(function.Name, function.PreferredRuntime, runs, total.Median, total.Min, total.Max, init.Median, invoke.Median, jitMethods.Median, jit.Median, what);
        }
    }

    private static async Task<double> StartNativeOnceAsync(LambdaFunctionSpec function, string bundle, string payload, IReadOnlyDictionary<string, string> settings)
    {
        await using var runtimeApi = new LocalRuntimeApi();
        var requestId = runtimeApi.Enqueue(payload);
        using var bootstrap = NativeBootstrap.Start(function, bundle, runtimeApi, settings);
        var outcome = await runtimeApi.OutcomeAsync(requestId).WaitAsync(TimeSpan.FromSeconds(30));
        // Lambda freezes the process after its answer; the loop would wait for the next event forever.
        var output = bootstrap.StopAndReadOutput();
        if (!outcome.Succeeded || outcome.Text.Contains("\"statusCode\":5", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{function.Name} failed: {outcome.ErrorType} {outcome.Text} {output}");
        }

        return Stopwatch.GetElapsedTime(bootstrap.StartedAt, outcome.ReceivedAt).TotalMilliseconds;
    }

    private static async Task<(double Elapsed, Dictionary<string, double> Phases)> StartOnceAsync(
        LambdaFunctionSpec function, string bundle, string hostAssembly, string eventFile, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = bundle };
        foreach (var argument in (string[])["exec", "--depsfile", Path.Combine(bundle, function.AssemblyName + ".deps.json"),
            "--runtimeconfig", Path.Combine(bundle, function.AssemblyName + ".runtimeconfig.json"), hostAssembly, function.Handler, eventFile])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LAMBDA_TASK_ROOT"] = bundle;
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = function.Name;
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var errors = process.StandardError.ReadToEndAsync();
        double? elapsed = null;
        string? response = null;
        var phases = new Dictionary<string, double>();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("@response ", StringComparison.Ordinal))
            {
                elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                response = line["@response ".Length..];
            }
            else if (line.StartsWith("@phases ", StringComparison.Ordinal))
            {
                phases = line.Split(' ').Skip(1).Select(pair => pair.Split('='))
                    .ToDictionary(pair => pair[0], pair => double.Parse(pair[1], CultureInfo.InvariantCulture));
            }
        }

        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || elapsed is null || response!.Contains("\"statusCode\":5", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{function.Name} failed (exit {process.ExitCode}): {response} {await errors}");
        }

        return (elapsed.Value, phases);
    }
}
