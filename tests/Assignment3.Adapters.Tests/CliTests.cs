using System.Text.Json;
using Assignment3.Adapters.Local;
using Assignment3.Cli;
using Microsoft.Data.Sqlite;

namespace Assignment3.Adapters.Tests;

public sealed class CliTests
{
    private static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Demo_prints_each_step_the_history_and_the_chart_and_keeps_it_all_in_the_state_folder()
    {
        using var state = new TempDirectory();

        var (exitCode, output, error) = await Run("demo", "--state", state.Path);

        Assert.True(exitCode == 0, error);
        Assert.Contains("[1/5] clean up leftovers: history shows 0 object(s), 0 B", output, StringComparison.Ordinal);
        Assert.Contains("[5/5] create assignment2.txt (2 B): history shows 1 object(s), 2 B", output, StringComparison.Ordinal);
        Assert.Contains("Sizes seen: 0 → 18 → 27 → 0 → 2", output, StringComparison.Ordinal);

        var chartLine = output.Split('\n').Single(l => l.StartsWith("Chart: ", StringComparison.Ordinal));
        var chartPath = Path.GetFullPath(chartLine["Chart: ".Length..chartLine.IndexOf(" (", StringComparison.Ordinal)]);
        Assert.StartsWith(state.Path, chartPath, StringComparison.Ordinal);
        Assert.Equal((byte)0x89, (await File.ReadAllBytesAsync(chartPath))[0]);

        var stored = await new SqliteHistoryRepository(state["history.db"])
            .GetRangeAsync(LocalSystem.DataBucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default);
        Assert.Equal([0L, 18L, 27L, 0L, 2L], stored.Select(r => r.TotalSize));
        Assert.Equal(["assignment2.txt"], Directory.GetFiles(state["buckets/assignment3-data"]).Select(Path.GetFileName));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Demo_tracking_incrementally_shows_every_step_and_keeps_the_objects_state_and_totals()
    {
        using var state = new TempDirectory();

        var (exitCode, output, error) = await Run("demo", "--tracking", "incremental", "--state", state.Path);
        var again = await Run("demo", "--tracking", "incremental", "--state", state.Path);

        Assert.True(exitCode == 0, error);
        Assert.Contains("incremental tracking", output, StringComparison.Ordinal);
        Assert.Contains("Sizes seen: 0 → 18 → 27 → 0 → 2", output, StringComparison.Ordinal);
        // The second run deletes what the first left, which the state knows: its totals end where the first's did.
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("Sizes seen: 0 → 18 → 27 → 0 → 2", again.Output, StringComparison.Ordinal);
        var states = new SqliteObjectStateStore(state["objects.db"]);
        Assert.Equal(new Domain.Ports.BucketTotals(2, 1, 0), await states.GetTotalsAsync(LocalSystem.DataBucket, default));
        Assert.Equal(Domain.Ports.ObjectStatus.Deleted, (await states.GetAsync(LocalSystem.DataBucket, ["assignment1.txt"], default))["assignment1.txt"].State.Status);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Every_change_becomes_an_eventbridge_document_shaped_as_s3_sends_it()
    {
        using var state = new TempDirectory();
        await Run("demo", "--state", state.Path);

        var events = (await File.ReadAllLinesAsync(state["events.jsonl"])).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(["Object Created", "Object Created", "Object Deleted", "Object Created"],
            events.Select(e => e.GetProperty("detail-type").GetString()));
        var first = events[0];
        foreach (var field in new[] { "version", "id", "source", "account", "time", "region", "resources" })
        {
            Assert.True(first.TryGetProperty(field, out _), field);
        }

        Assert.Equal("aws.s3", first.GetProperty("source").GetString());
        var detail = first.GetProperty("detail");
        Assert.Equal("assignment3-data", detail.GetProperty("bucket").GetProperty("name").GetString());
        Assert.Equal(18, detail.GetProperty("object").GetProperty("size").GetInt64());
        Assert.Equal(32, detail.GetProperty("object").GetProperty("etag").GetString()!.Length);
        Assert.Equal("PutObject", detail.GetProperty("reason").GetString());
        Assert.Equal("Permanently Deleted", events[2].GetProperty("detail").GetProperty("deletion-type").GetString());
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task A_second_demo_cleans_up_the_first_and_history_lists_both()
    {
        using var state = new TempDirectory();
        await Run("demo", "--state", state.Path);

        var (exitCode, output, _) = await Run("--state", state.Path, "demo");
        var history = await Run("--state", state.Path, "history", LocalSystem.DataBucket);

        Assert.Equal(0, exitCode);
        Assert.Contains("Sizes seen: 0 → 18 → 27 → 0 → 2", output, StringComparison.Ordinal);
        Assert.Contains("(10 records)", history.Output, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Plot_draws_the_asked_window_of_an_existing_history()
    {
        using var state = new TempDirectory();
        await Run("demo", "--state", state.Path);

        var (exitCode, output, error) = await Run("--state", state.Path, "plot", LocalSystem.DataBucket, "--window", "1h");

        Assert.True(exitCode == 0, error);
        Assert.Contains("5 points", output, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }

    /// <summary>A month of history at one change a minute: the chart draws hourly slots and says what they summarise.</summary>
    [Fact]
    public async Task Plot_of_a_month_draws_hourly_slots_of_a_generated_history()
    {
        using var state = new TempDirectory();
        var latest = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        const int Minutes = 30 * 24 * 60;
        await new SqliteHistoryRepository(state["history.db"]).ImportAsync(Enumerable.Range(0, Minutes).Select(i =>
            new Domain.SizeRecord("month-bucket", latest.AddMinutes(i - Minutes + 1), 1000 + (i % 97), 3)), default);

        var (exitCode, output, error) = await Run("--state", state.Path, "plot", "month-bucket", "--window", "30d");

        Assert.True(exitCode == 0, error);
        Assert.Contains("(721 slots of 1 h summarising 43,200 changes from 2026-10-31 12:00 to 2026-11-30 12:00, max 1096 B)", output, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Plot_of_a_bucket_without_history_fails_with_one_clear_line()
    {
        using var state = new TempDirectory();

        var (exitCode, _, error) = await Run("--state", state.Path, "plot", "never-seen");

        Assert.Equal(1, exitCode);
        Assert.Equal("error: no history for bucket never-seen", error.Trim());
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task History_of_a_bad_bucket_name_is_a_usage_error_and_opens_nothing()
    {
        using var parent = new TempDirectory();
        var state = parent["never-made"];

        var (exitCode, _, error) = await Run("--state", state, "history", "Bad_Bucket");

        Assert.Equal(2, exitCode);
        Assert.Contains("bucket", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(state));
    }

    [Theory]
    [InlineData("plot", "Bad_Bucket")]
    [InlineData("plot", "assignment3-data", "--window", "-3s")]
    public async Task Bad_plot_arguments_fail_with_one_line_naming_the_field(params string[] args)
    {
        using var state = new TempDirectory();

        var (exitCode, _, error) = await Run(["--state", state.Path, .. args]);

        Assert.Equal(1, exitCode);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: invalid RenderSizeChart: ", error, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData("launch")]
    [InlineData("plot")]
    [InlineData("plot", "b", "--window", "soon")]
    [InlineData("demo", "extra")]
    [InlineData("demo", "--state")]
    public async Task Usage_errors_exit_2_with_one_line(params string[] args)
    {
        var (exitCode, output, error) = await Run(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task No_arguments_prints_the_usage_on_stderr_and_exits_2()
    {
        var (exitCode, output, error) = await Run();

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
        Assert.Contains("[command] [options]", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_of_the_machine_is_one_line_and_exit_1()
    {
        using var folder = new TempDirectory();
        var notAFolder = folder["state-is-a-file"];
        await File.WriteAllTextAsync(notAFolder, "");

        var (exitCode, _, error) = await Run("--state", notAFolder, "demo");

        Assert.Equal(1, exitCode);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_command_and_option()
    {
        var (exitCode, output, _) = await Run("--help");
        var (plotExitCode, plotHelp, _) = await Run("plot", "--help");

        Assert.Equal((0, 0), (exitCode, plotExitCode));
        foreach (var command in new[] { "demo", "history <bucket>", "plot <bucket>", "invoke <driver|plotting|size-tracking> <event.json>", "reconcile <bucket>", "--state <DIR>", "--functions <DIR>" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }

        Assert.Contains("--window <10s>", plotHelp, StringComparison.Ordinal);
    }
}
