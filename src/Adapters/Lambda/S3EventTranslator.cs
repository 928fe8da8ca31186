using System.Globalization;
using System.Text.Json;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Catalog;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Lambda;

/// <summary>
/// Turns an S3 object event from EventBridge into an <see cref="ObjectChange"/> for <see cref="TrackObjectChanges"/>:
/// the one translation that the deployed size-tracking function (bare or in an SQS batch) and the local run use.
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

    /// <summary>
    /// The change <paramref name="objectEvent"/> reports, named <paramref name="itemId"/> for failure reports. EventBridge
    /// stamps S3's events to the whole second (<c>time</c>), cutting the fraction off: the change was complete by the end
    /// of that second. Without a readable time, no record can be said to show the change.
    /// </summary>
    public static ObjectChange ToChange(S3ObjectEvent objectEvent, string itemId)
    {
        ArgumentNullException.ThrowIfNull(objectEvent);
        DateTimeOffset? completedBy = DateTimeOffset.TryParse(objectEvent.Time, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var stamped)
            ? DateTimeOffset.FromUnixTimeSeconds(stamped.ToUnixTimeSeconds() + 1)
            : null;
        return new ObjectChange(itemId, objectEvent.Detail!.Bucket!.Name!, objectEvent.Id!, completedBy, ToChangedObject(objectEvent));
    }

    /// <summary>
    /// What the event says of its object, for incremental tracking; null without a key (listing mode needs none).
    /// "Object Deleted" carries no size, so none is taken from it.
    /// </summary>
    private static ChangedObject? ToChangedObject(S3ObjectEvent objectEvent)
    {
        if (objectEvent.Detail?.S3Object is not { Key: { Length: > 0 } key } changed)
        {
            return null;
        }

        var created = objectEvent.DetailType == S3EventNames.ObjectCreated;
        DeletionKind? deletion = objectEvent.Detail.DeletionType switch
        {
            _ when created => null,
            S3EventNames.PermanentlyDeleted => DeletionKind.PermanentlyDeleted,
            S3EventNames.DeleteMarkerCreated => DeletionKind.DeleteMarkerCreated,
            _ => null, // unknown or missing: the tracker confirms the object's state instead of guessing
        };
        return new ChangedObject(key, created ? ObjectChangeKind.Created : ObjectChangeKind.Deleted, created ? changed.Size : null,
            changed.ETag, changed.VersionId, changed.Sequencer, deletion);
    }

    /// <summary>The request a bare S3 object event asks for: track its one change, reported by its event id.</summary>
    public static TrackObjectChanges ToRequest(S3ObjectEvent objectEvent)
    {
        ArgumentNullException.ThrowIfNull(objectEvent);
        return new TrackObjectChanges([ToChange(objectEvent, objectEvent.Id!)]);
    }

    /// <summary>Parses and translates in one step.</summary>
    public static TrackObjectChanges Translate(ReadOnlySpan<byte> json) => ToRequest(Parse(json));

    private static string Quote(string? value) => value is null ? "missing" : $"'{value}'";
}
