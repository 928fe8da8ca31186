using System.Text;
using System.Text.Json;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.RuntimeApi;
using Microsoft.Extensions.Logging;

namespace Assignment3.Adapters.Tests;

/// <summary>The custom runtime's loop against the strict Runtime API stand-in. One class: the trace id is process-wide.</summary>
public sealed class LambdaRuntimeLoopTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly LocalRuntimeApi _api = new();
    private readonly StringWriter _log = new();
    private readonly CancellationTokenSource _stop = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _api.DisposeAsync();
        _stop.Dispose();
    }

    private Task<int> Run(Func<Stream, Task<Stream>> handler) => Run(() => handler);

    private Task<int> Run(Func<Func<Stream, Task<Stream>>> initialize) =>
        Task.Run(() => LambdaRuntimeLoop.RunAsync(initialize, new JsonLineLoggerProvider(_log).CreateLogger("runtime"), _api.HostAndPort, _stop.Token));

    private static Func<Stream, Task<Stream>> Echo(Func<string, string> change) => async input =>
        new MemoryStream(Encoding.UTF8.GetBytes(change(await new StreamReader(input).ReadToEndAsync())));

    [Fact]
    public async Task A_handler_response_is_posted_for_its_request_id()
    {
        var loop = Run(Echo(s => s.ToUpperInvariant()));
        var id = _api.Enqueue("""{"hello":"lambda"}""");

        var outcome = await _api.OutcomeAsync(id).WaitAsync(Patience);

        Assert.True(outcome.Succeeded);
        Assert.Equal("""{"HELLO":"LAMBDA"}""", outcome.Text);
        await _stop.CancelAsync();
        Assert.Equal(0, await loop.WaitAsync(Patience));
        Assert.Empty(_api.Refusals);
    }

    [Fact]
    public async Task A_handler_exception_is_posted_as_the_invocation_error_with_its_type()
    {
        _ = Run(_ => throw new InvalidDataException("the event has no bucket"));
        var id = _api.Enqueue("{}");

        var outcome = await _api.OutcomeAsync(id).WaitAsync(Patience);

        Assert.False(outcome.Succeeded);
        Assert.Equal("InvalidDataException", outcome.ErrorType);
        var body = JsonDocument.Parse(outcome.Body).RootElement;
        Assert.Equal("the event has no bucket", body.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidDataException", body.GetProperty("errorType").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("stackTrace").ValueKind);
    }

    [Fact]
    public async Task A_handler_that_cannot_be_built_is_reported_as_an_init_error_and_the_runtime_exits_non_zero()
    {
        var loop = Run(() => throw new InvalidOperationException("TABLE_NAME is not set"));

        var outcome = await _api.InitError.WaitAsync(Patience);

        Assert.Equal("InvalidOperationException", outcome.ErrorType);
        Assert.Equal("TABLE_NAME is not set", JsonDocument.Parse(outcome.Body).RootElement.GetProperty("errorMessage").GetString());
        Assert.NotEqual(0, await loop.WaitAsync(Patience));
        Assert.Contains("could not start", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_trace_id_is_set_for_each_invocation_and_cleared_when_an_invocation_has_none()
    {
        var seen = new List<string?>();
        _ = Run(input =>
        {
            seen.Add(Environment.GetEnvironmentVariable(LambdaRuntimeLoop.TraceIdVariable));
            return Task.FromResult<Stream>(new MemoryStream());
        });

        await _api.OutcomeAsync(_api.Enqueue("{}", traceId: "Root=1-aaaa;Sampled=1")).WaitAsync(Patience);
        await _api.OutcomeAsync(_api.Enqueue("{}", traceId: "Root=1-bbbb;Sampled=0")).WaitAsync(Patience);
        await _api.OutcomeAsync(_api.Enqueue("{}")).WaitAsync(Patience);

        Assert.Equal(["Root=1-aaaa;Sampled=1", "Root=1-bbbb;Sampled=0", null], seen);
    }

    [Fact]
    public async Task Every_line_logged_during_an_invocation_carries_its_request_id_and_trace_id_and_no_other()
    {
        var logger = new JsonLineLoggerProvider(_log).CreateLogger("function");
        _ = Run(async input =>
        {
            logger.LogInformation("handling {Payload}", await new StreamReader(input).ReadToEndAsync());
            await Task.Yield();
            logger.LogWarning("still handling");
            return new MemoryStream();
        });

        var traced = _api.Enqueue("first", traceId: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1");
        await _api.OutcomeAsync(traced).WaitAsync(Patience);
        var untraced = _api.Enqueue("second");
        await _api.OutcomeAsync(untraced).WaitAsync(Patience);

        var lines = _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("category").GetString() == "function").ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines.Take(2), l => Assert.Equal(traced, l.GetProperty("requestId").GetString()));
        Assert.All(lines.Take(2), l => Assert.Equal("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1", l.GetProperty("traceId").GetString()));
        Assert.All(lines.Skip(2), l => Assert.Equal(untraced, l.GetProperty("requestId").GetString()));
        Assert.All(lines.Skip(2), l => Assert.False(l.TryGetProperty("traceId", out _)));
        // The runtime's own line before any invocation belongs to none.
        var started = JsonDocument.Parse(_log.ToString().Split('\n')[0]).RootElement;
        Assert.False(started.TryGetProperty("requestId", out _));
        Assert.Null(InvocationContext.Current);
    }

    [Fact]
    public async Task The_deadline_is_the_runtime_apis_header_not_the_timeout_setting()
    {
        // The setting says 900 s; Lambda says this invocation ends in 8 s (a timeout changed in the console, say).
        using var host = new FunctionHost("test", new FunctionSettings(name => name == "FUNCTION_TIMEOUT_SECONDS" ? "900" : null), _log, _ => { });
        var budgets = new List<TimeSpan?>();
        _ = Run(input =>
        {
            budgets.Add(host.InvocationBudget());
            return Task.FromResult<Stream>(new MemoryStream());
        });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _api.OutcomeAsync(_api.Enqueue("{}", timeout: TimeSpan.FromSeconds(8))).WaitAsync(Patience);
        var passed = clock.Elapsed;

        var budget = Assert.Single(budgets)!.Value;
        // 8 s less a tenth for the margin, less what passed between the header and the handler (at most all of it).
        var full = FunctionSettings.ShyOf(TimeSpan.FromSeconds(8));
        Assert.InRange(budget, full - passed - TimeSpan.FromMilliseconds(1), full);
        Assert.Equal(TimeSpan.FromSeconds(895), host.InvocationBudget());
    }

    [Fact]
    public async Task An_error_report_lambda_refuses_is_logged_and_the_loop_serves_the_next_invocation()
    {
        _ = Run(async input =>
        {
            var text = await new StreamReader(input).ReadToEndAsync();
            if (text == "slow")
            {
                // Still failing when Lambda has already ended the invocation: the /error post is refused (403).
                await Task.Delay(TimeSpan.FromMilliseconds(600));
                throw new TimeoutException("the dependency never answered");
            }

            return new MemoryStream(Encoding.UTF8.GetBytes("fast"));
        });

        var slow = await _api.OutcomeAsync(_api.Enqueue("slow", timeout: TimeSpan.FromMilliseconds(200))).WaitAsync(Patience);
        var fast = await _api.OutcomeAsync(_api.Enqueue("fast")).WaitAsync(Patience);

        Assert.Equal(LocalRuntimeApi.TimedOut, slow.ErrorType);
        Assert.Equal("fast", fast.Text);
        var refused = Assert.Single(_api.Refusals);
        Assert.Equal((403, "InvalidStateTransition"), (refused.Status, refused.ErrorType));
        Assert.EndsWith("/error", refused.Path, StringComparison.Ordinal);
        var line = _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.GetProperty("level").GetString() == "ERROR");
        Assert.Contains("error report", line.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(slow.RequestId, line.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Several_invocations_in_a_row_are_each_answered_once_in_order()
    {
        _ = Run(Echo(s => $"seen {s}"));
        var ids = Enumerable.Range(1, 5).Select(i => _api.Enqueue(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        var outcomes = await Task.WhenAll(ids.Select(_api.OutcomeAsync)).WaitAsync(Patience);

        Assert.Equal(["seen 1", "seen 2", "seen 3", "seen 4", "seen 5"], outcomes.Select(o => o.Text));
        Assert.True(outcomes.Zip(outcomes.Skip(1)).All(pair => pair.First.ReceivedAt < pair.Second.ReceivedAt));
        Assert.Empty(_api.Refusals);
    }

    [Fact]
    public async Task A_response_over_lambdas_limit_fails_the_invocation_as_lambda_does_and_the_loop_goes_on_without_answering_again()
    {
        _ = Run(async input =>
        {
            var text = await new StreamReader(input).ReadToEndAsync();
            return new MemoryStream(text == "big" ? new byte[LocalRuntimeApi.MaxResponseBytes + 1] : Encoding.UTF8.GetBytes("small"));
        });

        var big = await _api.OutcomeAsync(_api.Enqueue("big")).WaitAsync(Patience);
        var small = await _api.OutcomeAsync(_api.Enqueue("small")).WaitAsync(Patience);

        Assert.False(big.Succeeded);
        Assert.Equal(LocalRuntimeApi.ResponseTooLarge, big.ErrorType);
        Assert.Contains("RequestEntityTooLarge", _log.ToString(), StringComparison.Ordinal);
        // Only the 413: no error was posted for an invocation Lambda had already failed.
        Assert.Equal(413, Assert.Single(_api.Refusals).Status);
        Assert.Equal("small", small.Text);
    }

    [Fact]
    public async Task Without_the_runtime_api_setting_the_loop_refuses_to_start()
    {
        var code = await LambdaRuntimeLoop.RunAsync(() => Echo(s => s), new JsonLineLoggerProvider(_log).CreateLogger("runtime"), runtimeApi: " ");

        Assert.Equal(2, code);
        Assert.Contains(RuntimeApiClient.EndpointVariable, _log.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>The stand-in refuses what Lambda refuses, so the loop's tests mean something.</summary>
public sealed class LocalRuntimeApiTests : IAsyncLifetime
{
    private readonly LocalRuntimeApi _api = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<(int Status, string? ErrorType)> Post(string path, string body = "{}")
    {
        using var response = await _http.PostAsync(_api.Url(path), new StringContent(body));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.TryGetProperty("errorType", out var type) ? type.GetString() : null);
    }

    [Fact]
    public async Task Unknown_paths_are_404_and_wrong_methods_405()
    {
        using var unknown = await _http.GetAsync(_api.Url("invocation/next/extra"));
        using var wrongMethod = await _http.PostAsync(_api.Url("invocation/next"), new StringContent(""));
        using var getResponse = await _http.GetAsync(_api.Url("invocation/x/response"));

        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal(405, (int)wrongMethod.StatusCode);
        Assert.Equal(405, (int)getResponse.StatusCode);
    }

    [Fact]
    public async Task A_response_for_an_unknown_or_undelivered_id_is_invalid_and_a_second_answer_is_refused()
    {
        var id = _api.Enqueue("{}");

        Assert.Equal((400, "InvalidRequestID"), await Post("invocation/nobody/response"));
        Assert.Equal((400, "InvalidRequestID"), await Post($"invocation/{id}/response"));
        using var next = await _http.GetAsync(_api.Url("invocation/next"));
        Assert.Equal(id, next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single());
        Assert.Equal(202, (await Post($"invocation/{id}/response")).Status);
        Assert.Equal((403, "InvalidStateTransition"), await Post($"invocation/{id}/error"));
        Assert.True((await _api.OutcomeAsync(id)).Succeeded);
    }

    [Fact]
    public async Task The_next_invocation_is_refused_while_the_current_one_is_unanswered_and_the_init_error_after_init()
    {
        var id = _api.Enqueue("{}");
        using var first = await _http.GetAsync(_api.Url("invocation/next"));
        using var early = await _http.GetAsync(_api.Url("invocation/next"));

        Assert.Equal(403, (int)early.StatusCode);
        Assert.Equal((403, "InvalidStateTransition"), await Post("init/error"));
        Assert.Equal(202, (await Post($"invocation/{id}/response")).Status);
    }

    [Fact]
    public async Task A_response_just_over_the_limit_is_refused_and_one_at_the_limit_accepted()
    {
        var (over, at) = (_api.Enqueue("{}"), _api.Enqueue("{}"));
        using var _ = await _http.GetAsync(_api.Url("invocation/next"));
        Assert.Equal((413, "RequestEntityTooLarge"), await Post($"invocation/{over}/response", new string('x', LocalRuntimeApi.MaxResponseBytes + 1)));
        Assert.Equal((403, "InvalidStateTransition"), await Post($"invocation/{over}/error"));
        using var __ = await _http.GetAsync(_api.Url("invocation/next"));

        Assert.Equal(202, (await Post($"invocation/{at}/response", new string('x', LocalRuntimeApi.MaxResponseBytes))).Status);
        Assert.Equal(LocalRuntimeApi.ResponseTooLarge, (await _api.OutcomeAsync(over)).ErrorType);
    }

    [Fact]
    public async Task The_init_error_is_recorded_once()
    {
        Assert.Equal(202, (await Post("init/error", """{"errorMessage":"m","errorType":"T","stackTrace":[]}""")).Status);
        Assert.Equal((403, "InvalidStateTransition"), await Post("init/error"));
        Assert.Contains("\"T\"", (await _api.InitError).Text, StringComparison.Ordinal);
    }
}
