using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Adapters.PlotApi;
using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.UseCases;

namespace Assignment3.Cli;

/// <summary>
/// The commands of the local run, on System.CommandLine (verbs, options, help, errors, shell completion through its
/// <c>[suggest]</c> directive). Exit code 0 on success, 1 on failure, 2 on a usage error; every error is one line.
/// </summary>
public static class CommandLine
{
    /// <summary>Runs one command; writes results to <paramref name="output"/> and one clear line per error to <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var root = Build(output, error);
        if (args.Length == 0)
        {
            // Nothing asked: the usage, as an error.
            await root.Parse("--help").InvokeAsync(new InvocationConfiguration { Output = error, Error = error }, cancellationToken);
            return 2;
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"error: {string.Join("; ", parsed.Errors.Select(e => e.Message))} Run with --help for usage.");
            return 2;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}. Run with --help for usage.");
            return 2;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One line for the person at the terminal; the pipeline has logged the details to log.jsonl.
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var state = new Option<string>("--state")
        {
            Description = "where buckets, history and logs live",
            HelpName = "DIR",
            Recursive = true,
            DefaultValueFactory = _ => LocalSystem.DefaultStateDirectory,
        };
        var functions = new Option<string>("--functions")
        {
            Description = "where invoke and reconcile find the built functions (next to the CLI unless given)",
            HelpName = "DIR",
            Recursive = true,
            DefaultValueFactory = _ => FunctionInvoker.DefaultFunctionsDirectory,
        };

        var tracking = new Option<TrackingMode>("--tracking")
        {
            Description = "how size tracking follows the bucket: listing (a listing per batch) or incremental (per-object state and running totals)",
            DefaultValueFactory = _ => TrackingMode.Listing,
        };
        var demo = new Command("demo", "run the demo on the local data bucket and draw the chart") { tracking };
        demo.SetAction((parse, ct) => DemoAsync(parse.GetValue(state)!, parse.GetValue(tracking), output, error, ct));

        var historyBucket = new Argument<string>("bucket") { Description = "the bucket whose history to print" };
        var history = new Command("history", "print a bucket's size history") { historyBucket };
        history.SetAction((parse, ct) => HistoryAsync(parse.GetValue(historyBucket)!, parse.GetValue(state)!, output, ct));

        var plotBucket = new Argument<string>("bucket") { Description = "the bucket whose history to draw" };
        var window = new Option<TimeSpan?>("--window")
        {
            Description = "how far back from the latest record to draw (10s unless given)",
            HelpName = "10s",
            CustomParser = result =>
            {
                if (DurationText.TryParse(result.Tokens[0].Value, out var parsed, out var problem))
                {
                    return parsed;
                }

                result.AddError($"--window: {problem}.");
                return null;
            },
        };
        var plot = new Command("plot", "draw a bucket's last WINDOW of history") { plotBucket, window };
        plot.SetAction((parse, ct) => PlotAsync(parse.GetValue(plotBucket)!, parse.GetValue(window), parse.GetValue(state)!, output, error, ct));

        var function = new Argument<string>("function") { Description = $"one of {string.Join(", ", FunctionCatalog.All.Select(f => f.Name))}" };
        function.AcceptOnlyFromAmong([.. FunctionCatalog.All.Select(f => f.Name)]);
        var eventFile = new Argument<string>("event.json") { Description = "the event to hand the handler" };
        var invoke = new Command("invoke", "call a built Lambda handler as the managed runtime does") { function, eventFile };
        invoke.SetAction((parse, _) => FunctionInvoker.RunAsync([parse.GetValue(function)!, parse.GetValue(eventFile)!], parse.GetValue(functions)!, output, error));

        var reconcileBucket = new Argument<string>("bucket") { Description = "the bucket whose object states and totals to bring back to a listing of it" };
        var reconcile = new Command("reconcile",
            "reconcile a bucket's incremental tracking state with a listing: the built size-tracking function, with invoke's environment " +
            $"({FunctionSettingNames.TableName}, {FunctionSettingNames.ObjectStateTable}, {FunctionSettingNames.TrackingMode}=incremental)")
        {
            reconcileBucket,
        };
        reconcile.SetAction((parse, _) => ReconcileAsync(parse.GetValue(reconcileBucket)!, parse.GetValue(functions)!, output, error));

        return new RootCommand("assignment3: the bucket size history, run locally") { state, functions, demo, history, plot, invoke, reconcile };
    }

    // The size-tracking function does the work, as the schedule's message makes it do in AWS: the same composition, the
    // same settings from the environment. Its logs go to the error writer, its summary line to the output.
    private static async Task<int> ReconcileAsync(string bucket, string functionsDirectory, TextWriter output, TextWriter error)
    {
        if (BucketNameRules.Check(bucket) is { } problem)
        {
            throw new UsageException($"bucket {problem}");
        }

        using var message = new MemoryStream();
        await using (var json = new Utf8JsonWriter(message))
        {
            json.WriteStartObject();
            json.WriteString(ReconciliationTrigger.BucketProperty, bucket);
            json.WriteEndObject();
        }

        message.Position = 0;
        var (response, failure) = await FunctionInvoker.CallAsync(FunctionCatalog.SizeTracking, functionsDirectory, message, error);
        if (failure is not null)
        {
            await error.WriteLineAsync($"error: reconciliation of {bucket} failed: {failure.Message}");
            return 1;
        }

        var reconciled = JsonSerializer.Deserialize(response!, ReconcileJsonContext.Default.ReconcileResponse)
            ?? throw new InvalidOperationException($"{FunctionCatalog.SizeTracking.Name} answered the reconciliation of {bucket} with nothing");
        await output.WriteLineAsync(reconciled.Summary);
        return 0;
    }

    private static async Task<int> DemoAsync(string state, TrackingMode tracking, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        DemoReport report;
        IReadOnlyList<SizeRecord> history;
        await using (var local = LocalSystem.Open(state, line => output.WriteLine(line), tracking))
        {
            var mode = tracking == TrackingMode.Listing ? "" : $", {tracking.ToString().ToLowerInvariant()} tracking";
            await output.WriteLineAsync($"Demo on bucket {LocalSystem.DataBucket} (state in {local.StateDirectory}{mode})");
            try
            {
                report = await local.SendAsync(new RunDemo(LocalSystem.DataBucket), cancellationToken);
            }
            catch (DemoChartMissingException ex)
            {
                await output.WriteLineAsync($"Sizes seen: {ex.SizeSequence}");
                await error.WriteLineAsync($"error: no chart: {ex.Reason}");
                return 1;
            }

            history = await local.SendAsync(
                new GetSizeHistory(LocalSystem.DataBucket, report.Steps[0].Observed.Time, report.Steps[^1].Observed.Time), cancellationToken);
            await output.WriteLineAsync();
            await WriteHistoryAsync(output, LocalSystem.DataBucket, history);
            await output.WriteLineAsync();
            await output.WriteLineAsync($"Sizes seen: {report.SizeSequence}");
            return await WriteChartAsync(report.Chart, local, output, error);
        }
    }

    private static async Task<int> HistoryAsync(string bucket, string state, TextWriter output, CancellationToken cancellationToken)
    {
        // Checked before anything is opened, so a typo creates no state folder.
        if (BucketNameRules.Check(bucket) is { } problem)
        {
            throw new UsageException($"bucket {problem}");
        }

        await using var local = LocalSystem.Open(state, line => output.WriteLine(line));
        await WriteHistoryAsync(output, bucket, await local.SendAsync(new GetSizeHistory(bucket), cancellationToken));
        return 0;
    }

    private static async Task<int> PlotAsync(string bucket, TimeSpan? window, string state, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await using var local = LocalSystem.Open(state, line => output.WriteLine(line));
        var result = await local.SendAsync(new RenderSizeChart(bucket, window), cancellationToken);
        return await WriteChartAsync(result, local, output, error);
    }

    private static async Task<int> WriteChartAsync(SizeChartResult result, LocalSystem local, TextWriter output, TextWriter error)
    {
        switch (result)
        {
            case SizeChartResult.Rendered chart:
                var timeFormat = chart.To - chart.From < TimeSpan.FromDays(1) ? "HH:mm:ss.fff" : "yyyy-MM-dd HH:mm";
                var drawn = chart.Resolution is { } slot
                    ? $"{chart.PointsDrawn - 1} slots of {SlotText(slot)} summarising {chart.Changes:N0} changes"
                    : $"{chart.PointsDrawn} points";
                await output.WriteLineAsync(
                    $"Chart: {Path.GetRelativePath(Environment.CurrentDirectory, local.Blobs.PathOf(chart.Location.BucketName, chart.Location.Key))} " +
                    $"({drawn} from {chart.From.ToString(timeFormat, CultureInfo.InvariantCulture)} to {chart.To.ToString(timeFormat, CultureInfo.InvariantCulture)}, max {chart.Largest.TotalSize} B)");
                return 0;
            case SizeChartResult.NoHistory missing:
                await error.WriteLineAsync($"error: {missing.Message}");
                return 1;
            default:
                throw new InvalidOperationException($"unexpected chart result {result}");
        }
    }

    private static string SlotText(TimeSpan slot) =>
        slot >= TimeSpan.FromDays(1) ? $"{slot.TotalDays:0} d" : slot >= TimeSpan.FromHours(1) ? $"{slot.TotalHours:0} h"
        : slot >= TimeSpan.FromMinutes(1) ? $"{slot.TotalMinutes:0} min" : $"{slot.TotalSeconds:0} s";

    private static async Task WriteHistoryAsync(TextWriter output, string bucket, IReadOnlyList<SizeRecord> history)
    {
        await output.WriteLineAsync($"History of {bucket} ({history.Count} records):");
        await output.WriteLineAsync($"  {"time (UTC)",-25} {"objects",8} {"total size",12}");
        foreach (var record in history)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {record.Time.UtcDateTime,-25:yyyy-MM-dd HH:mm:ss.fff} {record.ObjectCount,8} {record.TotalSize,10} B"));
        }
    }
}

/// <summary>The command line was not understood.</summary>
public sealed class UsageException(string message) : Exception(message);
