using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Assignment3.TestKit.Adapters;

/// <summary>One request that passed through a <see cref="FaultProxy"/>, and what the proxy answered.</summary>
public sealed class ProxiedRequest(string method, string path, string query, string? target, string? sdkRequest, string body)
{
    public string Method { get; } = method;

    public string Path { get; } = path;

    /// <summary>The query string without its leading '?'.</summary>
    public string Query { get; } = query;

    /// <summary>The <c>X-Amz-Target</c> header: the DynamoDB operation, e.g. <c>DynamoDB_20120810.TransactWriteItems</c>.</summary>
    public string? Target { get; } = target;

    /// <summary>The SDK's <c>amz-sdk-request</c> header (<c>attempt=N; max=M</c>).</summary>
    public string? SdkRequest { get; } = sdkRequest;

    public string Body { get; } = body;

    /// <summary>The status the client got, once answered.</summary>
    public int? Status { get; internal set; }
}

/// <summary>
/// A reverse proxy on 127.0.0.1 in front of one emulator, for making the failures AWS documents happen to the SDK:
/// a write that commits and is answered 500, throttling, a response held past the client's timeout, refused
/// connections. Requests are forwarded as they came (the Host header included, so signatures still match) and every
/// request is recorded. Faults apply to the requests their predicate matches, counted per fault.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private const string DynamoDbJson = "application/x-amz-json-1.0";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Host", "Expect", "Proxy-Connection", "Upgrade",
    };

    private readonly Uri _target;
    private readonly int _port;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly Lock _gate = new();
    private readonly List<Fault> _faults = [];
    private readonly List<ProxiedRequest> _requests = [];
    private readonly List<ProxiedRequest> _answeredByTarget = [];
    private readonly List<Waiter> _waiters = [];
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenSource _release = new();
    private HttpListener? _listener;
    private Task _loop = Task.CompletedTask;

    public FaultProxy(Uri target)
    {
        _target = target;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            _port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Endpoint = new Uri($"http://127.0.0.1:{_port}/");
        AcceptConnections();
    }

    public Uri Endpoint { get; }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ProxiedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Forwards the <paramref name="nth"/> matching request (so it commits) and answers it with DynamoDB's 500.</summary>
    public void CommitThenFail(int nth, Func<ProxiedRequest, bool>? match = null) => Add(new Fault(FaultKind.CommitThenFail, match, nth, TimeSpan.Zero, true));

    /// <summary>Answers the first <paramref name="count"/> matching requests with ProvisionedThroughputExceededException, unforwarded.</summary>
    public void Throttle(int count, Func<ProxiedRequest, bool>? match = null) =>
        Answer(count, 400, DynamoDbJson, ThrottleBody, match, ("x-amzn-ErrorType", "ProvisionedThroughputExceededException"));

    /// <summary>
    /// Answers the first <paramref name="count"/> matching requests, unforwarded, with a TransactionCanceledException
    /// whose cancellation reasons have the given codes (one per transaction item), as DynamoDB does when a transaction
    /// is throttled or conflicts with another.
    /// </summary>
    public void CancelTransaction(int count, string[] reasonCodes, Func<ProxiedRequest, bool>? match = null) =>
        Answer(count, 400, DynamoDbJson, CancellationBody(reasonCodes), match, ("x-amzn-ErrorType", "TransactionCanceledException"));

    /// <summary>
    /// Answers the first <paramref name="count"/> matching requests, unforwarded, with the given status, body and
    /// headers: any answer a service documents (an S3 DeleteObjects result listing per-key errors, say).
    /// </summary>
    public void Answer(int count, int status, string contentType, byte[] body, Func<ProxiedRequest, bool>? match = null, params (string Name, string Value)[] headers) =>
        Add(new Fault(FaultKind.Answer, match, count, TimeSpan.Zero, false) { Canned = (status, contentType, body, headers) });

    /// <summary>
    /// Holds the answers of the first <paramref name="count"/> matching requests for <paramref name="delay"/> (or until
    /// <see cref="Release"/>). With <paramref name="forwardFirst"/>, the target sees the request at once and only its
    /// answer is late; without, the request itself waits.
    /// </summary>
    public void HoldResponse(TimeSpan delay, int count, Func<ProxiedRequest, bool>? match = null, bool forwardFirst = true) =>
        Add(new Fault(FaultKind.Hold, match, count, delay, forwardFirst));

    /// <summary>Lets every held request go now.</summary>
    public void Release()
    {
        CancellationTokenSource released;
        lock (_gate)
        {
            released = _release;
            _release = new CancellationTokenSource();
        }

        released.Cancel();
        released.Dispose();
    }

    /// <summary>Closes the listening socket: new connections are refused, as by a host that is down.</summary>
    public void RefuseConnections()
    {
        HttpListener? listener;
        lock (_gate)
        {
            (listener, _listener) = (_listener, null);
        }

        listener?.Stop();
        listener?.Close();
    }

    /// <summary>Listens (again) on the same port.</summary>
    public void AcceptConnections()
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        listener.Start();
        lock (_gate)
        {
            _listener = listener;
        }

        var previous = _loop;
        _loop = Task.WhenAll(previous, Task.Run(() => ServeAsync(listener)));
    }

    /// <summary>Completes once <paramref name="count"/> matching requests have arrived.</summary>
    public Task WhenReceived(Func<ProxiedRequest, bool> match, int count) => Wait(match, count, answeredByTarget: false);

    /// <summary>Completes once the target has answered <paramref name="count"/> matching requests (held or not).</summary>
    public Task WhenAnswered(Func<ProxiedRequest, bool> match, int count) => Wait(match, count, answeredByTarget: true);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        RefuseConnections();
        Release();
        await _loop;
        _client.Dispose();
        _stopping.Dispose();
    }

    private void Add(Fault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    private Task Wait(Func<ProxiedRequest, bool> match, int count, bool answeredByTarget)
    {
        var waiter = new Waiter(match, count, answeredByTarget);
        lock (_gate)
        {
            _waiters.Add(waiter);
            Notify();
        }

        return waiter.Done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    // Under _gate.
    private void Notify()
    {
        foreach (var waiter in _waiters.Where(w => !w.Done.Task.IsCompleted))
        {
            var seen = waiter.AnsweredByTarget ? _answeredByTarget.Count(waiter.Match) : _requests.Count(waiter.Match);
            if (seen >= waiter.Count)
            {
                waiter.Done.TrySetResult();
            }
        }
    }

    private async Task ServeAsync(HttpListener listener)
    {
        var inFlight = new List<Task>();
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            inFlight.Add(Task.Run(() => AnswerAsync(context)));
            inFlight.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(inFlight);
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var request = new ProxiedRequest(
                context.Request.HttpMethod,
                context.Request.Url!.AbsolutePath,
                context.Request.Url.Query.TrimStart('?'),
                context.Request.Headers["X-Amz-Target"],
                context.Request.Headers["amz-sdk-request"],
                Encoding.UTF8.GetString(body.ToArray()));

            Fault? fault;
            CancellationToken released;
            lock (_gate)
            {
                _requests.Add(request);
                fault = _faults.FirstOrDefault(f => f.Claims(request));
                released = _release.Token;
                Notify();
            }

            using var hold = CancellationTokenSource.CreateLinkedTokenSource(released, _stopping.Token);
            if (fault is { Kind: FaultKind.Answer, Canned: var (status, contentType, cannedBody, cannedHeaders) })
            {
                await RespondAsync(context, request, status, contentType, cannedBody, cannedHeaders);
                return;
            }

            if (fault is { Kind: FaultKind.Hold, ForwardFirst: false })
            {
                await Delay(fault.Delay, hold.Token);
            }

            using var answer = await ForwardAsync(context, body.ToArray());
            var answerBody = await answer.Content.ReadAsByteArrayAsync();
            lock (_gate)
            {
                _answeredByTarget.Add(request);
                Notify();
            }

            if (fault is { Kind: FaultKind.CommitThenFail })
            {
                await RespondAsync(context, request, 500, DynamoDbJson, InternalErrorBody, [("x-amzn-ErrorType", "InternalServerError")]);
                return;
            }

            if (fault is { Kind: FaultKind.Hold, ForwardFirst: true })
            {
                await Delay(fault.Delay, hold.Token);
            }

            var headers = answer.Headers.Concat(answer.Content.Headers)
                .Where(h => !HopByHop.Contains(h.Key) && !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                .SelectMany(h => h.Value.Select(v => (h.Key, v)));
            // A HEAD answer has no body but tells the length of the one a GET would get (S3's HeadObject: the object's size).
            await RespondAsync(context, request, (int)answer.StatusCode, answer.Content.Headers.ContentType?.ToString(), answerBody, [.. headers],
                request.Method == "HEAD" ? answer.Content.Headers.ContentLength : null);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException
            or HttpRequestException or InvalidOperationException)
        {
            // The client gave up (its timeout) or the proxy is stopping: nothing to answer.
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken released)
    {
        try
        {
            await Task.Delay(delay, released);
        }
        catch (OperationCanceledException)
        {
            // Released early.
        }
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpListenerContext context, byte[] body)
    {
        var incoming = context.Request;
        using var outgoing = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), new Uri(_target, incoming.Url!.PathAndQuery));
        outgoing.Content = new ByteArrayContent(body);
        foreach (var name in incoming.Headers.AllKeys.OfType<string>())
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            var value = incoming.Headers[name]!;
            if (!outgoing.Headers.TryAddWithoutValidation(name, value))
            {
                outgoing.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        // The signature covers the Host the client addressed.
        outgoing.Headers.Host = incoming.Headers["Host"];
        return await _client.SendAsync(outgoing, _stopping.Token);
    }

    private async Task RespondAsync(HttpListenerContext context, ProxiedRequest request, int status, string? contentType, byte[] body,
        (string Name, string Value)[] headers, long? headContentLength = null)
    {
        lock (_gate)
        {
            request.Status = status;
        }

        var response = context.Response;
        response.StatusCode = status;
        if (contentType is not null)
        {
            response.ContentType = contentType;
        }

        foreach (var (name, value) in headers)
        {
            response.Headers.Add(name, value);
        }

        response.ContentLength64 = headContentLength ?? body.Length;
        await response.OutputStream.WriteAsync(body, _stopping.Token);
        response.Close();
    }

    private static readonly byte[] ThrottleBody = Encoding.UTF8.GetBytes(
        """{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."}""");

    private static readonly byte[] InternalErrorBody = Encoding.UTF8.GetBytes(
        """{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}""");

    private static byte[] CancellationBody(string[] codes) => Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["__type"] = "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        ["message"] = $"Transaction cancelled, please refer cancellation reasons for specific reasons [{string.Join(", ", codes)}]",
        ["CancellationReasons"] = codes.Select(code => code == "None"
            ? new Dictionary<string, string> { ["Code"] = code }
            : new Dictionary<string, string> { ["Code"] = code, ["Message"] = $"{code} (injected)" }).ToArray(),
    }));

    private enum FaultKind
    {
        CommitThenFail,
        Answer,
        Hold,
    }

    private sealed class Fault(FaultKind kind, Func<ProxiedRequest, bool>? match, int count, TimeSpan delay, bool forwardFirst)
    {
        private int _seen;

        public FaultKind Kind { get; } = kind;

        public TimeSpan Delay { get; } = delay;

        public bool ForwardFirst { get; } = forwardFirst;

        public (int Status, string ContentType, byte[] Body, (string Name, string Value)[] Headers) Canned { get; init; }

        // Under the proxy's gate: counts the request if it matches, and says whether this fault applies to it.
        public bool Claims(ProxiedRequest request)
        {
            if (match is not null && !match(request))
            {
                return false;
            }

            _seen++;
            return Kind == FaultKind.CommitThenFail ? _seen == count : _seen <= count;
        }
    }

    private sealed record Waiter(Func<ProxiedRequest, bool> Match, int Count, bool AnsweredByTarget)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
