using System.Text;
using System.Text.Json;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.PlotApi;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Tests;

public sealed class PlotApiTranslatorTests
{
    private const string DataBucket = "assignment3-data";

    private static byte[] Proxy(IDictionary<string, string>? query = null, string? body = null, string method = "POST", bool base64 = false) =>
        Encoding.UTF8.GetBytes(FunctionHarness.Proxy(query, body, method, base64));

    [Fact]
    public void A_plain_post_draws_the_data_bucket_over_the_default_window() =>
        Assert.Equal(new RenderSizeChart(DataBucket), PlotApiTranslator.Translate(Proxy(), DataBucket));

    [Theory]
    [InlineData("bucket", "other-bucket", null, "other-bucket", null)]
    [InlineData("window", "2m", null, DataBucket, 120)]
    [InlineData(null, null, """{"bucket":"other-bucket","window":"90s"}""", "other-bucket", 90)]
    [InlineData(null, null, """{"window":30}""", DataBucket, 30)]
    [InlineData(null, null, """{"window":null}""", DataBucket, null)]
    [InlineData("bucket", "same-bucket", """{"bucket":"same-bucket"}""", "same-bucket", null)]
    public void Bucket_and_window_come_from_the_query_or_the_body(string? name, string? value, string? body, string bucket, int? seconds)
    {
        var query = name is null ? null : new Dictionary<string, string> { [name] = value! };

        var request = PlotApiTranslator.Translate(Proxy(query, body), DataBucket);

        Assert.Equal(bucket, request.BucketName);
        Assert.Equal(seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), request.Window);
    }

    [Fact]
    public void A_base64_body_is_decoded() =>
        Assert.Equal("b64-bucket", PlotApiTranslator.Translate(Proxy(body: """{"bucket":"b64-bucket"}""", base64: true), DataBucket).BucketName);

    [Theory]
    [InlineData("window=soon", null, "POST", "window: 'soon' is not a duration")]
    [InlineData(null, "{oops", "POST", "body must be a JSON object")]
    [InlineData(null, """{"window":[1]}""", "POST", "window must be a string")]
    [InlineData(null, """{"window":true}""", "POST", "window must be a string")]
    [InlineData("bucket=one-bucket", """{"bucket":"other-bucket"}""", "POST", "bucket is given twice")]
    [InlineData("window=10s", """{"window":"20s"}""", "POST", "window is given twice")]
    [InlineData(null, null, "GET", "method GET is not supported")]
    [InlineData(null, null, "DELETE", "method DELETE is not supported")]
    public void Bad_parameters_are_refused_saying_what_is_wrong(string? query, string? body, string method, string problem)
    {
        var parameters = query?.Split('=') is [var name, var value] ? new Dictionary<string, string> { [name] = value } : null;

        var error = Assert.Throws<BadPlotRequestException>(() => PlotApiTranslator.Translate(Proxy(parameters, body, method), DataBucket));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("null")]
    public void A_payload_that_is_not_a_proxy_event_is_refused(string payload) =>
        Assert.Throws<BadPlotRequestException>(() => PlotApiTranslator.Translate(Encoding.UTF8.GetBytes(payload), DataBucket));

    [Fact]
    public void A_drawn_chart_is_200_with_where_it_is_and_its_link()
    {
        var largest = new SizeRecord(DataBucket, DateTimeOffset.UnixEpoch.AddSeconds(5), 27, 1);
        var chart = new SizeChartResult.Rendered(DataBucket, new BlobLocation("plots", "a/b.png"), 5, largest,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(10), new Uri("https://plots.example/a/b.png?X-Amz-Expires=900"));

        var response = PlotApiTranslator.Answer(chart);

        Assert.Equal(200, response.StatusCode);
        var body = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("s3://plots/a/b.png", body.GetProperty("plot").GetString());
        Assert.Equal(27, body.GetProperty("max_size").GetInt64());
        Assert.Equal("https://plots.example/a/b.png?X-Amz-Expires=900", body.GetProperty("plot_url").GetString());
        Assert.Equal(chart, JsonSerializer.Deserialize(response.Body, PlotApiJsonContext.Default.PlotResponseBody)!.ToResult());
    }

    [Fact]
    public void No_history_is_404_with_a_message()
    {
        var response = PlotApiTranslator.Answer(new SizeChartResult.NoHistory("empty-bucket"));

        Assert.Equal(404, response.StatusCode);
        Assert.Equal("no history for bucket empty-bucket", JsonDocument.Parse(response.Body).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("7", 7000)]
    [InlineData(" 3S ", 3000)]
    public void Durations_parse_as_people_type_them(string text, long milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration, out _));
        Assert.Equal(milliseconds, (long)duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10 parsecs")]
    [InlineData("NaNs")]
    [InlineData("1e300s")]
    public void Anything_else_is_refused_with_an_example(string text)
    {
        Assert.False(DurationText.TryParse(text, out _, out var error));
        Assert.Contains("e.g. 10s", error, StringComparison.Ordinal);
    }
}
