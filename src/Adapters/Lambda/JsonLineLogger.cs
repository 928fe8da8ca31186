using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Assignment3.Adapters.Lambda;

/// <summary>
/// Writes each log entry as one JSON line (timestamp, level in Lambda's names, the invocation's <c>requestId</c> and
/// <c>traceId</c> when there is one, category, message, the template's named values, and an <c>exception</c> object with
/// type, message and stack trace), synchronously, so nothing is lost when Lambda freezes
/// the process after a response. CloudWatch reads the fields as structured data. Every key occurs once per line: a
/// template value whose name is taken (by the fixed fields or an earlier value) is left out, as its text is already
/// in the message. The keys are those Lambda's JSON log format reads (<c>timestamp</c> in RFC 3339, <c>level</c>), so
/// Lambda filters these lines by level as it does its own runtimes' (docs/decisions.md).
/// </summary>
public sealed class JsonLineLoggerProvider(TextWriter output, LogLevel minimumLevel = LogLevel.Information) : ILoggerProvider
{
    private static readonly string[] FixedKeys = ["timestamp", "level", "requestId", "traceId", "category", "message", "exception"];

    private readonly Lock _gate = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new JsonLineLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose() => output.Flush();

    /// <summary>Writes a line that is already JSON (a metric, say) in order with the log lines, never inside one.</summary>
    public void WriteLine(string line)
    {
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    /// <summary>
    /// The level as Lambda names it (TRACE, DEBUG, INFO, WARN, ERROR, FATAL), so Lambda's log-level filtering and
    /// Logs Insights queries read it as they read AWS's own runtimes' lines.
    /// </summary>
    public static string LambdaLevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => level.ToString().ToUpperInvariant(),
    };

    /// <summary>
    /// The level Lambda's <c>AWS_LAMBDA_LOG_LEVEL</c> names (set when the function's application log level is), or
    /// INFO: a line Lambda would drop is not written at all.
    /// </summary>
    public static LogLevel MinimumLevelFromLambda(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" => LogLevel.Critical,
        _ => LogLevel.Information,
    };

    /// <summary>The invocation's ids, as every line written during it carries them.</summary>
    internal static void WriteInvocation(Utf8JsonWriter json, InvocationContext? invocation)
    {
        if (invocation is null)
        {
            return;
        }

        json.WriteString("requestId", invocation.RequestId);
        if (invocation.TraceId is { Length: > 0 } traceId)
        {
            json.WriteString("traceId", traceId);
        }
    }

    private void Write(string category, LogLevel level, string message, IReadOnlyList<KeyValuePair<string, object?>>? values, Exception? exception)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow);
            json.WriteString("level", LambdaLevelName(level));
            WriteInvocation(json, InvocationContext.Current);
            json.WriteString("category", category);
            json.WriteString("message", message);
            var written = new HashSet<string>(FixedKeys, StringComparer.Ordinal);
            foreach (var (key, value) in values ?? [])
            {
                if (key is "{OriginalFormat}" || string.IsNullOrEmpty(key))
                {
                    continue;
                }

                var name = char.ToLowerInvariant(key[0]) + key[1..];
                if (!written.Add(name))
                {
                    continue;
                }

                switch (value)
                {
                    case null: json.WriteNull(name); break;
                    case int or long or short or byte: json.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                    case double or float: json.WriteNumber(name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                    case decimal d: json.WriteNumber(name, d); break;
                    case bool b: json.WriteBoolean(name, b); break;
                    default: json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                }
            }

            if (exception is not null)
            {
                // Stack traces go to the log, where operators look, and never into a response.
                json.WriteStartObject("exception");
                json.WriteString("type", exception.GetType().Name);
                json.WriteString("message", exception.Message);
                json.WriteString("stackTrace", exception.ToString());
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private sealed class JsonLineLogger(JsonLineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            provider.Write(category, logLevel, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>>, exception);
        }
    }

    private LogLevel MinimumLevel => minimumLevel;
}
