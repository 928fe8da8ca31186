using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.Destinations;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Assignment3.Catalog;
using Constructs;
using LambdaFunctionTarget = Amazon.CDK.AWS.Events.Targets.LambdaFunction;
using LambdaFunctionTargetProps = Amazon.CDK.AWS.Events.Targets.LambdaFunctionProps;

namespace Assignment3.Infrastructure;

/// <summary>What <see cref="S3ObjectEventRule"/> connects.</summary>
public sealed class S3ObjectEventRuleProps
{
    /// <summary>The bucket whose object changes are sent (its EventBridge notifications on).</summary>
    public required IBucket Bucket { get; init; }

    /// <summary>The function that receives them, asynchronously.</summary>
    public required LambdaFunctionConstruct Target { get; init; }

    /// <summary>The stack's cdk-nag suppressions.</summary>
    public required NagSuppressions Nag { get; init; }
}

/// <summary>
/// "Object Created" and "Object Deleted" of one bucket, from EventBridge to a function, and nothing lost on the way:
/// events EventBridge cannot deliver (after 8 retries, within 6 hours) wait in one queue; events the function failed
/// on (after Lambda's 2 retries, within 6 hours) wait in another, with their error. Both are there to be replayed.
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

        // Errors inside the function: Lambda retries the asynchronous event twice, then parks it here.
        FailedEvents = ParkingQueue($"{targetId}FailedEvents", props.Nag);
        target.Function.ConfigureAsyncInvoke(new EventInvokeConfigOptions
        {
            RetryAttempts = 2,
            MaxEventAge = Duration.Hours(6),
            OnFailure = new SqsDestination(FailedEvents),
        });
        target.NoDeadLetterQueueBecause(
            $"Failed asynchronous invocations go to an on-failure destination ({targetId}FailedEvents), which keeps the event and the error together; a DLQ would hold a second, poorer copy.");

        Undeliverable = ParkingQueue("UndeliverableObjectEvents", props.Nag);
        // "Default": the rule, and the permission named after it, keep the IDs they had when the stack declared the rule.
        Rule = new Rule(this, "Default", new RuleProps
        {
            Description = $"Object Created / Object Deleted in the data bucket → {target.Spec.Name.Replace('-', ' ')}",
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
                new LambdaFunctionTarget(target.Function, new LambdaFunctionTargetProps
                {
                    DeadLetterQueue = Undeliverable,
                    RetryAttempts = 8,
                    MaxEventAge = Duration.Hours(6),
                }),
            ],
        });
        FailureQueues = [($"{target.Spec.Name}-failed-events", FailedEvents), ("undeliverable-object-events", Undeliverable)];
    }

    /// <summary>The rule.</summary>
    public Rule Rule { get; }

    /// <summary>Events the target failed on after its retries.</summary>
    public Queue FailedEvents { get; }

    /// <summary>Events EventBridge could not deliver.</summary>
    public Queue Undeliverable { get; }

    /// <summary>Both queues, by the readable names their alarms carry.</summary>
    public IReadOnlyList<(string Name, Queue Queue)> FailureQueues { get; }

    private Queue ParkingQueue(string id, NagSuppressions nag)
    {
        var queue = new Queue(this, id, new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
        });
        const string reason = "This queue is itself where failed events are parked; a dead-letter queue behind it would only move them again. Its depth is alarmed on.";
        nag.Add(queue, "AwsSolutions-SQS3", reason);
        nag.Add(queue, "Serverless-SQSRedrivePolicy", reason);
        // The queue keeps the logical ID it had when the stack declared it: a new one would lose the events parked in it.
        FlatLogicalIds.Keep(queue, id);
        return queue;
    }
}
