using Assignment3.Adapters.InMemory;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Assignment3.Domain.Tests;

/// <summary>
/// Tests written for mutants Stryker found surviving in the domain (docs/testing.md): each pins a behaviour the other
/// tests left open — a boundary, a message, a registration, a guard.
/// </summary>
public sealed class MutationKillsTests
{
    [Theory]
    [InlineData("abc")] // shortest allowed
    [InlineData("zz9")] // the last letter and the last digit
    [InlineData("a0-b.c")] // the first digit, '-' and '.'
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")] // 63: longest allowed
    public void Bucket_names_at_the_edges_of_the_rules_are_accepted(string name) => Assert.Null(BucketNameRules.Check(name));

    [Theory]
    [InlineData("ab", "must be 3 to 63 characters long, was 2")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", "must be 3 to 63 characters long, was 64")]
    [InlineData("a!b", "'a!b' may hold only lowercase letters, digits, '-' and '.'")]
    [InlineData("a/b", "'a/b' may hold only lowercase letters, digits, '-' and '.'")]
    [InlineData("a:b", "'a:b' may hold only lowercase letters, digits, '-' and '.'")]
    [InlineData("a{b", "'a{b' may hold only lowercase letters, digits, '-' and '.'")]
    public void Bucket_names_just_outside_the_rules_are_refused(string name, string problem) =>
        Assert.Equal(problem, BucketNameRules.Check(name));

    [Fact]
    public async Task Every_problem_of_a_request_is_in_one_message_separated_by_semicolons()
    {
        using var harness = new DomainHarness(trackChanges: false);
        var from = harness.Clock.GetUtcNow();

        var error = await Assert.ThrowsAsync<RequestValidationException>(
            () => harness.Send(new GetSizeHistory("ab", from, from.AddSeconds(-1))));

        Assert.Equal(nameof(GetSizeHistory), error.RequestName);
        Assert.Equal(
            "invalid GetSizeHistory: BucketName: must be 3 to 63 characters long, was 2; " +
            "To: must not be before From (2026-11-26T12:00:00.0000000+00:00), was 2026-11-26T11:59:59.0000000+00:00",
            error.Message);
    }

    [Fact]
    public async Task A_blank_event_id_is_refused_saying_why()
    {
        using var harness = new DomainHarness(trackChanges: false);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => harness.Send(new RecordBucketSize("data-bucket", " ")));

        Assert.Equal("EventId: must not be blank when given", Assert.Single(error.Errors).ToString());
    }

    [Fact]
    public void A_window_of_exactly_the_maximum_is_accepted_and_a_longer_one_is_refused_saying_the_limit()
    {
        var validator = new RenderSizeChartValidator();

        Assert.Empty(validator.Validate(new RenderSizeChart("data-bucket", RenderSizeChart.MaxWindow)));
        var error = Assert.Single(validator.Validate(new RenderSizeChart("data-bucket", RenderSizeChart.MaxWindow.Add(TimeSpan.FromTicks(1)))));
        Assert.Equal("Window", error.Field);
        Assert.Equal("must be more than 0 and at most 366 days, was 366.00:00:00.0000001", error.Problem);
    }

    [Fact]
    public async Task A_bad_demo_bucket_is_refused_before_anything_is_written()
    {
        using var harness = new DomainHarness(trackChanges: false,
            demo: new DemoSettings(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(50)));

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => harness.Send(new RunDemo("Not_A_Bucket")));

