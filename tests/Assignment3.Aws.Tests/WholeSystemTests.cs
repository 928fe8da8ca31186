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
        await using var system = await DeployedSystem.StartAsync(emulators, SigningExpectation.EmulatorSession);
        var (dataBucket, plotBucket, api, driverLog) = (system.DataBucket, system.PlotBucket, system.Api, system.DriverLog);
        await new S3BlobStore(emulators.S3).PutAsync(dataBucket, "leftover.bin", new byte[1234], "application/octet-stream", default);

        var output = await system.RunDriverAsync();

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
        // The API expects another session's token: every call is refused, as API Gateway refuses stale credentials.
        await using var system = await DeployedSystem.StartAsync(emulators, SigningExpectation.EmulatorSession with { SessionToken = "another-session" });

        var error = await Assert.ThrowsAsync<DemoChartMissingException>(system.RunDriverAsync);

        Assert.StartsWith("the demo saw 0 → 18 → 27 → 0 → 2, but its chart is missing: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Contains("The security token included in the request is invalid.", error.Message, StringComparison.Ordinal);
        var line = Assert.Single(FunctionHarness.LogLines(system.DriverLog), l => l.GetProperty("level").GetString() == "ERROR");
        Assert.Contains("0 → 18 → 27 → 0 → 2", line.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Single(system.Api.Refusals);
    }

    /// <summary>A table, the two buckets, the three functions, the API stand-in and the rule, as the stacks deploy them.</summary>
    private sealed class DeployedSystem : IAsyncDisposable
    {
        private readonly EmulatorFixture _emulators;
        private readonly SizeTrackingFunction _tracking;
        private readonly PlottingFunction _plotting;
        private readonly DriverFunction _driver;

        private DeployedSystem(EmulatorFixture emulators, string table, string dataBucket, string plotBucket, SigningExpectation apiExpects)
        {
            (_emulators, DataBucket, PlotBucket) = (emulators, dataBucket, plotBucket);
            _tracking = new SizeTrackingFunction(FunctionHarness.Settings(table), new StringWriter());
            _plotting = new PlottingFunction(FunctionHarness.Settings(table, dataBucket, plotBucket), new StringWriter());
            Api = new LocalApiGateway(_plotting.Handle, apiExpects);
            _driver = new DriverFunction(FunctionHarness.Settings(table, dataBucket, plotBucket, Api.Url.ToString()), DriverLog,
                new DemoSettings(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(20)));
        }

        public string DataBucket { get; }

        public string PlotBucket { get; }

        public LocalApiGateway Api { get; }

        public StringWriter DriverLog { get; } = new();

        public static async Task<DeployedSystem> StartAsync(EmulatorFixture emulators, SigningExpectation apiExpects)
        {
            var table = await emulators.CreateTableAsync();
            var (dataBucket, plotBucket) = (EmulatorFixture.UniqueName("data"), EmulatorFixture.UniqueName("plots"));
            await emulators.S3.PutBucketAsync(dataBucket);
            await emulators.S3.PutBucketAsync(plotBucket);
            return new DeployedSystem(emulators, table, dataBucket, plotBucket, apiExpects);
        }

        /// <summary>Invokes the driver while the rule delivers the data bucket's events to size tracking.</summary>
        public async Task<string> RunDriverAsync()
        {
            await using var rule = new EventBridgeRuleEmulation(_emulators, DataBucket, _tracking.Handle);
            var output = await FunctionHarness.InvokeAsync(_driver.Handle, "{}");
            Assert.Empty(rule.Errors);
            return output;
        }

        public async ValueTask DisposeAsync()
        {
            _driver.Dispose();
            await Api.DisposeAsync();
            _plotting.Dispose();
            _tracking.Dispose();
        }
    }
}
