using System.Globalization;
using Assignment3.Adapters.Lambda;
using Assignment3.Domain;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.UseCases;

namespace Assignment3.Cli;

/// <summary>The commands of the local run. Exit code 0 on success, 1 on failure, 2 on a usage error.</summary>
public static class CommandLine
{
    /// <summary>Printed for --help and after a usage error.</summary>
    public const string Usage = """
        Usage: assignment3 [--state DIR] <command>

        Commands:
          demo                                 run the demo on the local data bucket and draw the chart
          history <bucket>                     print a bucket's size history
          plot <bucket> [--window 10s]         draw a bucket's last WINDOW of history (default 10s)
          invoke <function> <event.json>       call a built Lambda handler as the managed runtime does
                                               (function: size-tracking | plotting | driver)

        Options:
          --state DIR                          where buckets, history and logs live (default ./.assignment3)
          --functions DIR                      where invoke finds the built functions (default: next to the CLI)
          -h, --help                           show this help
        """;

    /// <summary>Runs one command; writes results to <paramref name="output"/> and one clear line per error to <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var arguments = new List<string>(args);
        try
        {
            if (arguments.Count == 0)
            {
                await error.WriteLineAsync(Usage);
                return 2;
            }

            if (arguments[0] == "help" || arguments.Any(a => a is "-h" or "--help"))
            {
                await output.WriteLineAsync(Usage);
                return 0;
            }

            var state = TakeOption(arguments, "--state") ?? LocalSystem.DefaultStateDirectory;
            var functions = TakeOption(arguments, "--functions") ?? FunctionInvoker.DefaultFunctionsDirectory;
            var command = arguments[0];
            var rest = arguments[1..];
            switch (command)
            {
                case "demo":
                    Expect(rest, 0, "demo");
                    return await DemoAsync(state, output, error, cancellationToken);
                case "history":
                    return await HistoryAsync(Expect(rest, 1, "history <bucket>")[0], state, output, cancellationToken);
                case "plot":
                    return await PlotAsync(rest, state, output, error, cancellationToken);
                case "invoke":
                    return await FunctionInvoker.RunAsync(Expect(rest, 2, "invoke <function> <event.json>"), functions, output, error);
                default:
                    throw new UsageException($"unknown command '{command}'");
            }
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

    private static async Task<int> DemoAsync(string state, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        DemoReport report;
        IReadOnlyList<SizeRecord> history;
        await using (var local = LocalSystem.Open(state, line => output.WriteLine(line)))
        {
            await output.WriteLineAsync($"Demo on bucket {LocalSystem.DataBucket} (state in {local.StateDirectory})");
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

    private static async Task<int> PlotAsync(List<string> rest, string state, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        TimeSpan? window = null;
        if (TakeOption(rest, "--window") is { } text)
        {
            window = DurationText.TryParse(text, out var parsed, out var problem) ? parsed : throw new UsageException($"--window: {problem}");
        }

        var bucket = Expect(rest, 1, "plot <bucket> [--window 10s]")[0];
        await using var local = LocalSystem.Open(state, line => output.WriteLine(line));
        var result = await local.SendAsync(new RenderSizeChart(bucket, window), cancellationToken);
        return await WriteChartAsync(result, local, output, error);
    }

    private static async Task<int> WriteChartAsync(SizeChartResult result, LocalSystem local, TextWriter output, TextWriter error)
    {
        switch (result)
        {
            case SizeChartResult.Rendered chart:
                await output.WriteLineAsync(
                    $"Chart: {Path.GetRelativePath(Environment.CurrentDirectory, local.Blobs.PathOf(chart.Location.BucketName, chart.Location.Key))} " +
                    $"({chart.PointsDrawn} points from {chart.From:HH:mm:ss.fff} to {chart.To:HH:mm:ss.fff}, max {chart.Largest.TotalSize} B)");
                return 0;
            case SizeChartResult.NoHistory missing:
                await error.WriteLineAsync($"error: {missing.Message}");
                return 1;
            default:
                throw new InvalidOperationException($"unexpected chart result {result}");
        }
    }

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

    private static string? TakeOption(List<string> arguments, string name)
    {
        var index = arguments.IndexOf(name);
        if (index < 0)
        {
            return null;
        }

        if (index + 1 >= arguments.Count)
        {
            throw new UsageException($"{name} needs a value");
        }

        var value = arguments[index + 1];
        arguments.RemoveRange(index, 2);
        return value;
    }

    private static List<string> Expect(List<string> arguments, int count, string form)
    {
        if (arguments.Count != count || arguments.Any(a => a.StartsWith("--", StringComparison.Ordinal)))
        {
            throw new UsageException($"expected '{form}', got '{string.Join(' ', arguments)}'");
        }

        return arguments;
    }
}

/// <summary>The command line was not understood.</summary>
public sealed class UsageException(string message) : Exception(message);
