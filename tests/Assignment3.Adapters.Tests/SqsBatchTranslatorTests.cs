using System.Text;
using System.Text.Json;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Domain;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Tests;

public sealed class SqsBatchTranslatorTests
{
    private static SqsBatch Batch(params (string MessageId, string Body)[] messages) =>
        SqsBatchTranslator.TryParse(Encoding.UTF8.GetBytes(FunctionHarness.SqsBatch(messages)))!;

    [Fact]
    public void Each_message_becomes_a_change_named_by_its_message_id_in_the_batchs_order()
    {
        var batch = Batch(("m-1", FunctionHarness.ObjectCreated("bucket-a", "e-1")), ("m-2", FunctionHarness.ObjectCreated("bucket-b", "e-2")));

        var translated = SqsBatchTranslator.Translate(batch);

        Assert.Empty(translated.Rejected);
        Assert.Equal([("m-1", "bucket-a", "e-1"), ("m-2", "bucket-b", "e-2")], translated.Request!.Changes.Select(c => (c.ItemId, c.BucketName, c.EventId)));
        Assert.All(translated.Request.Changes, c => Assert.NotNull(c.CompletedBy));
    }

    [Fact]
    public void The_batch_reads_back_every_field_lambda_sends()
    {
        var message = Assert.Single(Batch(("m-1", "{}")).Records!)!;

        Assert.Equal(("m-1", "{}", "aws:sqs", FunctionHarness.QueueArn, "us-east-1"), (message.MessageId, message.Body, message.EventSource, message.EventSourceArn, message.AwsRegion));
        Assert.StartsWith("AQEB", message.ReceiptHandle, StringComparison.Ordinal);
        Assert.Equal("99914b932bd37a50b983c5e7c90ae93b", message.Md5OfBody);
        Assert.Equal("1", message.Attributes!["ApproximateReceiveCount"]);
        Assert.Empty(message.MessageAttributes!);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("""{"source":"aws.ec2","detail-type":"Object Created","id":"x","detail":{"bucket":{"name":"b-1"}}}""", "source must be 'aws.s3'")]
    public void A_message_that_is_not_an_s3_object_event_is_rejected_alone_with_the_reason(string body, string problem)
    {
        var translated = SqsBatchTranslator.Translate(Batch(("good", FunctionHarness.ObjectCreated("bucket-a")), ("bad", body)));

        var rejected = Assert.Single(translated.Rejected);
        Assert.Equal("bad", rejected.MessageId);
        Assert.Contains(problem, rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("good", Assert.Single(translated.Request!.Changes).ItemId);
    }

    [Fact]
    public void A_batch_of_bad_messages_only_has_no_request()
    {
        Assert.Null(SqsBatchTranslator.Translate(Batch(("bad", "[]"))).Request);
    }

    [Theory]
    [InlineData("""{"Records":[]}""", "no messages")]
    [InlineData("""{"Records":[null]}""", "record 0 of the batch is not an SQS message: eventSource must be 'aws:sqs', was missing")]
    [InlineData("""{"Records":[{"messageId":"m","eventSource":"aws:sns","body":"{}"}]}""", "was 'aws:sns'")]
    [InlineData("""{"Records":[{"messageId":" ","eventSource":"aws:sqs","body":"{}"}]}""", "record 0 of the batch has no messageId")]
    public void A_batch_whose_records_cannot_be_reported_on_is_refused_whole(string json, string problem)
    {
        var batch = SqsBatchTranslator.TryParse(Encoding.UTF8.GetBytes(json))!;

        var error = Assert.Throws<InvalidEventException>(() => SqsBatchTranslator.Translate(batch));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"source":"aws.s3","id":"x"}""")]
    [InlineData("not json")]
    [InlineData("""{"Records":"not a list"}""")]
    public void Anything_without_a_list_of_records_is_not_a_batch(string json)
    {
        Assert.Null(SqsBatchTranslator.TryParse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void The_answer_names_each_rejected_and_failed_message_once_and_nothing_else()
    {
        var translated = SqsBatchTranslator.Translate(Batch(("ok", FunctionHarness.ObjectCreated("bucket-a", "e-1")), ("bad", "{}"),
            ("fails", FunctionHarness.ObjectCreated("bucket-b", "e-2")), ("fails", FunctionHarness.ObjectCreated("bucket-b", "e-2"))));
        var changes = translated.Request!.Changes;
        var record = new SizeRecord("bucket-a", DateTimeOffset.UnixEpoch, 1, 1);
        var tracked = new TrackedChanges(
            [new(changes[0], ChangeOutcome.Recorded, record, null), new(changes[1], ChangeOutcome.Failed, null, new IOException()), new(changes[2], ChangeOutcome.Failed, null, new IOException())],
            Listings: 1);

        var json = JsonSerializer.Serialize(SqsBatchTranslator.Respond(translated, tracked), SqsJsonContext.Default.SqsBatchResponse);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"bad"},{"itemIdentifier":"fails"}]}""", json);
        Assert.Equal("""{"batchItemFailures":[]}""", JsonSerializer.Serialize(SqsBatchTranslator.Respond(new TranslatedBatch(null, [], []), null), SqsJsonContext.Default.SqsBatchResponse));
    }

    /// <summary>The schedule's message, <c>{"reconcile":"&lt;bucket&gt;"}</c>, asks for the bucket's reconciliation, beside the batch's events.</summary>
    [Fact]
    public void A_reconcile_message_asks_for_its_buckets_reconciliation_and_the_events_are_tracked_as_before()
    {
        var translated = SqsBatchTranslator.Translate(Batch(
            ("event", FunctionHarness.ObjectCreated("bucket-a", "e-1")), ("reconcile", """{"reconcile":"bucket-a"}"""), ("again", """{ "reconcile" : "bucket-b" }""")));

        Assert.Empty(translated.Rejected);
        Assert.Equal("event", Assert.Single(translated.Request!.Changes).ItemId);
        Assert.Equal([new ReconcileMessage("reconcile", new ReconcileBucket("bucket-a")), new ReconcileMessage("again", new ReconcileBucket("bucket-b"))],
            translated.Reconciliations);
    }

    [Theory]
    [InlineData("""{"reconcile":"Not_A_Bucket"}""", "a reconcile message must name a valid bucket: the bucket name 'Not_A_Bucket' may hold only lowercase letters")]
    [InlineData("""{"reconcile":""}""", "a reconcile message must name a valid bucket: the bucket name is required")]
    [InlineData("""{"reconcile":null}""", "a reconcile message names its bucket as a string, {\"reconcile\":\"<bucket>\"}; this one has null")]
    [InlineData("""{"reconcile":["b-1"]}""", "this one has array")]
    [InlineData("""{"reconcile":"b-1","bucket":"b-2"}""", "a reconcile message holds \"reconcile\" alone, this one also \"bucket\"")]
    [InlineData("""{"detail":{"reconcile":"b-2","x":[1,{"y":2}]},"reconci\u006ce":"b-1"}""", "a reconcile message holds \"reconcile\" alone, this one also \"detail\"")]
    public void A_malformed_reconcile_message_is_rejected_alone_saying_what_is_wrong(string body, string problem)
    {
        var translated = SqsBatchTranslator.Translate(Batch(("good", FunctionHarness.ObjectCreated("bucket-a")), ("bad", body), ("fine", """{"reconcile":"bucket-a"}""")));

        var rejected = Assert.Single(translated.Rejected);
        Assert.Equal(("bad", true), (rejected.MessageId, rejected.AskedToReconcile));
        Assert.Contains(problem, rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("good", Assert.Single(translated.Request!.Changes).ItemId);
        Assert.Equal("fine", Assert.Single(translated.Reconciliations).MessageId);
    }

    [Theory]
    [InlineData("""{"source":"aws.s3","detail":{"reconcile":"b-1"}}""")]
    [InlineData("""["reconcile"]""")]
    [InlineData("""{"Reconcile":"b-1"}""")]
    [InlineData("not json")]
    public void Only_an_object_with_a_reconcile_member_is_a_reconcile_message(string body)
    {
        Assert.Null(ReconcileRequestTranslator.TryTranslate(Encoding.UTF8.GetBytes(body)));
        var rejected = Assert.Single(SqsBatchTranslator.Translate(Batch(("other", body))).Rejected);
        Assert.False(rejected.AskedToReconcile);
    }

    [Fact]
    public void The_answer_names_the_messages_whose_reconciliation_failed_once_each()
    {
        var translated = SqsBatchTranslator.Translate(Batch(("r-1", """{"reconcile":"bucket-a"}"""), ("r-2", """{"reconcile":"bucket-a"}"""), ("r-3", """{"reconcile":"bucket-b"}""")));

        var json = JsonSerializer.Serialize(SqsBatchTranslator.Respond(translated, null, ["r-1", "r-2", "r-1"]), SqsJsonContext.Default.SqsBatchResponse);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"r-1"},{"itemIdentifier":"r-2"}]}""", json);
        Assert.Null(translated.Request);
    }
}
