using System.Text.Json;
using Amazon.S3.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Domain;
using Assignment3.Functions.Plotting;
using AwsSetup = Assignment3.Adapters.Aws.DependencyInjection;

namespace Assignment3.Aws.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class PlottingFunctionTests(EmulatorFixture emulators)
{
    private static readonly DateTimeOffset Latest = new(2026, 11, 26, 12, 0, 30, TimeSpan.Zero);

    private sealed record Setup(PlottingFunction Function, string Table, string DataBucket, string PlotBucket, StringWriter Log) : IDisposable
    {
        public void Dispose() => Function.Dispose();
    }

    private Task<Setup> CreateAsync(params (int OffsetMs, long Size)[] history) => CreateAsync(null, history);

    // With a proxy, the function's DynamoDB client goes through it (the test's own writes do not).
    private async Task<Setup> CreateAsync(FaultProxy? dynamoDbProxy, params (int OffsetMs, long Size)[] history)
    {
        var table = await emulators.CreateTableAsync();
        var (dataBucket, plotBucket) = (EmulatorFixture.UniqueName("data"), EmulatorFixture.UniqueName("plots"));
        await emulators.S3.PutBucketAsync(plotBucket);
        var repository = new DynamoDbHistoryRepository(emulators.DynamoDb, table, DynamoDbHistoryRepositoryContract.IndexName);
        foreach (var (offset, size) in history)
        {
            await repository.AppendAsync(new SizeRecord(dataBucket, Latest.AddMilliseconds(offset), size, size > 0 ? 1 : 0), null, default);
        }

        var log = new StringWriter();
        var endpoints = dynamoDbProxy is null ? null
            : new Dictionary<string, string> { [AwsSetup.DynamoDbEndpointVariable] = dynamoDbProxy.Endpoint.ToString() };
        return new Setup(new PlottingFunction(FunctionHarness.Settings(table, dataBucket, plotBucket, more: endpoints), log), table, dataBucket, plotBucket, log);
    }

    private static async Task<(int Status, JsonElement Body)> Call(PlottingFunction function, string proxyEvent)
    {
        var response = JsonDocument.Parse(await FunctionHarness.InvokeAsync(function.Handle, proxyEvent)).RootElement;
        var body = response.GetProperty("body").GetString()!;
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.Equal("application/json", response.GetProperty("headers").GetProperty("Content-Type").GetString());
        return (response.GetProperty("statusCode").GetInt32(), JsonDocument.Parse(body).RootElement);
    }

    [Fact]
    public async Task A_plain_post_draws_the_data_bucket_over_ten_seconds_and_stores_a_png()
    {
        using var setup = await CreateAsync((-60_000, 500), (-10_000, 18), (-5000, 27), (0, 2));

        var (status, body) = await Call(setup.Function, FunctionHarness.Proxy());

        Assert.Equal(200, status);
        Assert.Equal(setup.DataBucket, body.GetProperty("bucket").GetString());
        Assert.Equal(3, body.GetProperty("points").GetInt32());
        Assert.Equal(500, body.GetProperty("max_size").GetInt64());
        Assert.Equal(setup.PlotBucket, body.GetProperty("plot_bucket").GetString());
        var key = body.GetProperty("plot_key").GetString()!;
        Assert.Equal($"s3://{setup.PlotBucket}/{key}", body.GetProperty("plot").GetString());
        using var png = await emulators.S3.GetObjectAsync(new GetObjectRequest { BucketName = setup.PlotBucket, Key = key });
        Assert.Equal("image/png", png.Headers.ContentType);
        Assert.Equal(0x89, png.ResponseStream.ReadByte());

        // The link a person opens: presigned for 15 minutes with the function's session credentials, no others needed.
        var link = new Uri(body.GetProperty("plot_url").GetString()!);
        var expires = int.Parse(System.Text.RegularExpressions.Regex.Match(link.Query, "X-Amz-Expires=([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, 899, 901); // 15 minutes, give or take the SDK's rounding
        Assert.Contains("X-Amz-Security-Token=", link.Query, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var download = await http.GetAsync(link);
        Assert.Equal(System.Net.HttpStatusCode.OK, download.StatusCode);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await download.Content.ReadAsByteArrayAsync())[..4]);
    }

    private static bool IsQuery(ProxiedRequest request) => request.Target?.EndsWith(".Query", StringComparison.Ordinal) == true;

    [Fact]
    public async Task Reads_throttled_within_the_sdk_retries_still_draw_the_whole_window()
    {
        await using var dynamoDb = new FaultProxy(emulators.DynamoDbEndpoint);
        using var setup = await CreateAsync(dynamoDb, (-60_000, 500), (-10_000, 18), (-5000, 27), (0, 2));
        dynamoDb.Throttle(3, IsQuery);

        var (status, body) = await Call(setup.Function, FunctionHarness.Proxy());

        Assert.Equal(200, status);
        Assert.Equal((3, 500L), (body.GetProperty("points").GetInt32(), body.GetProperty("max_size").GetInt64()));
        Assert.Equal(3, dynamoDb.Requests.Count(r => IsQuery(r) && r.Status == 400));
    }

    [Fact]
    public async Task Reads_throttled_past_the_sdk_retries_answer_500_with_one_error_line_and_store_no_chart()
    {
        await using var dynamoDb = new FaultProxy(emulators.DynamoDbEndpoint);
        using var setup = await CreateAsync(dynamoDb, (-5000, 27), (0, 2));
        dynamoDb.Throttle(100, IsQuery);

        var (status, body) = await Call(setup.Function, FunctionHarness.Proxy());

        Assert.Equal(500, status);
        Assert.Contains("log has the details", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        var error = Assert.Single(FunctionHarness.LogLines(setup.Log), l => l.GetProperty("level").GetString() == "ERROR");
        Assert.Contains("ProvisionedThroughputExceeded", error.GetRawText(), StringComparison.Ordinal);
        Assert.Empty((await emulators.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = setup.PlotBucket })).S3Objects ?? []);
    }

