using System.Globalization;
using System.Text;
using Assignment3.Adapters.Lambda;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Tests;

public sealed class S3EventTranslatorTests
{
    private static byte[] Sample(string name) =>
        File.ReadAllBytes(Path.Combine(TestPaths.RepositoryRoot(), "docs", "events", name));

    private static readonly ChangedObject SampleCreated = new("assignment1.txt", ObjectChangeKind.Created, 18,
        "b1946ac92492d2347c6235b4d2611184", "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "617f08299329d189", null);

    // "Object Deleted" carries no size; the guide's sample does carry an ETag, passed on as it is.
    private static readonly ChangedObject SampleDeleted = new("assignment1.txt", ObjectChangeKind.Deleted, null,
        "d41d8cd98f00b204e9800998ecf8427e", "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF", "617f0837b476e463", DeletionKind.DeleteMarkerCreated);

    [Theory]
    [InlineData("object-created.json", "17793124-05d4-b198-2fde-7ededc63b103")]
    [InlineData("object-deleted.json", "2ee9cc15-d022-99ea-1fb8-1b1bac4850f9")]
    public void The_user_guide_samples_become_a_record_request_for_their_bucket_event_and_object(string sample, string eventId)
    {
        var change = Assert.Single(S3EventTranslator.Translate(Sample(sample)).Changes);

        // Reported by its event id; complete by the end of the second EventBridge stamped (2021-11-12T00:00:00Z).
        Assert.Equal(new ObjectChange(eventId, "assignment3-data", eventId, DateTimeOffset.Parse("2021-11-12T00:00:01Z", CultureInfo.InvariantCulture),
            sample == "object-created.json" ? SampleCreated : SampleDeleted), change);
    }

    [Theory]
    [InlineData("\"Permanently Deleted\"", DeletionKind.PermanentlyDeleted)]
    [InlineData("\"Delete Marker Created\"", DeletionKind.DeleteMarkerCreated)]
    [InlineData("\"Something New\"", null)]
    [InlineData("null", null)]
    public void A_deletion_says_how_it_was_made_and_no_size_even_if_one_is_sent(string deletionType, DeletionKind? expected)
    {
        var json = """{"source":"aws.s3","detail-type":"Object Deleted","id":"e","detail":{"bucket":{"name":"b-1"},"object":{"key":"k","size":5,"sequencer":"0A"},"deletion-type":""" + deletionType + "}}";

        var changed = S3EventTranslator.ToChange(S3EventTranslator.Parse(Encoding.UTF8.GetBytes(json)), "m").Target;

        Assert.Equal(new ChangedObject("k", ObjectChangeKind.Deleted, null, null, null, "0A", expected), changed);
    }

    /// <summary>
    /// EventBridge's S3 events carry the key as it is stored, unlike S3's own notification format, which URL-encodes it
    /// ("red flower.jpg" as "red+flower.jpg", ':' as "%3A"): published EventBridge events show raw ':' in keys. So the key is
    /// taken verbatim; decoding it would turn a real '+' into a space and break every key holding '%'.
    /// </summary>
    [Theory]
    [InlineData("raw/health-check/2023-08-08T14:03:40.532432.zip")]
    [InlineData("a b+c%20d.txt")]
    [InlineData("café/😀.txt")]
    public void The_object_key_is_taken_verbatim_not_url_decoded(string key)
    {
        var json = """{"source":"aws.s3","detail-type":"Object Created","id":"e","detail":{"bucket":{"name":"b-1"},"object":{"size":5,"key":""" +
            System.Text.Json.JsonSerializer.Serialize(key) + "}}}";

        var changed = S3EventTranslator.ToChange(S3EventTranslator.Parse(Encoding.UTF8.GetBytes(json)), "m").Target;

        Assert.Equal(key, changed!.Key);
    }

    [Fact]
    public void An_event_without_an_object_key_still_serves_listing_mode_but_names_no_object()
    {
        var json = """{"source":"aws.s3","detail-type":"Object Created","id":"e","detail":{"bucket":{"name":"b-1"},"object":{"size":5}}}""";

        var change = S3EventTranslator.ToChange(S3EventTranslator.Parse(Encoding.UTF8.GetBytes(json)), "m");

        Assert.Equal(("b-1", null), (change.BucketName, change.Target));
    }

    [Theory]
    [InlineData("\"2026-11-30T15:01:08Z\"", "2026-11-30T15:01:09Z")]
    [InlineData("\"2026-11-30T15:01:08.250Z\"", "2026-11-30T15:01:09Z")]
    [InlineData("\"2026-11-30T17:01:08+02:00\"", "2026-11-30T15:01:09Z")]
    [InlineData("\"yesterday\"", null)]
    [InlineData("null", null)]
    public void A_change_is_complete_by_the_end_of_the_second_its_time_names_and_undated_without_one(string time, string? completedBy)
    {
        var json = """{"source":"aws.s3","detail-type":"Object Deleted","id":"e","time":""" + time + ""","detail":{"bucket":{"name":"b-1"}}}""";

        var change = S3EventTranslator.ToChange(S3EventTranslator.Parse(Encoding.UTF8.GetBytes(json)), "message-1");

        Assert.Equal(("message-1", "b-1", "e"), (change.ItemId, change.BucketName, change.EventId));
        Assert.Equal(completedBy is null ? null : DateTimeOffset.Parse(completedBy, CultureInfo.InvariantCulture), change.CompletedBy);
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
