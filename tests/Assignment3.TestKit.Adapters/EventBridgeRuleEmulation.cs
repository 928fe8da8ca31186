using System.Text.Json;
using System.Threading.Channels;

namespace Assignment3.TestKit.Adapters;

/// <summary>
/// Plays the deployed EventBridge rule: S3 object events of one bucket, taken from the S3 emulator, delivered one at a
/// time to the size-tracking handler. Delivery errors are kept for the test to assert on.
/// </summary>
public sealed class EventBridgeRuleEmulation : IAsyncDisposable
{
    private readonly EmulatorFixture _emulators;
    private readonly string _bucket;
    private readonly Channel<string> _deliveries = Channel.CreateUnbounded<string>();
    private readonly Task _delivery;

    public EventBridgeRuleEmulation(EmulatorFixture emulators, string bucket, Func<Stream, Task<Stream>> target)
    {
        _emulators = emulators;
        _bucket = bucket;
        _delivery = Task.Run(async () =>
        {
            await foreach (var e in _deliveries.Reader.ReadAllAsync())
            {
                try
                {
                    await FunctionHarness.InvokeAsync(target, e);
                }
                catch (Exception ex)
                {
                    lock (Errors)
                    {
                        Errors.Add(ex);
                    }
                }
            }
        });
        emulators.S3EventReceived += Route;
    }

    public List<Exception> Errors { get; } = [];

    public async ValueTask DisposeAsync()
    {
        _emulators.S3EventReceived -= Route;
        _deliveries.Writer.TryComplete();
        await _delivery;
    }

    private void Route(string line)
    {
        var e = JsonDocument.Parse(line).RootElement;
        if (e.TryGetProperty("source", out var source) && source.GetString() == "aws.s3"
            && e.GetProperty("detail-type").GetString() is "Object Created" or "Object Deleted"
            && e.GetProperty("detail").GetProperty("bucket").GetProperty("name").GetString() == _bucket)
        {
            _deliveries.Writer.TryWrite(line);
        }
    }
}
