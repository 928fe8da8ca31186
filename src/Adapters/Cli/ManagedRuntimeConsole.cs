using System.Globalization;
using System.Text;

namespace Assignment3.Cli;

/// <summary>
/// A console writer shaped as the one Lambda's managed .NET runtime installs as <see cref="Console.Out"/>: it holds the
/// headers of the invocation being served in a field of the same name, whose object has the same property names, so
/// a function invoked here finds its request id, trace id and deadline where it finds them on Lambda
/// (<c>ManagedRuntimeInvocation</c> in the Lambda host). Lines pass through unchanged.
/// </summary>
public sealed class ManagedRuntimeConsole(TextWriter inner) : TextWriter
{
    // The name is Amazon.Lambda.RuntimeSupport's (ConsoleLoggerWriter.WrapperTextWriter); it is what functions look for.
    private RuntimeApiHeaders? _currentRuntimeApiHeaders;

    /// <inheritdoc />
    public override Encoding Encoding => inner.Encoding;

    /// <summary>The headers of the invocation being served, or null between invocations (the runtime's name).</summary>
    public RuntimeApiHeaders? CurrentRuntimeApiHeaders => _currentRuntimeApiHeaders;

    /// <summary>
    /// Serves one invocation until the returned scope is disposed: a new request id in Lambda's form, the trace header
    /// of <c>_X_AMZN_TRACE_ID</c> when set, and <paramref name="deadline"/> (none: the function's timeout setting stands in).
    /// </summary>
    public IDisposable BeginInvocation(DateTimeOffset? deadline = null)
    {
        _currentRuntimeApiHeaders = new RuntimeApiHeaders(
            Guid.NewGuid().ToString("D"),
            Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"),
            deadline?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        return new EndInvocation(this);
    }

    /// <inheritdoc />
    public override void Write(char value) => inner.Write(value);

    /// <inheritdoc />
    public override void Write(string? value) => inner.Write(value);

    /// <inheritdoc />
    public override void WriteLine(string? value) => inner.WriteLine(value);

    /// <inheritdoc />
    public override void Flush() => inner.Flush();

    private sealed class EndInvocation(ManagedRuntimeConsole console) : IDisposable
    {
        public void Dispose() => console._currentRuntimeApiHeaders = null;
    }
}

/// <summary>The Runtime API headers of one invocation, named as the managed runtime names them.</summary>
/// <param name="AwsRequestId">Lambda's request id.</param>
/// <param name="TraceId">The X-Ray trace header, or null.</param>
/// <param name="DeadlineMs">The deadline in epoch milliseconds, as the header carries it, or null.</param>
public sealed record RuntimeApiHeaders(string AwsRequestId, string? TraceId, string? DeadlineMs);
