using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Adapters.Local;
using Assignment3.Catalog;
using Assignment3.Domain.UseCases;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assignment3.Cli;

/// <summary>
/// Plays S3 → EventBridge → SQS → size-tracking on one machine: each change of the tracked bucket becomes the JSON
/// document S3 would send and is appended to <c>events.jsonl</c>; whatever is queued when the tracker is free goes as
/// one batch, as the queue's event source mapping delivers it, through the same <see cref="S3EventTranslator"/> and
/// <see cref="TrackObjectChanges"/> the deployed function uses.
/// </summary>
public sealed class LocalEventBridge : IAsyncDisposable
{
    /// <summary>The account id written into local events.</summary>
    public const string LocalAccount = "000000000000";

    /// <summary>The region written into local events.</summary>
    public const string LocalRegion = "local";

    private readonly Channel<BlobChange> _queue = Channel.CreateUnbounded<BlobChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceProvider _services;
    private readonly string _trackedBucket;
    private readonly string _eventLogPath;
    private readonly Action<string> _report;
    private readonly ILogger _logger;
    private readonly Task _worker;
    private long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16;

    /// <summary>Starts delivering events of <paramref name="trackedBucket"/> (the rule's bucket filter).</summary>
    public LocalEventBridge(IServiceProvider services, string trackedBucket, string eventLogPath, Action<string> report)
    {
        _services = services;
        _trackedBucket = trackedBucket;
        _eventLogPath = eventLogPath;
        _report = report;
        _logger = services.GetRequiredService<ILogger<LocalEventBridge>>();
        _worker = Task.Run(DeliverAsync);
    }

    /// <summary>Queues a change; changes of other buckets match no rule and go nowhere, as in the deployed system.</summary>
    public Task PublishAsync(BlobChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.BucketName == _trackedBucket
            ? _queue.Writer.WriteAsync(change, cancellationToken).AsTask()
            : Task.CompletedTask;
    }

    /// <summary>Builds the EventBridge document S3 sends for <paramref name="change"/>.</summary>
    public S3ObjectEvent ToEvent(BlobChange change, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(change);
        var created = change.Kind == BlobChangeKind.Created;
        return new S3ObjectEvent
        {
            Version = "0",
            Id = Guid.NewGuid().ToString(),
            DetailType = created ? S3EventNames.ObjectCreated : S3EventNames.ObjectDeleted,
            Source = S3EventNames.Source,
            Account = LocalAccount,
            Time = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            Region = LocalRegion,
            Resources = [$"arn:aws:s3:::{change.BucketName}"],
            Detail = new S3ObjectEventDetail
            {
                Version = "0",
                Bucket = new S3EventBucket { Name = change.BucketName },
                S3Object = new S3EventObject
                {
                    Key = change.Key,
                    Size = created ? change.Size : null,
                    ETag = change.ETag,
                    Sequencer = Interlocked.Increment(ref _sequence).ToString("X16", CultureInfo.InvariantCulture),
                },
                RequestId = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant(),
                Requester = LocalAccount,
                SourceIpAddress = "127.0.0.1",
                Reason = created ? "PutObject" : "DeleteObject",
                DeletionType = created ? null : S3EventNames.PermanentlyDeleted,
            },
        };
    }

    /// <summary>Delivers what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker;
    }

    private async Task DeliverAsync()
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            var batch = new List<(BlobChange Change, ObjectChange Tracked)>();
            while (_queue.Reader.TryRead(out var change))
            {
                var objectEvent = ToEvent(change, DateTimeOffset.UtcNow);
                await AppendLineAsync(JsonSerializer.SerializeToUtf8Bytes(objectEvent, S3EventJsonContext.Default.S3ObjectEvent));
                batch.Add((change, S3EventTranslator.ToChange(objectEvent, objectEvent.Id!)));
            }

            try
            {
                using var scope = _services.CreateScope();
                var tracked = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new TrackObjectChanges([.. batch.Select(b => b.Tracked)]));
                foreach (var (change, outcome) in batch.Zip(tracked.Changes, (b, t) => (b.Change, t)))
                {
                    _report(outcome.Record is { } record
                        ? $"      event {Name(change)} {change.Key} → {Said(outcome.Outcome)} {record.ObjectCount} object(s), {record.TotalSize} B"
                        : $"      event for {change.Key} failed: {outcome.Error?.Message}");
                }
            }
            catch (Exception ex)
            {
                // Deployed, the queue would deliver the batch again and finally park it in the failure queue; here the log keeps it.
                _logger.LogError(ex, "size tracking failed for {Count} change(s) of {Bucket}: {Error}", batch.Count, _trackedBucket, ex.Message);
                _report($"      {batch.Count} event(s) failed: {ex.Message}");
            }
        }
    }

    private static string Said(ChangeOutcome outcome) => outcome switch
    {
        ChangeOutcome.Recorded => "recorded",
        ChangeOutcome.AlreadyRecorded => "already recorded",
        _ => "shown by a newer record of",
    };

    private static string Name(BlobChange change) => change.Kind == BlobChangeKind.Created ? S3EventNames.ObjectCreated : S3EventNames.ObjectDeleted;

    private async Task AppendLineAsync(byte[] document)
    {
        await using var file = new FileStream(_eventLogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await file.WriteAsync(document);
        file.WriteByte((byte)'\n');
    }
}
