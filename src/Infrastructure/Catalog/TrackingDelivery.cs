namespace Assignment3.Catalog;

/// <summary>
/// How S3's object events reach size tracking: EventBridge → an SQS queue → Lambda's event source mapping. The stack
/// configures it from here, and the benchmark batches as it does. Why these values: docs/decisions.md.
/// </summary>
public static class TrackingDelivery
{
    /// <summary>
    /// Messages per invocation at most. A batch costs one listing per bucket whatever its size, so bigger is cheaper;
    /// 1,000 events of ~1.5 KB stay far below Lambda's 6 MB payload.
    /// </summary>
    public const int BatchSize = 1000;

    /// <summary>
    /// How long Lambda gathers a batch before it invokes: a lone change shows in the history within about this plus a
    /// listing, and a burst shares a listing.
    /// </summary>
    public const int BatchingWindowSeconds = 2;

    /// <summary>
    /// Invocations at once at most (2 is Lambda's least): more would list the same bucket side by side, and fewer
    /// listings at once let later batches find their changes already shown.
    /// </summary>
    public const int MaxConcurrency = 2;

    /// <summary>Receives before a message moves to the failure queue: AWS advises at least 5 with Lambda.</summary>
    public const int MaxReceiveCount = 5;

    /// <summary>
    /// The queue's visibility timeout for a function of <paramref name="functionTimeoutSeconds"/>: AWS advises six
    /// times the function's timeout plus the batching window, so that a throttled or retried batch is not received
    /// again while it is still being handled.
    /// </summary>
    public static int VisibilityTimeoutSeconds(int functionTimeoutSeconds) => (6 * functionTimeoutSeconds) + BatchingWindowSeconds;
}

/// <summary>
/// Reconciliation in incremental mode: a schedule puts a message on size tracking's queue asking for the data bucket's
/// reconciliation; a bucket never reconciled is reconciled before its first batch is applied.
/// </summary>
public static class ReconciliationTrigger
{
    /// <summary>
    /// The queue message that asks for a reconciliation: <c>{"reconcile": "&lt;bucket&gt;"}</c>. Any other message is an
    /// S3 event.
    /// </summary>
    public const string BucketProperty = "reconcile";

    /// <summary>The CDK context key of the schedule (an EventBridge schedule expression).</summary>
    public const string ScheduleContextKey = "assignment3:reconcile-schedule";

    /// <summary>Daily: drift (lost events, buckets changed while tracking was off) is found within a day, for one listing a day.</summary>
    public const string DefaultSchedule = "rate(1 day)";
}
