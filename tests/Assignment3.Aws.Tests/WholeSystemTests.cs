using System.Text.Json;
using Amazon.S3.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Domain.UseCases;
using Assignment3.Functions.Driver;
using Assignment3.Functions.Plotting;
using Assignment3.Functions.SizeTracking;

namespace Assignment3.Aws.Tests;

/// <summary>
/// The deployed flow with emulators behind the real handlers: the driver writes to S3, the S3 emulator's events go
/// through the EventBridge rule's filter to size-tracking, and the driver calls plotting through a signed HTTP
/// request to a local stand-in for API Gateway.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class WholeSystemTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task The_driver_sees_0_18_27_0_2_and_the_chart_lands_in_the_plot_bucket()
    {
        var table = await DynamoDbHistoryRepositoryContract.CreateTableAsync(emulators);
        var (dataBucket, plotBucket) = (EmulatorFixture.UniqueName("data"), EmulatorFixture.UniqueName("plots"));
        await emulators.S3.PutBucketAsync(dataBucket);
        await emulators.S3.PutBucketAsync(plotBucket);
        await new S3BlobStore(emulators.S3).PutAsync(dataBucket, "leftover.bin", new byte[1234], "application/octet-stream", default);

        using var tracking = new SizeTrackingFunction(FunctionHarness.Settings(table), new StringWriter());
        using var plotting = new PlottingFunction(FunctionHarness.Settings(table, dataBucket, plotBucket), new StringWriter());
        await using var api = new LocalApiGateway(plotting.Handle);
        var driverLog = new StringWriter();
        using var driver = new DriverFunction(FunctionHarness.Settings(table, dataBucket, plotBucket, api.Url.ToString()), driverLog,
            new DemoSettings(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(20)));

        var rule = new EventBridgeRuleEmulation(emulators, dataBucket, tracking.Handle);
        string output;
        await using (rule)
        {
            output = await FunctionHarness.InvokeAsync(driver.Handle, "{}");
        }

        Assert.Empty(rule.Errors);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal("0 → 18 → 27 → 0 → 2", result.GetProperty("sequence").GetString());
        var chart = result.GetProperty("chart");
        Assert.Equal(5, chart.GetProperty("points").GetInt32());
        Assert.Equal(27, chart.GetProperty("max_size").GetInt64()); // the leftover was put before the rule listened
        using var png = await emulators.S3.GetObjectAsync(new GetObjectRequest { BucketName = plotBucket, Key = chart.GetProperty("plot_key").GetString() });
        Assert.Equal("image/png", png.Headers.ContentType);
        var link = chart.GetProperty("plot_url").GetString()!;
        Assert.Contains(link, FunctionHarness.LogLines(driverLog).Where(l => l.TryGetProperty("link", out _)).Select(l => l.GetProperty("link").GetString()));
        using (var http = new HttpClient())
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri(link))).StatusCode);
        }

        // Signed with the session credentials, token included, and checked by an independent SigV4 implementation.
        var signature = Assert.Single(api.Authorizations);
        Assert.Contains($"Credential={EmulatorFixture.AccessKeyId}/", signature, StringComparison.Ordinal);
        Assert.Contains($"/{EmulatorFixture.Region}/execute-api/aws4_request", signature, StringComparison.Ordinal);
        Assert.Contains("x-amz-security-token", signature, StringComparison.Ordinal);
        Assert.Empty(api.Refusals);
        Assert.Equal(5, FunctionHarness.LogLines(driverLog).Count(l => l.GetProperty("message").GetString()!.StartsWith("step ", StringComparison.Ordinal)));
        var remaining = (await emulators.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = dataBucket })).S3Objects;
        Assert.Equal(["assignment2.txt"], remaining.Select(o => o.Key));
    }

    [Fact]
    public async Task A_refused_chart_call_fails_the_driver_with_the_sizes_it_saw_and_the_reason()
    {
        var table = await DynamoDbHistoryRepositoryContract.CreateTableAsync(emulators);
        var (dataBucket, plotBucket) = (EmulatorFixture.UniqueName("data"), EmulatorFixture.UniqueName("plots"));
        await emulators.S3.PutBucketAsync(dataBucket);
        await emulators.S3.PutBucketAsync(plotBucket);
        using var tracking = new SizeTrackingFunction(FunctionHarness.Settings(table), new StringWriter());
        using var plotting = new PlottingFunction(FunctionHarness.Settings(table, dataBucket, plotBucket), new StringWriter());
        // The API expects another session's token: every call is refused, as API Gateway refuses stale credentials.
        await using var api = new LocalApiGateway(plotting.Handle, SigningExpectation.EmulatorSession with { SessionToken = "another-session" });
        var driverLog = new StringWriter();
        using var driver = new DriverFunction(FunctionHarness.Settings(table, dataBucket, plotBucket, api.Url.ToString()), driverLog,
            new DemoSettings(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(20)));

        Exception error;
        await using (var rule = new EventBridgeRuleEmulation(emulators, dataBucket, tracking.Handle))
        {
            error = await Assert.ThrowsAsync<DemoChartMissingException>(() => FunctionHarness.InvokeAsync(driver.Handle, "{}"));
        }

        Assert.StartsWith("the demo saw 0 → 18 → 27 → 0 → 2, but its chart is missing: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Contains("The security token included in the request is invalid.", error.Message, StringComparison.Ordinal);
        var line = Assert.Single(FunctionHarness.LogLines(driverLog), l => l.GetProperty("level").GetString() == "Error");
        Assert.Contains("0 → 18 → 27 → 0 → 2", line.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Single(api.Refusals);
    }
}
