using System.Text.Json.Serialization;

namespace Assignment3.Adapters.Lambda.RuntimeApi;

/// <summary>One invocation, as the Runtime API's <c>next</c> answer describes it.</summary>
/// <param name="RequestId">The <c>Lambda-Runtime-Aws-Request-Id</c> header: where the response goes.</param>
/// <param name="Deadline">The <c>Lambda-Runtime-Deadline-Ms</c> header as a time, or null when absent.</param>
/// <param name="TraceId">The <c>Lambda-Runtime-Trace-Id</c> header (X-Ray), or null.</param>
/// <param name="FunctionArn">The <c>Lambda-Runtime-Invoked-Function-Arn</c> header, or null.</param>
/// <param name="Payload">The event's bytes.</param>
public sealed record LambdaInvocation(string RequestId, DateTimeOffset? Deadline, string? TraceId, string? FunctionArn, byte[] Payload);

/// <summary>The body of an <c>/error</c> or <c>/init/error</c> post, in the Runtime API's field names.</summary>
public sealed record RuntimeErrorBody(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace)
{
    /// <summary>The body for <paramref name="error"/>: its type's name, its message, one stack frame a line.</summary>
    public static RuntimeErrorBody From(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var frames = (error.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new RuntimeErrorBody(error.Message, error.GetType().Name, frames);
    }
}

/// <summary>The Runtime API's wire types, serialized without reflection (Native AOT).</summary>
[JsonSerializable(typeof(RuntimeErrorBody))]
public sealed partial class RuntimeApiJsonContext : JsonSerializerContext;
