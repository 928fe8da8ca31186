using System.Text.Json.Serialization;

namespace Assignment3.Adapters.Lambda.Contracts;

/// <summary>
/// A batch of SQS messages as Lambda's event source mapping delivers it. Every property is nullable so that a
/// malformed batch parses and is then refused with a message naming what is missing.
/// </summary>
public sealed class SqsBatch
{
    [JsonPropertyName("Records")] public IList<SqsMessage?>? Records { get; init; }
}

/// <summary>One message of a batch.</summary>
public sealed class SqsMessage
{
    /// <summary>What a partial batch failure names (<see cref="SqsBatchItemFailure.ItemIdentifier"/>).</summary>
    [JsonPropertyName("messageId")] public string? MessageId { get; set; }
    [JsonPropertyName("receiptHandle")] public string? ReceiptHandle { get; set; }

    /// <summary>The message's text: here, the EventBridge event the rule sent, as JSON.</summary>
    [JsonPropertyName("body")] public string? Body { get; set; }

    /// <summary>ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, and others.</summary>
    [JsonPropertyName("attributes")] public IDictionary<string, string>? Attributes { get; init; }
    [JsonPropertyName("messageAttributes")] public IDictionary<string, SqsMessageAttributeValue>? MessageAttributes { get; init; }
    [JsonPropertyName("md5OfBody")] public string? Md5OfBody { get; set; }

    [JsonPropertyName("md5OfMessageAttributes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Md5OfMessageAttributes { get; set; }

    /// <summary>Always <c>aws:sqs</c>.</summary>
    [JsonPropertyName("eventSource")] public string? EventSource { get; set; }
    [JsonPropertyName("eventSourceARN")] public string? EventSourceArn { get; set; }
    [JsonPropertyName("awsRegion")] public string? AwsRegion { get; set; }
}

/// <summary>A message attribute (none are sent by the rule; kept so a batch reads back whole).</summary>
public sealed class SqsMessageAttributeValue
{
    [JsonPropertyName("stringValue")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StringValue { get; set; }

    [JsonPropertyName("binaryValue")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BinaryValue { get; set; }

    [JsonPropertyName("stringListValues")] public IList<string>? StringListValues { get; init; }
    [JsonPropertyName("binaryListValues")] public IList<string>? BinaryListValues { get; init; }
    [JsonPropertyName("dataType")] public string? DataType { get; set; }
}

/// <summary>
/// The answer to a batch with <c>ReportBatchItemFailures</c> on: the messages to deliver again. Empty: all done. Lambda
/// deletes the others from the queue.
/// </summary>
public sealed class SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")] public IList<SqsBatchItemFailure> BatchItemFailures { get; init; } = [];
}

/// <summary>One message to deliver again.</summary>
public sealed class SqsBatchItemFailure
{
    [JsonPropertyName("itemIdentifier")] public required string ItemIdentifier { get; init; }
}

/// <summary>The SQS batch and its answer, serialized without reflection.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(SqsBatch))]
[JsonSerializable(typeof(SqsBatchResponse))]
public sealed partial class SqsJsonContext : JsonSerializerContext;
