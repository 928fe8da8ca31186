using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Assignment3.TestKit.Adapters;

/// <summary>What became of one queued invocation: its response, or the error the runtime reported.</summary>
/// <param name="RequestId">The invocation.</param>
/// <param name="Succeeded">True for a <c>/response</c>, false for an <c>/error</c>.</param>
/// <param name="Body">The response's bytes, or the error's JSON.</param>
/// <param name="ErrorType">The <c>Lambda-Runtime-Function-Error-Type</c> header of an error, else null.</param>
/// <param name="ReceivedAt">When the post arrived (<see cref="Stopwatch.GetTimestamp"/>), for timing a process from outside.</param>
public sealed record RuntimeApiOutcome(string RequestId, bool Succeeded, byte[] Body, string? ErrorType, long ReceivedAt)
{
    /// <summary>The body as text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>A call the stand-in refused, as Lambda would have.</summary>
public sealed record RuntimeApiRefusal(string Method, string Path, int Status, string ErrorType);

/// <summary>
/// A stand-in for the Lambda Runtime API (2018-06-01) on 127.0.0.1, as strict as Lambda: <c>next</c> long-polls until an
/// event is queued, and is refused (403) while the last invocation is unanswered; a response or error is accepted once
/// per delivered request id (an unknown id is 400 <c>InvalidRequestID</c>, a second answer 403
/// <c>InvalidStateTransition</c>); an invocation still unanswered at its deadline (<c>Lambda-Runtime-Deadline-Ms</c>, sent
/// with every event) has timed out as on Lambda, with <see cref="TimedOut"/>, and a later answer to it is refused (403);
/// a response over 6 MiB + 100 bytes is 413 <c>RequestEntityTooLarge</c> and fails the
/// invocation with <see cref="ResponseTooLarge"/>, so a later error for it is refused too; other paths are 404, other
/// methods 405; <c>/init/error</c> is recorded once, and refused after the first <c>next</c>. The error types and
/// limits are those of AWS's runtime interface emulator.
/// </summary>
public sealed class LocalRuntimeApi : IAsyncDisposable
{
    /// <summary>Lambda's limit on a synchronous response: "6 MB" is 6 MiB and 100 bytes (6,291,556).</summary>
    public const int MaxResponseBytes = (6 * 1024 * 1024) + 100;

    /// <summary>The error type Lambda gives an invocation that ran past its deadline.</summary>
    public const string TimedOut = "Sandbox.Timedout";

    /// <summary>The error type Lambda gives an invocation whose response was too large.</summary>
    public const string ResponseTooLarge = "Function.ResponseSizeTooLarge";

    private const string Prefix = "/2018-06-01/runtime/";

    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<Queued> _queue = Channel.CreateUnbounded<Queued>();
    private readonly ConcurrentDictionary<string, Invocation> _invocations = new();
    private readonly ConcurrentQueue<RuntimeApiRefusal> _refusals = new();
    private readonly TaskCompletionSource<RuntimeApiOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LoopbackHttpServer _server;
    private int _nextId;
    private int _nextCalled;

    public LocalRuntimeApi()
    {
        // Concurrently: "next" holds its request open until an event is queued.
        _server = new LoopbackHttpServer(AnswerAsync, concurrent: true);
        HostAndPort = _server.HostAndPort;
    }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string HostAndPort { get; }

    /// <summary>Every refused call, in order.</summary>
    public IReadOnlyList<RuntimeApiRefusal> Refusals => [.. _refusals];

    /// <summary>Completes when the runtime posts <c>/init/error</c>.</summary>
    public Task<RuntimeApiOutcome> InitError => _initError.Task;

    /// <summary>Queues an event for the next <c>next</c> call; returns its request id.</summary>
    public string Enqueue(string payload, string? traceId = null, TimeSpan? timeout = null)
    {
        var id = $"req-{Interlocked.Increment(ref _nextId):D4}-{Guid.NewGuid():N}";
        var invocation = new Invocation();
        _invocations[id] = invocation;
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        _queue.Writer.TryWrite(new Queued(id, Encoding.UTF8.GetBytes(payload), traceId, deadline));
        return id;
    }

    /// <summary>Completes when the runtime answers <paramref name="requestId"/> (response or error).</summary>
    public Task<RuntimeApiOutcome> OutcomeAsync(string requestId) => _invocations[requestId].Outcome.Task;

    /// <summary>The URL of a path under <c>/2018-06-01/runtime/</c>, for calling the stand-in directly.</summary>
    public Uri Url(string pathUnderRuntime) => new($"http://{HostAndPort}{Prefix}{pathUnderRuntime}");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _server.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var received = Stopwatch.GetTimestamp();
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        try
        {
            var route = path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..].Split('/') : [];
            switch (route)
            {
                case ["invocation", "next"]:
                    if (Allowed(context, "GET"))
                    {
                        await DeliverNextAsync(context);
                    }

                    break;
                case ["invocation", var id, var kind] when kind is "response" or "error":
                    if (Allowed(context, "POST"))
                    {
                        await AcceptAnswerAsync(context, Uri.UnescapeDataString(id), kind == "response", received);
                    }

                    break;
                case ["init", "error"]:
                    if (Allowed(context, "POST"))
                    {
                        var body = await ReadBodyAsync(request, int.MaxValue);
                        if (Volatile.Read(ref _nextCalled) == 1)
                        {
                            // Init is over once the runtime asked for its first invocation.
                            Refuse(context, 403, "InvalidStateTransition", "State transition from Ready to InitError failed");
                        }
                        else if (_initError.TrySetResult(new RuntimeApiOutcome("init", false, body!, request.Headers["Lambda-Runtime-Function-Error-Type"], received)))
                        {
                            Answer(context, 202, """{"status":"OK"}""");
                        }
                        else
                        {
                            Refuse(context, 403, "InvalidStateTransition", "the init error was reported already");
                        }
                    }

                    break;
                default:
                    Refuse(context, 404, "NotFound", $"no such path: {path}");
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The stand-in is stopping, or the runtime went away mid-call.
            context.Response.Abort();
        }
    }

