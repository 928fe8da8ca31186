using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using MediatR;

namespace Assignment3.Domain.UseCases;

/// <summary>Measure the bucket now and add one record to its history.</summary>
/// <param name="BucketName">The bucket to measure.</param>
/// <param name="EventId">The id of the change event that asked for it; a second request with the same id records nothing.</param>
public sealed record RecordBucketSize(string BucketName, string? EventId = null) : IRequest<RecordedSize>;

/// <summary>The record that stands for the request.</summary>
/// <param name="Record">The new record, or the earlier one for a repeated event.</param>
/// <param name="WasDuplicate">True when the event had been recorded before and nothing was written.</param>
public sealed record RecordedSize(SizeRecord Record, bool WasDuplicate);

/// <summary>Refuses a bad bucket name or an empty event id.</summary>
public sealed class RecordBucketSizeValidator : IRequestValidator<RecordBucketSize>
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate(RecordBucketSize request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var error in BucketNameRules.Validate(nameof(request.BucketName), request.BucketName))
        {
            yield return error;
        }

        if (request.EventId is { } id && string.IsNullOrWhiteSpace(id))
        {
            yield return new ValidationError(nameof(request.EventId), "must not be blank when given");
        }
    }
}

/// <summary>
/// Lists every page of the bucket, sums it, and appends the record without ever overwriting another. The record's
/// time is the moment its listing began, not the moment it is written: invocations may overlap, and a listing that
/// began earlier may finish later. Ordered by listing start, a stalled invocation's record lands before the records
/// of listings that began after it, so the newest record always comes from the listing that began last, which began
/// after the latest change (S3 lists are strongly consistent) and shows the bucket as it is.
/// </summary>
public sealed class RecordBucketSizeHandler(IBlobStore blobs, IHistoryRepository history, TimeProvider clock)
    : IRequestHandler<RecordBucketSize, RecordedSize>
{
    /// <inheritdoc />
    public Task<RecordedSize> Handle(RecordBucketSize request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return BucketListing.RecordAsync(blobs, history, clock, request.BucketName, request.EventId, cancellationToken);
    }
}

/// <summary>
/// One listing of a bucket, appended as one record: what <see cref="RecordBucketSize"/> does, and what
/// <see cref="TrackObjectChanges"/> does once per bucket of a batch; its append with a free millisecond serves incremental
/// tracking too.
/// </summary>
internal static class BucketListing
{
    // Each retry moves the record 1 ms later; this many concurrent writers in one millisecond means something is broken.
    private const int MaxTimeCollisions = 1000;

    /// <summary>Lists every page of <paramref name="bucketName"/> and appends the record under <paramref name="idempotencyKey"/>.</summary>
    public static async Task<RecordedSize> RecordAsync(IBlobStore blobs, IHistoryRepository history, TimeProvider clock, string bucketName,
        string? idempotencyKey, CancellationToken cancellationToken)
    {
        var listingStarted = SizeRecord.ToMilliseconds(clock.GetUtcNow());
        long totalSize = 0;
        var objectCount = 0;
        await foreach (var blob in blobs.ListAllAsync(bucketName, cancellationToken))
        {
            totalSize += blob.Size;
            objectCount++;
        }

        return await AppendAsync(history, new SizeRecord(bucketName, listingStarted, totalSize, objectCount), idempotencyKey, cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="record"/> under <paramref name="idempotencyKey"/>; when another record holds its
    /// millisecond, at the next free one (never overwriting).
    /// </summary>
    public static async Task<RecordedSize> AppendAsync(IHistoryRepository history, SizeRecord record, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxTimeCollisions; attempt++)
        {
            var result = await history.AppendAsync(record, idempotencyKey, cancellationToken);
            switch (result.Outcome)
            {
                case AppendOutcome.Appended:
                    return new RecordedSize(result.Record, WasDuplicate: false);
                case AppendOutcome.AlreadyRecorded:
                    return new RecordedSize(result.Record, WasDuplicate: true);
                default:
                    // Another record holds this millisecond: keep both by taking the next free one.
                    record = record with { Time = record.Time.AddMilliseconds(1) };
                    break;
            }
        }

        throw new InvalidOperationException(
            $"could not find a free millisecond for bucket {record.BucketName} after {MaxTimeCollisions} tries");
    }
}
