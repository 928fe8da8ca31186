using System.Text.Json;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Catalog;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Lambda;

/// <summary>
/// Turns an S3 object event from EventBridge into <see cref="RecordBucketSize"/>: the one translation that both the
/// deployed size-tracking function and the local run use.
/// </summary>
public static class S3EventTranslator
{
    /// <summary>Reads and checks the event; throws <see cref="InvalidEventException"/> saying what is wrong.</summary>
    public static S3ObjectEvent Parse(ReadOnlySpan<byte> json)
    {
        S3ObjectEvent? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(json, S3EventJsonContext.Default.S3ObjectEvent);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"event is not valid JSON of an S3 object event: {ex.Message}", ex);
        }

        if (parsed is null)
        {
            throw new InvalidEventException("event is empty (JSON null)");
        }

        if (parsed.Source != S3EventNames.Source)
        {
            throw new InvalidEventException($"event source must be '{S3EventNames.Source}', was {Quote(parsed.Source)}");
        }

        if (parsed.DetailType is not (S3EventNames.ObjectCreated or S3EventNames.ObjectDeleted))
        {
            throw new InvalidEventException(
                $"event detail-type must be '{S3EventNames.ObjectCreated}' or '{S3EventNames.ObjectDeleted}', was {Quote(parsed.DetailType)}");
        }

        if (string.IsNullOrWhiteSpace(parsed.Id))
        {
            throw new InvalidEventException("event has no id");
        }

        if (string.IsNullOrWhiteSpace(parsed.Detail?.Bucket?.Name))
        {
            throw new InvalidEventException("event has no detail.bucket.name");
        }

        return parsed;
    }

    /// <summary>The request an S3 object event asks for: record the bucket's size, once per event id.</summary>
    public static RecordBucketSize ToRequest(S3ObjectEvent objectEvent)
    {
        ArgumentNullException.ThrowIfNull(objectEvent);
        return new RecordBucketSize(objectEvent.Detail!.Bucket!.Name!, objectEvent.Id);
    }

    /// <summary>Parses and translates in one step.</summary>
    public static RecordBucketSize Translate(ReadOnlySpan<byte> json) => ToRequest(Parse(json));

    private static string Quote(string? value) => value is null ? "missing" : $"'{value}'";
}
