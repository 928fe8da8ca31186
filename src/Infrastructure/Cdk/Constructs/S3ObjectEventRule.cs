using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.EventSources;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Assignment3.Catalog;
using Constructs;
using SqsQueueTarget = Amazon.CDK.AWS.Events.Targets.SqsQueue;
using SqsQueueTargetProps = Amazon.CDK.AWS.Events.Targets.SqsQueueProps;

namespace Assignment3.Infrastructure;

/// <summary>What <see cref="S3ObjectEventRule"/> connects.</summary>
public sealed class S3ObjectEventRuleProps
{
    /// <summary>The bucket whose object changes are sent (its EventBridge notifications on).</summary>
    public required IBucket Bucket { get; init; }

    /// <summary>The function that receives them, in batches from a queue.</summary>
    public required LambdaFunctionConstruct Target { get; init; }

    /// <summary>The stack's cdk-nag suppressions.</summary>
    public required NagSuppressions Nag { get; init; }
}

/// <summary>
/// "Object Created" and "Object Deleted" of one bucket, from EventBridge through an SQS queue to a function, and nothing
/// lost on the way: events EventBridge cannot deliver to the queue (after 8 retries, within 6 hours) wait in one
/// queue; messages the function failed on (named in its batchItemFailures, or in a batch it failed whole) move after
/// <see cref="TrackingDelivery.MaxReceiveCount"/> receives to another, by the queue's redrive policy. Both are there to be
/// replayed. The queue gives durable delivery and batches, which the function coalesces into one listing per bucket.
/// </summary>
public sealed class S3ObjectEventRule : Construct
{
    /// <summary>Sends the bucket's object changes to the target.</summary>
    public S3ObjectEventRule(Construct scope, string id, S3ObjectEventRuleProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var target = props.Target;
        var targetId = target.Node.Id;

        // Messages the function failed on, after their receives; the queue the function's failed events went to before.
        FailedEvents = ParkingQueue($"{targetId}FailedEvents", props.Nag, isDeadLetterQueue: true);
        Queue = new Queue(this, $"{targetId}ObjectEvents", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            VisibilityTimeout = Duration.Seconds(TrackingDelivery.VisibilityTimeoutSeconds(target.Spec.TimeoutSeconds)),
            // Shorter than the failure queue's 14 days: a moved message keeps its first enqueue time, and expires by it.
            RetentionPeriod = Duration.Days(4),
            DeadLetterQueue = new DeadLetterQueue { Queue = FailedEvents, MaxReceiveCount = TrackingDelivery.MaxReceiveCount },
        });
        FlatLogicalIds.Keep(Queue, $"{targetId}ObjectEvents");
        target.Function.AddEventSource(new SqsEventSource(Queue, new SqsEventSourceProps
        {
            BatchSize = TrackingDelivery.BatchSize,
            MaxBatchingWindow = Duration.Seconds(TrackingDelivery.BatchingWindowSeconds),
            ReportBatchItemFailures = true,
            MaxConcurrency = TrackingDelivery.MaxConcurrency,
        }));
        props.Nag.Add(target.Function.Node.Children.OfType<EventSourceMapping>().Single(), "Serverless-LambdaEventSourceMappingDestination",
            $"An SQS event source mapping takes no on-failure destination (Lambda offers one for streams and Kafka); messages it fails on move to {targetId}FailedEvents by the queue's redrive policy.");
        target.NoDeadLetterQueueBecause(
            $"Invoked by an SQS event source mapping: a message it fails on moves to {targetId}FailedEvents by its queue's redrive policy after {TrackingDelivery.MaxReceiveCount} receives; a DLQ on the function would never be used.");

        Undeliverable = ParkingQueue("UndeliverableObjectEvents", props.Nag, isDeadLetterQueue: false);
        // "Default": the rule keeps the ID it had when the stack declared the rule.
        Rule = new Rule(this, "Default", new RuleProps
        {
            Description = $"Object Created / Object Deleted in the data bucket → queue → {target.Spec.Name.Replace('-', ' ')}",
            EventPattern = new EventPattern
            {
                Source = [S3EventNames.Source],
                DetailType = [S3EventNames.ObjectCreated, S3EventNames.ObjectDeleted],
                Detail = new Dictionary<string, object>
                {
                    ["bucket"] = new Dictionary<string, object> { ["name"] = new[] { props.Bucket.BucketName } },
                },
            },
            Targets =
            [
                new SqsQueueTarget(Queue, new SqsQueueTargetProps
                {
                    DeadLetterQueue = Undeliverable,
                    RetryAttempts = 8,
                    MaxEventAge = Duration.Hours(6),
                }),
            ],
        });
        FailureQueues = [($"{target.Spec.Name}-failed-events", FailedEvents), ("undeliverable-object-events", Undeliverable)];
    }

    /// <summary>The queue between the rule and the function.</summary>
    public Queue Queue { get; }

    /// <summary>The rule.</summary>
    public Rule Rule { get; }

    /// <summary>Messages the target failed on after their receives (the queue's dead-letter queue).</summary>
    public Queue FailedEvents { get; }

    /// <summary>Events EventBridge could not deliver.</summary>
    public Queue Undeliverable { get; }

    /// <summary>Both queues, by the readable names their alarms carry.</summary>
    public IReadOnlyList<(string Name, Queue Queue)> FailureQueues { get; }

    // isDeadLetterQueue: another queue's redrive policy names it, which cdk-nag's AwsSolutions-SQS3 recognises.
    private Queue ParkingQueue(string id, NagSuppressions nag, bool isDeadLetterQueue)
    {
        var queue = new Queue(this, id, new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
        });
        const string reason = "This queue is itself where failed events are parked; a dead-letter queue behind it would only move them again. Its depth is alarmed on.";
        if (!isDeadLetterQueue)
        {
            nag.Add(queue, "AwsSolutions-SQS3", reason);
        }

        nag.Add(queue, "Serverless-SQSRedrivePolicy", reason);
        // The queue keeps the logical ID it had when the stack declared it: a new one would lose the events parked in it.
        FlatLogicalIds.Keep(queue, id);
        return queue;
    }
}
