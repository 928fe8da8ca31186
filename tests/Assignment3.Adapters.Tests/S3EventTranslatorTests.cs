using System.Text;
using Assignment3.Adapters.Lambda;

namespace Assignment3.Adapters.Tests;

public sealed class S3EventTranslatorTests
{
    private static byte[] Sample(string name) =>
        File.ReadAllBytes(Path.Combine(TestPaths.RepositoryRoot(), "docs", "events", name));

    [Theory]
    [InlineData("object-created.json", "17793124-05d4-b198-2fde-7ededc63b103")]
    [InlineData("object-deleted.json", "2ee9cc15-d022-99ea-1fb8-1b1bac4850f9")]
    public void The_user_guide_samples_become_a_record_request_for_their_bucket_and_event(string sample, string eventId)
    {
        var request = S3EventTranslator.Translate(Sample(sample));

        Assert.Equal(("assignment3-data", eventId), (request.BucketName, request.EventId));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("null", "empty")]
    [InlineData("[]", "not valid JSON")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","id":"1","detail":{"bucket":{}}}""", "no detail.bucket.name")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","id":"1"}""", "no detail.bucket.name")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Restore Completed","id":"1","detail":{"bucket":{"name":"b"}}}""", "detail-type must be")]
    [InlineData("""{"detail-type":"Object Created","id":"1","detail":{"bucket":{"name":"b"}}}""", "source must be 'aws.s3', was missing")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name":"b"}}}""", "no id")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","id":"1","detail":{"bucket":{"name":"b"},"object":{"size":"big"}}}""", "not valid JSON")]
    public void Malformed_events_are_refused_saying_what_is_wrong(string json, string problem)
    {
        var error = Assert.Throws<InvalidEventException>(() => S3EventTranslator.Translate(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_from_another_service_is_refused_naming_its_source()
    {
        var error = Assert.Throws<InvalidEventException>(() => S3EventTranslator.Translate(Sample("malformed-not-s3.json")));

        Assert.Equal("event source must be 'aws.s3', was 'aws.ec2'", error.Message);
    }
}

public sealed class DurationTextTests
{
}