    private bool Allowed(HttpListenerContext context, string method)
    {
        if (context.Request.HttpMethod == method)
        {
            return true;
        }

        Refuse(context, 405, "MethodNotAllowed", $"{context.Request.HttpMethod} is not allowed here, only {method}");
        return false;
    }

    private async Task DeliverNextAsync(HttpListenerContext context)
    {
        // One invocation at a time: asking for the next one before answering the last is refused.
        if (_invocations.Values.Any(i => i.Delivered && !i.Outcome.Task.IsCompleted))
        {
            Refuse(context, 403, "InvalidStateTransition", "State transition from Running to Ready failed: the current invocation is unanswered");
            return;
        }

        Interlocked.Exchange(ref _nextCalled, 1);
        var next = await _queue.Reader.ReadAsync(_stopping.Token);
        var invocation = _invocations[next.Id];
        invocation.Delivered = true;
        // At the deadline Lambda ends the invocation, whatever the runtime is doing; an answer after that is refused.
        _ = Task.Delay(Max(next.Deadline - DateTimeOffset.UtcNow, TimeSpan.Zero), _stopping.Token).ContinueWith(
            _ => invocation.Outcome.TrySetResult(new RuntimeApiOutcome(next.Id, false,
                Encoding.UTF8.GetBytes($"Task timed out at its deadline {next.Deadline:O}"), TimedOut, Stopwatch.GetTimestamp())),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = next.Id;
        headers["Lambda-Runtime-Deadline-Ms"] = next.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:111122223333:function:local";
        if (next.TraceId is not null)
        {
            headers["Lambda-Runtime-Trace-Id"] = next.TraceId;
        }

        Answer(context, 200, next.Payload);
    }

    private async Task AcceptAnswerAsync(HttpListenerContext context, string id, bool isResponse, long received)
    {
        if (!_invocations.TryGetValue(id, out var invocation) || !invocation.Delivered)
        {
            await ReadBodyAsync(context.Request, int.MaxValue);
            Refuse(context, 400, "InvalidRequestID", "Invalid request ID");
            return;
        }

        var body = await ReadBodyAsync(context.Request, isResponse ? MaxResponseBytes : int.MaxValue);
        if (body is null)
        {
            // As Lambda does: the invocation fails right here, and any later answer to it is refused.
            var message = $"Response payload size exceeded maximum allowed payload size ({MaxResponseBytes} bytes).";
            if (invocation.Outcome.TrySetResult(new RuntimeApiOutcome(id, false, Encoding.UTF8.GetBytes(message), ResponseTooLarge, received)))
            {
                Refuse(context, 413, "RequestEntityTooLarge", message);
            }
            else
            {
                Refuse(context, 403, "InvalidStateTransition", $"invocation {id} is over: it was answered already or ran past its deadline");
            }

            return;
        }

        var outcome = new RuntimeApiOutcome(id, isResponse, body, isResponse ? null : context.Request.Headers["Lambda-Runtime-Function-Error-Type"], received);
        if (!invocation.Outcome.TrySetResult(outcome))
        {
            Refuse(context, 403, "InvalidStateTransition", $"invocation {id} is over: it was answered already or ran past its deadline");
            return;
        }

        Answer(context, 202, """{"status":"OK"}""");
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> (read to the end all the same).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpListenerRequest request, int limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await request.InputStream.ReadAsync(chunk)) > 0)
        {
            total += read;
            if (total <= limit)
            {
                buffer.Write(chunk, 0, read);
            }
        }

        return total <= limit ? buffer.ToArray() : null;
    }

    private void Refuse(HttpListenerContext context, int status, string errorType, string message)
    {
        _refusals.Enqueue(new RuntimeApiRefusal(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, status, errorType));
        Answer(context, status, JsonSerializer.Serialize(new Dictionary<string, string> { ["errorMessage"] = message, ["errorType"] = errorType }));
    }

    private static void Answer(HttpListenerContext context, int status, string json)
    {
        context.Response.ContentType = "application/json";
        Answer(context, status, Encoding.UTF8.GetBytes(json));
    }

    private static void Answer(HttpListenerContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength64 = body.Length;
        context.Response.OutputStream.Write(body);
        context.Response.Close();
    }

    private sealed record Queued(string Id, byte[] Payload, string? TraceId, DateTimeOffset Deadline);

    private sealed class Invocation
    {
        public volatile bool Delivered;

        public TaskCompletionSource<RuntimeApiOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
