using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using Assignment3.Domain;

namespace Assignment3.Aws.Tests;

/// <summary>
/// The size-tracking and plotting bundles as deployed: Native AOT executables for this machine's processor, published
/// once for these tests.
/// </summary>
public class NativeBundles : IDisposable
{
    private readonly TempDirectory _directory = new();

    public NativeBundles()
        : this(FunctionBundles.HostArchitecture)
    {
    }

    /// <summary>Publishes for <paramref name="architecture"/>, with the cross toolchain when it is not this machine's.</summary>
    protected NativeBundles(LambdaArchitecture architecture)
    {
        Architecture = architecture;
        var toolchain = NativeToolchain.For(FunctionBundles.HostArchitecture, architecture);
        foreach (var function in FunctionCatalog.All.Where(f => f.PreferredRuntime == FunctionRuntime.NativeAot))
        {
            FunctionBundles.Publish(function.Bundle(architecture), Bundle(function), [.. toolchain.PublishProperties]);
        }
    }

    /// <summary>The processor the bundles are compiled for.</summary>
    public LambdaArchitecture Architecture { get; }

    /// <summary>The folder of <paramref name="function"/>'s published bundle.</summary>
    public string Bundle(LambdaFunctionSpec function) => _directory[function.Name];

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same bundles for the other processor (arm64 on an x86-64 machine), cross-compiled as synth does.</summary>
public sealed class OtherArchitectureBundles() : NativeBundles(FunctionBundles.HostArchitecture == LambdaArchitecture.Arm64 ? LambdaArchitecture.X86_64 : LambdaArchitecture.Arm64);

/// <summary>The native bundles for this machine's processor, run directly.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class NativeBundleTests(EmulatorFixture emulators, NativeBundles bundles)
    : NativeBundleContract(emulators, bundles), IClassFixture<NativeBundles>;

/// <summary>The native bundles for the other processor (arm64, the default, on an x86-64 machine), run under qemu-user.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class OtherArchitectureNativeBundleTests(EmulatorFixture emulators, OtherArchitectureBundles bundles)
    : NativeBundleContract(emulators, bundles), IClassFixture<OtherArchitectureBundles>;

/// <summary>
/// Runs each native bundle as provided.al2023 does — its <c>bootstrap</c> in a fresh process, talking to a strict
/// stand-in of the Runtime API — against the emulators. What only the compiled executable can show is shown here:
/// that nothing it needs was trimmed away (MediatR's generic handlers, the AWS SDK, JSON contracts, Skia, the font).
/// </summary>
public abstract class NativeBundleContract(EmulatorFixture emulators, NativeBundles bundles)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60); // generous: qemu runs the other processor's bundles

    [Fact]
    public async Task Native_size_tracking_records_an_event_once_across_two_deliveries_reports_a_bad_event_as_an_error_and_keeps_to_its_memory()
    {
        var table = await emulators.CreateTableAsync();
        var bucket = EmulatorFixture.UniqueName("native");
        await emulators.S3.PutBucketAsync(bucket);
        await new S3BlobStore(emulators.S3).PutAsync(bucket, "assignment1.txt", "Empty Assignment 1"u8.ToArray(), "text/plain", default);
        await using var runtimeApi = new LocalRuntimeApi();
        using var bootstrap = Start(FunctionCatalog.SizeTracking, runtimeApi, new()
        {
            [FunctionSettingNames.TableName] = table,
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256",
        });

        var first = await OutcomeAsync(runtimeApi, bootstrap, FunctionHarness.ObjectCreated(bucket, eventId: "native-1", key: "assignment1.txt", size: 18));
        var again = await OutcomeAsync(runtimeApi, bootstrap, FunctionHarness.ObjectCreated(bucket, eventId: "native-1", key: "assignment1.txt", size: 18));
        var bad = await OutcomeAsync(runtimeApi, bootstrap, """{"source":"aws.ec2","detail-type":"Object Created"}""");

        Assert.True(first.Succeeded, first.Text);
        using var recorded = JsonDocument.Parse(first.Body);
        Assert.Equal((18L, 1, false), (recorded.RootElement.GetProperty("total_size").GetInt64(),
            recorded.RootElement.GetProperty("object_cnt").GetInt32(), recorded.RootElement.GetProperty("duplicate").GetBoolean()));
        Assert.True(again.Succeeded, again.Text);
        Assert.True(JsonDocument.Parse(again.Body).RootElement.GetProperty("duplicate").GetBoolean());
        Assert.False(bad.Succeeded);
        Assert.Equal("InvalidEventException", bad.ErrorType);
        var items = (await emulators.DynamoDb.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "bucket_name = :b",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = new() { S = bucket } },
        })).Items;
        Assert.Equal("18", Assert.Single(items)[HistorySchema.SizeAttribute].N);
        // Lambda's memory setting became the GC's limit (the machine itself has far more).
        var lines = bootstrap.StopAndReadOutput().Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var metrics = lines.Where(line => line.TryGetProperty("_aws", out _)).ToList();
        lines = [.. lines.Except(metrics)];
        var started = lines.First(line => line.GetProperty("message").GetString()!.Contains("runtime started", StringComparison.Ordinal));
        Assert.Equal(256L * 1048576, started.GetProperty("availableBytes").GetInt64());
        // Every line after start-up belongs to an invocation, and each invocation's lines carry its own request id:
        // the duplicate's notice the second's, the bad event's error the third's.
        var invocationLines = lines.Where(line => line.GetProperty("category").GetString() != "runtime").ToList();
        Assert.NotEmpty(invocationLines);
        Assert.All(invocationLines, line => Assert.Contains(line.GetProperty("requestId").GetString(), new[] { first.RequestId, again.RequestId, bad.RequestId }));
        Assert.Contains(invocationLines, line => line.GetProperty("requestId").GetString() == again.RequestId
            && line.GetProperty("message").GetString()!.Contains("was recorded before", StringComparison.Ordinal));
        Assert.Contains(invocationLines, line => line.GetProperty("requestId").GetString() == bad.RequestId && line.GetProperty("level").GetString() == "ERROR");
        // The one metric line (the repeat adds no data point) names the invocation that recorded it.
        Assert.Equal(first.RequestId, Assert.Single(metrics).GetProperty("requestId").GetString());
    }

    /// <summary>As on Lambda, the machine has no fonts: the process runs in a mount namespace where /usr/share/fonts is empty.</summary>
    [Fact]
    public async Task Native_plotting_draws_the_chart_with_its_text_on_a_machine_without_fonts_and_links_to_it()
    {
        var table = await emulators.CreateTableAsync();
        var (data, plots) = (EmulatorFixture.UniqueName("nativedata"), EmulatorFixture.UniqueName("nativeplots"));
        await emulators.S3.PutBucketAsync(plots);
        var history = new DynamoDbHistoryRepository(emulators.DynamoDb, table, HistorySchema.SizeIndexName);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
        foreach (var (offset, size) in new[] { (0, 0L), (1500, 18L), (3000, 27L), (4500, 0L), (6000, 2L) })
        {
            await history.AppendAsync(new SizeRecord(data, t0.AddMilliseconds(offset), size, size > 0 ? 1 : 0), null, default);
        }

        await using var runtimeApi = new LocalRuntimeApi();
        using var bootstrap = Start(FunctionCatalog.Plotting, runtimeApi, new()
        {
            [FunctionSettingNames.TableName] = table,
            [FunctionSettingNames.DataBucket] = data,
            [FunctionSettingNames.PlotBucket] = plots,
        }, withoutFonts: true);

        var outcome = await OutcomeAsync(runtimeApi, bootstrap, FunctionHarness.Proxy());

        Assert.True(outcome.Succeeded, outcome.Text);
        using var proxy = JsonDocument.Parse(outcome.Body);
        Assert.Equal(200, proxy.RootElement.GetProperty("statusCode").GetInt32());
        using var answer = JsonDocument.Parse(proxy.RootElement.GetProperty("body").GetString()!);
        Assert.Equal((5, 27L), (answer.RootElement.GetProperty("points").GetInt32(), answer.RootElement.GetProperty("max_size").GetInt64()));
        using var stored = await emulators.S3.GetObjectAsync(plots, answer.RootElement.GetProperty("plot_key").GetString());
        using var png = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(png);
        var text = ChartImage.Text(png.ToArray());
        Assert.True(text.Everywhere, $"the native bundle drew charts without their text: its font did not load ({text})");
        Assert.StartsWith($"{emulators.S3Endpoint}", answer.RootElement.GetProperty("plot_url").GetString(), StringComparison.Ordinal);
    }

    private static async Task<RuntimeApiOutcome> OutcomeAsync(LocalRuntimeApi runtimeApi, NativeBootstrap bootstrap, string payload)
    {
        try
        {
            return await runtimeApi.OutcomeAsync(runtimeApi.Enqueue(payload)).WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no answer within {Patience.TotalSeconds:F0} s; the bootstrap said: {bootstrap.StopAndReadOutput()}");
        }
    }

    private NativeBootstrap Start(LambdaFunctionSpec function, LocalRuntimeApi runtimeApi, Dictionary<string, string> settings, bool withoutFonts = false) =>
        NativeBootstrap.Start(function, bundles.Bundle(function), runtimeApi, settings, withoutFonts, bundles.Architecture);
}
