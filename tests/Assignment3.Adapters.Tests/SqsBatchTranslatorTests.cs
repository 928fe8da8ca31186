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
        Assert.Equal("""{"batchItemFailures":[]}""", JsonSerializer.Serialize(SqsBatchTranslator.Respond(new TranslatedBatch(null, []), null), SqsJsonContext.Default.SqsBatchResponse));
    }
}