        Assert.Equal("DataBucketName", Assert.Single(error.Errors).Field);
        Assert.Empty(harness.History.All);
    }

    [Fact]
    public void The_domain_brings_the_system_clock_and_the_default_demo_settings_unless_the_caller_gives_its_own()
    {
        using var provider = new ServiceCollection().AddDomain().BuildServiceProvider();

        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Same(DemoSettings.Default, provider.GetRequiredService<DemoSettings>());
    }

    [Fact]
    public async Task A_failure_logged_by_the_pipeline_is_marked_so_it_is_logged_once()
    {
        using var harness = new DomainHarness(trackChanges: false,
            demo: new DemoSettings(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)));

        var error = await Assert.ThrowsAsync<DemoStepTimeoutException>(() => harness.Send(new RunDemo("data-bucket")));

        Assert.True(FailureLog.WasLogged(error));
        Assert.False(FailureLog.WasLogged(new InvalidOperationException("never logged")));
    }

    [Fact]
    public async Task A_bucket_whose_every_millisecond_is_taken_fails_after_a_thousand_tries()
    {
        var history = new AlwaysTakenHistory();
        var handler = new RecordBucketSizeHandler(new InMemoryBlobStore(), history, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => handler.Handle(new RecordBucketSize("data-bucket"), default));

        Assert.Equal(1000, history.Attempts);
        Assert.Equal("could not find a free millisecond for bucket data-bucket after 1000 tries", error.Message);
    }

    [Fact]
    public async Task A_failing_maximum_lookup_fails_the_chart_even_when_there_is_no_history()
    {
        var history = new Mock<IHistoryRepository>(MockBehavior.Strict);
        history.Setup(h => h.GetRecentAsync("data-bucket", It.IsAny<TimeSpan>(), It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        history.Setup(h => h.GetLargestAsync("data-bucket", It.IsAny<CancellationToken>())).ThrowsAsync(new TimeoutException("index unavailable"));
        var handler = new RenderSizeChartHandler(history.Object, new RecordingChartRenderer(), new InMemoryBlobStore(), new ChartSettings("plot-bucket"));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => handler.Handle(new RenderSizeChart("data-bucket"), default));

        Assert.Equal("index unavailable", error.Message);
    }

    [Fact]
    public async Task The_demo_stores_its_objects_as_text()
    {
        using var harness = new DomainHarness();

        await harness.Send(new RunDemo("data-bucket"));

        Assert.Equal("text/plain", harness.Store.Get("data-bucket", RunDemoHandler.SecondKey)!.ContentType);
    }

    [Fact]
    public async Task A_chart_result_the_demo_does_not_know_fails_it_naming_the_result()
    {
        using var harness = new DomainHarness(configure: s => s.Replace(ServiceDescriptor.Transient<IPlotApi>(_ => new StrangePlotApi())));

        var error = await Assert.ThrowsAsync<DemoChartMissingException>(() => harness.Send(new RunDemo("data-bucket")));

        Assert.Equal("the plotting API gave an unexpected result: StrangeResult { BucketName = data-bucket }", error.Reason);
    }

    [Fact]
    public void A_blob_location_reads_as_an_s3_uri() =>
        Assert.Equal("s3://plot-bucket/a/b.png", new BlobLocation("plot-bucket", "a/b.png").ToString());

    public static TheoryData<string, Func<Task>> NullArguments()
    {
        var logging = new LoggingBehavior<RunDemo, DemoReport>(NullLogger<LoggingBehavior<RunDemo, DemoReport>>.Instance);
        var validation = new ValidationBehavior<RunDemo, DemoReport>([]);
        var blobs = new InMemoryBlobStore();
        var history = new InMemoryHistoryRepository();
        return new TheoryData<string, Func<Task>>
        {
            { "next", () => logging.Handle(new RunDemo("data-bucket"), default, null!) },
            { "next", () => validation.Handle(new RunDemo("data-bucket"), default, null!) },
            { "error", () => Run(() => FailureLog.MarkLogged(null!)) },
            { "error", () => Run(() => FailureLog.WasLogged(null!)) },
            { "request", () => Run(() => new GetSizeHistoryValidator().Validate(null!).ToList()) },
            { "request", () => new GetSizeHistoryHandler(history).Handle(null!, default) },
            { "request", () => Run(() => new RecordBucketSizeValidator().Validate(null!).ToList()) },
            { "request", () => new RecordBucketSizeHandler(blobs, history, TimeProvider.System).Handle(null!, default) },
            { "request", () => Run(() => new RenderSizeChartValidator().Validate(null!).ToList()) },
            {
                "request", () => new RenderSizeChartHandler(history, new RecordingChartRenderer(), blobs, new ChartSettings("plot-bucket"))
                    .Handle(null!, default)
            },
            { "request", () => Run(() => new RunDemoValidator().Validate(null!)) },
            {
                "request", () => new RunDemoHandler(blobs, history, new StrangePlotApi(), Mock.Of<IMediator>(), TimeProvider.System, DemoSettings.Default)
                    .Handle(null!, default)
            },
        };
    }

    /// <summary>A missing argument is refused by name, not met with a NullReferenceException somewhere inside.</summary>
    [Theory]
    [MemberData(nameof(NullArguments))]
    public async Task A_missing_argument_is_refused_by_name(string parameter, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ArgumentNullException>(call);

        Assert.Equal(parameter, error.ParamName);
    }

    private static Task Run(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    private static Task<object?> Run(Func<object?> function) => Task.FromResult(function());

    private sealed record StrangeResult(string BucketName) : SizeChartResult(BucketName);

    private sealed class StrangePlotApi : IPlotApi
    {
        public Task<SizeChartResult> RequestChartAsync(string bucketName, TimeSpan window, CancellationToken cancellationToken) =>
            Task.FromResult<SizeChartResult>(new StrangeResult(bucketName));
    }

    /// <summary>A history where another record always holds the asked millisecond.</summary>
    private sealed class AlwaysTakenHistory : IHistoryRepository
    {
        public int Attempts { get; private set; }

        public Task<AppendResult> AppendAsync(SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken)
        {
            Attempts++;
            return Task.FromResult(new AppendResult(AppendOutcome.TimeTaken, record));
        }

        public Task<SizeRecord?> GetLatestAsync(string bucketName, CancellationToken cancellationToken) => Task.FromResult<SizeRecord?>(null);

        public Task<IReadOnlyList<SizeRecord>> GetRangeAsync(string bucketName, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SizeRecord>>([]);

        public Task<SizeRecord?> GetLargestAsync(string bucketName, CancellationToken cancellationToken) => Task.FromResult<SizeRecord?>(null);

        public Task<IReadOnlyList<SizeRecord>> GetRecentAsync(string bucketName, TimeSpan window, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SizeRecord>>([]);

        public Task<IReadOnlyList<SizeSummary>> GetSummariesAsync(string bucketName, TimeSpan resolution, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SizeSummary>>([]);
    }
}
