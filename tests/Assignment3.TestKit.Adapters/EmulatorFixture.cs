using System.Diagnostics;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Assignment3.Adapters.Aws;

namespace Assignment3.TestKit.Adapters;

/// <summary>
/// Starts AWS's DynamoDB Local and s3rver (S3) once for the collection, each on a free 127.0.0.1 port, points the AWS
/// SDK at them through the standard AWS_ENDPOINT_URL_* settings, and stops them afterwards. The credentials are
/// temporary ones (key, secret and session token), as Lambda's always are. s3rver reports every object change as the
/// EventBridge document S3 would send; <see cref="S3EventReceived"/> delivers them.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private readonly string _s3Directory = Directory.CreateTempSubdirectory("assignment3-s3rver-").FullName;
    private Process? _dynamoDb;
    private Process? _s3;
    private Task? _eventPump;

    /// <summary>Each EventBridge document the S3 emulator emits (called on the reader thread).</summary>
    public event Action<string>? S3EventReceived;

    /// <summary>The access key id of the session credentials every client uses (s3rver accepts only this one).</summary>
    public const string AccessKeyId = "S3RVER";

    /// <summary>The secret key of the session credentials.</summary>
    public const string SecretAccessKey = "S3RVER";

    /// <summary>The session token: with it, the credentials are temporary ones, like a Lambda function's.</summary>
    public const string SessionToken = "FwoGZXIvYXdzEAssignment3LocalSessionToken";

    /// <summary>The region every client and signature uses.</summary>
    public const string Region = "us-east-1";

    public IAmazonDynamoDB DynamoDb { get; private set; } = null!;

    public IAmazonS3 S3 { get; private set; } = null!;

    /// <summary>Where DynamoDB Local listens.</summary>
    public Uri DynamoDbEndpoint { get; private set; } = null!;

    /// <summary>Where s3rver listens.</summary>
    public Uri S3Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (dynamoDb, dynamoDbEndpoint) = await StartAsync([Script, "dynamodb"]);
        DynamoDbEndpoint = new Uri(dynamoDbEndpoint);
        var (s3, s3Endpoint) = await StartAsync(["--openssl-legacy-provider", Script, "s3", _s3Directory, "--events"]);
        (_dynamoDb, _s3) = (dynamoDb, s3);
        S3Endpoint = new Uri(s3Endpoint);
        _eventPump = Task.Run(async () =>
        {
            // Always drain the emulator's output, or it blocks once the pipe is full.
            while (await s3.StandardOutput.ReadLineAsync() is { } line)
            {
                S3EventReceived?.Invoke(line);
            }
        });

        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoDbEndpoint,
            ["AWS_ENDPOINT_URL_S3"] = s3Endpoint,
            ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
            ["AWS_SESSION_TOKEN"] = SessionToken,
            ["AWS_REGION"] = Region,
            // s3rver does not understand the SDK's default streaming checksums.
            ["AWS_REQUEST_CHECKSUM_CALCULATION"] = "when_required",
            ["AWS_RESPONSE_CHECKSUM_VALIDATION"] = "when_required",
        })
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddAwsClients();
        var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        DynamoDb = (IAmazonDynamoDB)provider.GetService(typeof(IAmazonDynamoDB))!;
        S3 = (IAmazonS3)provider.GetService(typeof(IAmazonS3))!;
    }

    /// <summary>A DynamoDB client configured as the functions configure theirs, sending to <paramref name="endpoint"/> (a proxy in front of the emulator).</summary>
    public static IAmazonDynamoDB DynamoDbVia(Uri endpoint)
    {
        var address = endpoint.ToString();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddAwsClients(name => name == Assignment3.Adapters.Aws.DependencyInjection.DynamoDbEndpointVariable ? address : Environment.GetEnvironmentVariable(name));
        return (IAmazonDynamoDB)Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions
            .BuildServiceProvider(services).GetService(typeof(IAmazonDynamoDB))!;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { _dynamoDb, _s3 })
        {
            if (process is null)
            {
                continue;
            }

            // Closing stdin asks the emulator to stop; kill it if it does not.
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        if (_eventPump is not null)
        {
            await _eventPump;
        }

        Directory.Delete(_s3Directory, recursive: true);
    }

    /// <summary>A new history table, defined as the stack deploys it (index included), active and empty.</summary>
    public async Task<string> CreateTableAsync()
    {
        var name = UniqueName("history");
        await DynamoDbHistoryRepository.EnsureTableAsync(DynamoDb, name, Catalog.HistorySchema.SizeIndexName);
        return name;
    }

    /// <summary>A new table of incremental tracking's object states, defined as the stack deploys it (<see cref="Catalog.ObjectStateSchema"/>), active and empty.</summary>
    public async Task<string> CreateObjectStateTableAsync()
    {
        var name = UniqueName("objects");
        await DynamoDbObjectStateStore.EnsureTableAsync(DynamoDb, name);
        return name;
    }

    /// <summary>A name no other test uses, valid for buckets and tables.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];

    private static string Script => Path.Combine(TestPaths.RepositoryRoot(), "scripts", "emulator.js");

    private static async Task<(Process Process, string Endpoint)> StartAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestPaths.RepositoryRoot(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started");
        // DynamoDB Local is a JVM: on a loaded two-core machine its start alone can take half a minute.
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (first is null)
        {
            throw new InvalidOperationException(
                $"emulator '{string.Join(' ', arguments)}' exited: {await process.StandardError.ReadToEndAsync()} (did `npm ci` run?)");
        }

        process.BeginErrorReadLine(); // drained and dropped: the emulators run silent
        return (process, JsonDocument.Parse(first).RootElement.GetProperty("endpoint").GetString()!);
    }
}