    [Fact]
    public async Task Bucket_and_window_come_from_the_query_string_or_the_body()
    {
        using var setup = await CreateAsync((-60_000, 500), (-10_000, 18), (0, 2));

        var fromQuery = await Call(setup.Function, FunctionHarness.Proxy(query: new Dictionary<string, string> { ["bucket"] = setup.DataBucket, ["window"] = "1m" }));
        var fromBody = await Call(setup.Function, FunctionHarness.Proxy(body: $$"""{"bucket":"{{setup.DataBucket}}","window":60}""", base64: true));

        Assert.Equal(3, fromQuery.Body.GetProperty("points").GetInt32());
        Assert.Equal(3, fromBody.Body.GetProperty("points").GetInt32());
    }

    [Fact]
    public async Task A_bucket_without_history_is_404()
    {
        using var setup = await CreateAsync();

        var (status, body) = await Call(setup.Function, FunctionHarness.Proxy());

        Assert.Equal(404, status);
        Assert.Equal($"no history for bucket {setup.DataBucket}", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("window=soon", null, "POST", "window: 'soon' is not a duration")]
    [InlineData("window=-5s", null, "POST", "Window: must be more than 0")]
    [InlineData("bucket=Not_Valid", null, "POST", "BucketName")]
    [InlineData(null, "{oops", "POST", "body must be a JSON object")]
    [InlineData(null, """{"window":[1]}""", "POST", "window must be a string")]
    [InlineData("bucket=one-bucket", """{"bucket":"other-bucket"}""", "POST", "bucket is given twice")]
    [InlineData(null, null, "GET", "method GET is not supported")]
    public async Task Bad_parameters_are_400_saying_what_is_wrong_and_nothing_is_stored(string? query, string? body, string method, string problem)
    {
        using var setup = await CreateAsync((0, 2));
        var parameters = query?.Split('=') is [var name, var value] ? new Dictionary<string, string> { [name] = value } : null;

        var (status, error) = await Call(setup.Function, FunctionHarness.Proxy(parameters, body, method));

        Assert.Equal(400, status);
        Assert.Contains(problem, error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await emulators.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = setup.PlotBucket })).S3Objects ?? []);
        // The caller's mistake: one warning, no error, no stack trace.
        var lines = FunctionHarness.LogLines(setup.Log);
        Assert.DoesNotContain(lines, line => line.GetProperty("level").GetString() == "ERROR");
        var warning = Assert.Single(lines, line => line.GetProperty("level").GetString() == "WARN");
        Assert.False(warning.TryGetProperty("exception", out _));
        Assert.Contains(problem, warning.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fault_is_500_with_no_internals_in_the_body_and_the_details_in_the_log()
    {
        var log = new StringWriter();
        using var function = new PlottingFunction(FunctionHarness.Settings("no-such-table", "some-bucket", "some-plots"), log);

        var (status, body) = await Call(function, FunctionHarness.Proxy());

        Assert.Equal(500, status);
        Assert.Equal("internal error; the plotting function's log has the details", body.GetProperty("error").GetString());
        var line = Assert.Single(FunctionHarness.LogLines(log), l => l.GetProperty("level").GetString() == "ERROR");
        Assert.Equal("ResourceNotFoundException", line.GetProperty("exception").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_missing_plot_bucket_setting_is_500_naming_the_variable()
    {
        using var function = new PlottingFunction(new Adapters.Lambda.FunctionSettings(n => n == "TABLE_NAME" ? "t" : n == "DATA_BUCKET_NAME" ? "data-bucket" : null), new StringWriter());

        var (status, body) = await Call(function, FunctionHarness.Proxy());

        Assert.Equal(500, status);
        Assert.Contains("PLOT_BUCKET_NAME", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
