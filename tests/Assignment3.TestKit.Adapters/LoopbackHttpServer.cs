using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Assignment3.TestKit.Adapters;

/// <summary>
/// An <see cref="HttpListener"/> on 127.0.0.1 at a free port that hands every request to the stand-in it serves:
/// one at a time, or each at once where a request may wait for another (the Runtime API's long-polled <c>next</c>).
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    // A port found free may be taken by another process before the listener binds it: try another, a few times.
    private const int BindAttempts = 10;

    private readonly HttpListener _listener;
    private readonly ConcurrentBag<Task> _inFlight = [];
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> answer, bool concurrent)
    {
        (_listener, Port) = Bind();
        _loop = Task.Run(() => ServeAsync(answer, concurrent));
    }

    public int Port { get; }

    public string HostAndPort => $"127.0.0.1:{Port}";

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
        await Task.WhenAll(_inFlight);
        _listener.Close();
    }

    private static (HttpListener Listener, int Port) Bind()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < BindAttempts)
            {
                listener.Close();
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync(Func<HttpListenerContext, Task> answer, bool concurrent)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (concurrent)
            {
                _inFlight.Add(Task.Run(() => answer(context)));
            }
            else
            {
                await answer(context);
            }
        }
    }
}
