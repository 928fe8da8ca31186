using System.Text.Json;
using Assignment3.Catalog;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Lambda;

/// <summary>
/// Reads the message the reconciliation schedule puts on size tracking's queue, <c>{"reconcile":"&lt;bucket&gt;"}</c>
/// (<see cref="ReconciliationTrigger"/>), as a <see cref="ReconcileBucket"/> request: in an SQS batch, or as a bare
/// invocation (<c>invoke</c>, the CLI's <c>reconcile</c>). A JSON object with a <c>reconcile</c> member is a reconcile
/// message, whatever else is wrong with it; anything else is left to the S3 event translator.
/// </summary>
public static class ReconcileRequestTranslator
{
    /// <summary>
    /// The request <paramref name="json"/> asks for, or null when it is not a reconcile message. A reconcile message
    /// that names no valid bucket, or holds anything besides, throws <see cref="InvalidEventException"/> saying what is wrong:
    /// it is not taken for an S3 event, nor ignored.
    /// </summary>
    public static ReconcileBucket? TryTranslate(ReadOnlySpan<byte> json)
    {
        if (!HasReconcileMember(json))
        {
            return null; // every S3 event of a batch comes this way: no document is built for it
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            return null; // not JSON (or a member named twice): the S3 event translator says what is wrong
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(ReconciliationTrigger.BucketProperty, out var bucket))
            {
                return null;
            }

            var others = root.EnumerateObject().Select(p => p.Name).Where(name => name != ReconciliationTrigger.BucketProperty).ToList();
            if (others.Count > 0)
            {
                throw new InvalidEventException(
                    $"a reconcile message holds \"{ReconciliationTrigger.BucketProperty}\" alone, this one also {string.Join(", ", others.Select(n => $"\"{n}\""))}");
            }

            if (bucket.ValueKind != JsonValueKind.String)
            {
                throw new InvalidEventException(
                    $"a reconcile message names its bucket as a string, {{\"{ReconciliationTrigger.BucketProperty}\":\"<bucket>\"}}; this one has {bucket.ValueKind.ToString().ToLowerInvariant()}");
            }

            var name = bucket.GetString();
            return BucketNameRules.Check(name) is { } problem
                ? throw new InvalidEventException($"a reconcile message must name a valid bucket: the bucket name {problem}")
                : new ReconcileBucket(name!);
        }
    }

    // Reads the top level's member names only, skipping their values: no allocation, and no document for a message
    // that is not a reconcile message. Malformed JSON is not one either; the S3 event translator says what is wrong.
    private static bool HasReconcileMember(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(ReconciliationTrigger.BucketProperty))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
