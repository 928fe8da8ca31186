using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Assignment3.Adapters.Lambda.RuntimeApi;

/// <summary>
/// The four calls of the Lambda Runtime API (version 2018-06-01) over plain HTTP: next invocation, its response, its
/// error, and the initialization error.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    /// <summary>Where Lambda tells a custom runtime its Runtime API listens (<c>host:port</c>).</summary>
    public const string EndpointVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>The header naming the error's type on <c>/error</c> and <c>/init/error</c> posts.</summary>
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private readonly HttpClient _http;

    /// <summary>A client of the Runtime API at <paramref name="hostAndPort"/> (the value of <see cref="EndpointVariable"/>).</summary>
    public RuntimeApiClient(string hostAndPort)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostAndPort);
        _http = new HttpClient(new SocketsHttpHandler
        {
            // The API is on the local host: a proxy from the environment must never stand between them.
            UseProxy = false,
            // Lambda freezes the process between invocations; a connection thawed after minutes is still the one to use.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = new Uri($"http://{hostAndPort.Trim()}/2018-06-01/runtime/"),
            // "next" is a long poll that answers only when there is an event: it must never time out.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Waits for the next invocation (as long as it takes).</summary>
    public async Task<LambdaInvocation> NextAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync("invocation/next", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureAcceptedAsync(response, "invocation/next", cancellationToken);
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new RuntimeApiException(0, "Runtime.MissingRequestId", "the next invocation came without Lambda-Runtime-Aws-Request-Id");
        var deadline = InvocationContext.ParseDeadline(Header(response, "Lambda-Runtime-Deadline-Ms"));
        return new LambdaInvocation(requestId, deadline, Header(response, "Lambda-Runtime-Trace-Id"),
            Header(response, "Lambda-Runtime-Invoked-Function-Arn"), payload);
    }

    /// <summary>Posts the handler's output as the invocation's response.</summary>
    public async Task RespondAsync(string requestId, Stream body, CancellationToken cancellationToken = default)
    {
        var path = $"invocation/{Uri.EscapeDataString(requestId)}/response";
        using var content = new StreamContent(body);
        using var response = await _http.PostAsync(path, content, cancellationToken);
        await EnsureAcceptedAsync(response, path, cancellationToken);
    }

    /// <summary>Fails the invocation with <paramref name="error"/>.</summary>
    public Task ReportInvocationErrorAsync(string requestId, RuntimeErrorBody error, CancellationToken cancellationToken = default) =>
        PostErrorAsync($"invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    /// <summary>Tells Lambda the function could not start; the runtime exits after this.</summary>
    public Task ReportInitErrorAsync(RuntimeErrorBody error, CancellationToken cancellationToken = default) =>
        PostErrorAsync("init/error", error, cancellationToken);

    private async Task PostErrorAsync(string path, RuntimeErrorBody error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, RuntimeApiJsonContext.Default.RuntimeErrorBody));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.ErrorType);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureAcceptedAsync(response, path, cancellationToken);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    // Lambda answers a refusal with {"errorMessage", "errorType"}; both go into the exception so the log names them.
    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string? type = null, message = null;
        try
        {
            using var json = JsonDocument.Parse(text);
            type = json.RootElement.TryGetProperty("errorType", out var t) ? t.GetString() : null;
            message = json.RootElement.TryGetProperty("errorMessage", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            // Not Lambda's error shape: the raw text is the message.
        }

        throw new RuntimeApiException((int)response.StatusCode, type ?? $"Http{(int)response.StatusCode}",
            $"the Runtime API refused {path}: {(int)response.StatusCode} {message ?? text}");
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>The Runtime API refused a call (<see cref="StatusCode"/> 4xx: this call was wrong; 5xx: the environment is broken).</summary>
public sealed class RuntimeApiException(int statusCode, string errorType, string message) : Exception(message)
{
    /// <summary>The HTTP status of the refusal (0 when the answer itself was malformed).</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>Lambda's <c>errorType</c>, such as <c>RequestEntityTooLarge</c> or <c>InvalidRequestID</c>.</summary>
    public string ErrorType { get; } = errorType;
}
