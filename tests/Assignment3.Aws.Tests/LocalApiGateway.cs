using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Assignment3.Adapters.Lambda.Contracts;

namespace Assignment3.Aws.Tests;

/// <summary>
/// A stand-in for the REST API on 127.0.0.1: POST /prod/plot becomes an API Gateway proxy event for the handler,
/// and the handler's proxy response becomes the HTTP response. Like IAM authorization, it refuses requests without
/// a SigV4 signature for execute-api.
/// </summary>
public sealed class LocalApiGateway : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<Stream, Task<Stream>> _handler;
    private readonly Task _loop;

    public LocalApiGateway(Func<Stream, Task<Stream>> handler)
    {
        _handler = handler;
        var port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{port}/prod/plot");
        _loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public List<string> Authorizations { get; } = [];

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
        _listener.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            await AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var authorization = context.Request.Headers["Authorization"] ?? "";
        lock (Authorizations)
        {
            Authorizations.Add(authorization);
        }

        int status;
        string body;
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal)
            || !authorization.Contains("/execute-api/aws4_request", StringComparison.Ordinal)
            || context.Request.Headers["X-Amz-Date"] is null)
        {
            (status, body) = (403, """{"message":"Missing Authentication Token"}""");
        }
        else
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var proxy = new ApiGatewayProxyRequest
            {
                Resource = "/plot",
                Path = context.Request.Url!.AbsolutePath,
                HttpMethod = context.Request.HttpMethod,
                Body = await reader.ReadToEndAsync(),
                Headers = context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!),
            };
            using var input = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(proxy, LambdaJsonContext.Default.ApiGatewayProxyRequest));
            await using var output = await _handler(input);
            var response = (await JsonSerializer.DeserializeAsync(output, LambdaJsonContext.Default.ApiGatewayProxyResponse))!;
            (status, body) = (response.StatusCode, response.Body);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
