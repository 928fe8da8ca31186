using Assignment3.Domain.Pipeline;
using Assignment3.Domain.UseCases;
using MediatR;
using Microsoft.Extensions.Logging;

namespace Assignment3.Domain.Tests;

public sealed class PipelineTests
{
    private sealed record Unhandled : IRequest<int>;

    [Fact]
    public async Task A_request_without_a_handler_fails_loudly()
    {
        using var harness = new DomainHarness();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Send(new Unhandled()));

        Assert.Contains(nameof(Unhandled), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_handled_request_is_logged_with_its_name()
    {
        using var harness = new DomainHarness(trackChanges: false);

        await harness.Send(new RecordBucketSize("data-bucket"));

        Assert.Contains(harness.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("RecordBucketSize handled in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_request_is_logged_as_a_warning_naming_the_field()
    {
        using var harness = new DomainHarness(trackChanges: false);

        await Assert.ThrowsAsync<RequestValidationException>(() => harness.Send(new RenderSizeChart("BAD")));

        var entry = Assert.Single(harness.Logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("BucketName", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_handler_is_logged_as_an_error_and_the_error_reaches_the_caller()
    {
        using var harness = new DomainHarness(trackChanges: false,
            demo: new DemoSettings(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)));

        await Assert.ThrowsAsync<DemoStepTimeoutException>(() => harness.Send(new RunDemo("data-bucket")));

        Assert.Contains(harness.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.StartsWith("RunDemo failed", StringComparison.Ordinal));
    }
}
