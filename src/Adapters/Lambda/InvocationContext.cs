using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace Assignment3.Adapters.Lambda;

/// <summary>
/// The invocation being served: Lambda's request id, the X-Ray trace header and the moment Lambda ends the invocation.
/// Every log line and metric line written during it carries the ids, and the function's deadline is taken from it.
/// </summary>
/// <param name="RequestId">Lambda's request id (<c>Lambda-Runtime-Aws-Request-Id</c>).</param>
/// <param name="TraceId">The X-Ray trace header (<c>Lambda-Runtime-Trace-Id</c>), or null when the invocation is not traced.</param>
/// <param name="Deadline">When Lambda stops the invocation (<c>Lambda-Runtime-Deadline-Ms</c>), or null when nobody said.</param>
public sealed record InvocationContext(string RequestId, string? TraceId, DateTimeOffset? Deadline)
{
    private static readonly AsyncLocal<InvocationContext?> Ambient = new();

    /// <summary>
    /// The invocation this code runs in: the one the native Runtime API loop (or a test) began, else the one Lambda's
    /// managed runtime is serving (see <see cref="ManagedRuntimeInvocation"/>), else null (a local run).
    /// </summary>
    public static InvocationContext? Current => Ambient.Value ?? ManagedRuntimeInvocation.Read();

    /// <summary>Makes <paramref name="context"/> current for this async flow until the returned scope is disposed.</summary>
    public static IDisposable Begin(InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = Ambient.Value;
        Ambient.Value = context;
        return new Restore(previous);
    }

    /// <summary>The deadline's header value (epoch milliseconds) as a time; null when absent or not a number.</summary>
    public static DateTimeOffset? ParseDeadline(string? epochMilliseconds) =>
        long.TryParse(epochMilliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    private sealed class Restore(InvocationContext? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>
/// What Lambda's managed .NET runtime knows of the invocation it is serving, for a handler that takes a Stream and no
/// <c>ILambdaContext</c> (the Amazon.Lambda packages are not used here). Amazon.Lambda.RuntimeSupport publishes only the
/// trace header, in <c>_X_AMZN_TRACE_ID</c>; the request id and the deadline it keeps with the writer it installs as
/// <see cref="Console.Out"/> (<c>LogLevelLoggerWriter.WrapperTextWriter</c>): its property <c>CurrentRuntimeApiHeaders</c>
/// (every version), backed since October 2025 by the field <c>_currentRuntimeApiHeaders</c>, or
/// <c>_currentRuntimeApiHeadersStorage</c> when one process serves several invocations at once; the headers object has
/// <c>AwsRequestId</c>, <c>TraceId</c> and <c>DeadlineMs</c>. Those are read here by name, the property first, and
/// nothing else of it: a runtime whose writer looks otherwise yields null (the function host then says so once), and
/// the CLI's invoker installs a writer of this shape, so a local invocation has ids too. docs/decisions.md says why
/// this is worth its fragility.
/// </summary>
public static class ManagedRuntimeInvocation
{
    /// <summary>The property holding the headers of the invocation being served.</summary>
    public const string HeadersProperty = "CurrentRuntimeApiHeaders";

    /// <summary>The field behind it in the runtime's current versions.</summary>
    public const string HeadersField = "_currentRuntimeApiHeaders";

    /// <summary>The same, as an <c>AsyncLocal</c>, in a runtime serving several invocations at once.</summary>
    public const string ConcurrentHeadersField = "_currentRuntimeApiHeadersStorage";

    /// <summary>Where Lambda's runtimes put the trace header of the invocation being served.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>The managed runtime's current invocation, or null where there is none to be found.</summary>
    public static InvocationContext? Read()
    {
        try
        {
            object writer = Console.Out;
            // Console.SetOut wraps the writer it is given in a synchronized one that holds it in _out.
            if (Shape.Of(writer.GetType()).Inner?.GetValue(writer) is TextWriter inner)
            {
                writer = inner;
            }

            var shape = Shape.Of(writer.GetType());
            var headers = shape.CurrentHeaders?.GetValue(writer) ?? shape.Headers?.GetValue(writer);
            if (headers is null && shape.ConcurrentHeaders?.GetValue(writer) is { } storage)
            {
                headers = Shape.Of(storage.GetType()).Value?.GetValue(storage);
            }

            if (headers is null)
            {
                return null;
            }

            var fields = Shape.Of(headers.GetType());
            return fields.RequestId?.GetValue(headers) is string { Length: > 0 } requestId
                ? new InvocationContext(requestId, fields.TraceId?.GetValue(headers) as string ?? Environment.GetEnvironmentVariable(TraceIdVariable),
                    InvocationContext.ParseDeadline(fields.DeadlineMs?.GetValue(headers) as string))
                : null;
        }
        catch (Exception ex) when (ex is TargetInvocationException or FieldAccessException or MethodAccessException or NotSupportedException)
        {
            return null;
        }
    }

    // What one type offers of the names above, looked up once per type: every log line asks.
    private sealed record Shape(FieldInfo? Inner, PropertyInfo? CurrentHeaders, FieldInfo? Headers, FieldInfo? ConcurrentHeaders, PropertyInfo? Value,
        PropertyInfo? RequestId, PropertyInfo? TraceId, PropertyInfo? DeadlineMs)
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Shape> Known = new();

        [UnconditionalSuppressMessage("Trimming", "IL2070",
            Justification = "Only the managed runtime's console writer is read, on the managed runtime, which does not trim; a native bundle begins its invocations itself, so what this finds there is never needed.")]
        public static Shape Of(Type type) => Known.GetOrAdd(type, static t => new Shape(
            t.GetField("_out", Instance), t.GetProperty(HeadersProperty, Instance), t.GetField(HeadersField, Instance), t.GetField(ConcurrentHeadersField, Instance),
            t.GetProperty("Value", Instance), t.GetProperty("AwsRequestId", Instance), t.GetProperty("TraceId", Instance),
            t.GetProperty("DeadlineMs", Instance)));
    }
}
