using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Assignment3.Adapters.PlotApi;
using Assignment3.Catalog;

namespace Assignment3.TestKit.Adapters;

/// <summary>The credentials and scope a request must be signed with.</summary>
public sealed record SigningExpectation(string AccessKeyId, string SecretAccessKey, string? SessionToken, string Region, string Service = "execute-api")
{
    /// <summary>The session credentials every emulator test uses.</summary>
    public static SigningExpectation EmulatorSession { get; } =
        new(EmulatorFixture.AccessKeyId, EmulatorFixture.SecretAccessKey, EmulatorFixture.SessionToken, EmulatorFixture.Region);
}

/// <summary>
/// A stand-in for the REST API on 127.0.0.1: POST /prod/plot becomes an API Gateway proxy event for the handler,
/// and the handler's proxy response becomes the HTTP response. Like IAM authorization, it checks each request's
/// SigV4 signature — recomputed by <c>scripts/verify-sigv4.js</c>, an implementation other than the client's —
/// against the expected credentials, scope and session token, and answers 403 with API Gateway's message otherwise.
/// Then, like the method's request validator, it checks a JSON body (a request without a Content-Type is taken as
/// JSON) against the request model the stack deploys and answers 400 "Invalid request body" without calling the
/// handler when it does not conform.
/// </summary>
public sealed class LocalApiGateway : IAsyncDisposable
{
    private readonly Func<Stream, Task<Stream>> _handler;
    private readonly LoopbackHttpServer _server;
    private readonly Process _verifier;
    private readonly SemaphoreSlim _verifierGate = new(1, 1);
    private readonly ApiGatewayModel _model;

    /// <param name="handler">The plotting function's handler.</param>
    /// <param name="expected">The credentials requests must be signed with.</param>
    /// <param name="model">The request model; by default the one the stack deploys (<see cref="ApiGatewayModel.PlotRequest"/>).</param>
    public LocalApiGateway(Func<Stream, Task<Stream>> handler, SigningExpectation? expected = null, ApiGatewayModel? model = null)
    {
        _handler = handler;
        _model = model ?? ApiGatewayModel.PlotRequest();
        _verifier = StartVerifier(expected ?? SigningExpectation.EmulatorSession);
        _server = new LoopbackHttpServer(AnswerAsync, concurrent: false);
        Url = new Uri($"http://{_server.HostAndPort}/prod/plot");
    }

    public Uri Url { get; }

    public List<string> Authorizations { get; } = [];

    /// <summary>Every refusal's message, in order.</summary>
    public List<string> Refusals { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _verifier.StandardInput.Close();
        await _verifier.WaitForExitAsync();
        _verifier.Dispose();
        _verifierGate.Dispose();
    }

    private static Process StartVerifier(SigningExpectation expected)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = TestPaths.RepositoryRoot(),
        };
        start.ArgumentList.Add(Path.Combine("scripts", "verify-sigv4.js"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started");
        process.StandardInput.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["accessKeyId"] = expected.AccessKeyId,
            ["secretAccessKey"] = expected.SecretAccessKey,
            ["sessionToken"] = expected.SessionToken,
            ["region"] = expected.Region,
            ["service"] = expected.Service,
        }));
        var ready = process.StandardOutput.ReadLine();
        if (ready is null || !JsonDocument.Parse(ready).RootElement.GetProperty("ok").GetBoolean())
        {
            throw new InvalidOperationException($"scripts/verify-sigv4.js did not start: {ready} (did `npm ci` run?)");
        }

        return process;
    }

    /// <summary>Null when the signature holds, else API Gateway's message.</summary>
    private async Task<string?> VerifyAsync(HttpListenerRequest request, byte[] body)
    {
        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["method"] = request.HttpMethod,
            ["path"] = request.Url!.AbsolutePath,
            ["query"] = request.Url.Query.TrimStart('?'),
            ["headers"] = request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => request.Headers[k]!),
            ["body"] = Convert.ToBase64String(body),
        });
        await _verifierGate.WaitAsync();
        try
        {
            await _verifier.StandardInput.WriteLineAsync(line);
            await _verifier.StandardInput.FlushAsync();
            var answer = JsonDocument.Parse(await _verifier.StandardOutput.ReadLineAsync()
                ?? throw new InvalidOperationException("the SigV4 verifier stopped")).RootElement;
            return answer.GetProperty("ok").GetBoolean() ? null : answer.GetProperty("message").GetString();
        }
        finally
        {
            _verifierGate.Release();
        }
    }

    // The model is declared for application/json; API Gateway takes a request without a Content-Type as that.
    private static bool IsJson(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType)
        || string.Equals(contentType.Split(';')[0].Trim(), PlotApiModel.ContentType, StringComparison.OrdinalIgnoreCase);

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var authorization = context.Request.Headers["Authorization"] ?? "";
        lock (Authorizations)
        {
            Authorizations.Add(authorization);
        }

        using var buffer = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(buffer);
        var requestBody = buffer.ToArray();
        int status;
        string body;
        if (await VerifyAsync(context.Request, requestBody) is { } refusal)
        {
            lock (Refusals)
            {
                Refusals.Add(refusal);
            }

            (status, body) = (403, JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = refusal }));
        }
        else if (IsJson(context.Request.ContentType) && _model.Validate(requestBody) is { Count: > 0 } problems)
        {
            lock (Refusals)
            {
                Refusals.AddRange(problems);
            }

            context.Response.Headers["x-amzn-ErrorType"] = "BadRequestException";
            (status, body) = (400, JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = ApiGatewayModel.InvalidBodyMessage }));
        }
        else
        {
            var proxy = new ApiGatewayProxyRequest
            {
                Resource = "/plot",
                Path = context.Request.Url!.AbsolutePath,
                HttpMethod = context.Request.HttpMethod,
                Body = Encoding.UTF8.GetString(requestBody),
                Headers = context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!),
                // As API Gateway: the query string's parameters (the last of a repeated name), or none at all. The
                // model does not check them; the function must.
                QueryStringParameters = context.Request.QueryString.Count == 0 ? null
                    : context.Request.QueryString.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.QueryString.GetValues(k)![^1]),
            };
            using var input = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(proxy, PlotApiJsonContext.Default.ApiGatewayProxyRequest));
            await using var output = await _handler(input);
            var response = (await JsonSerializer.DeserializeAsync(output, PlotApiJsonContext.Default.ApiGatewayProxyResponse))!;
            (status, body) = (response.StatusCode, response.Body);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
