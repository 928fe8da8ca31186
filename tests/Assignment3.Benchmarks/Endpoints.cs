using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using Microsoft.Extensions.DependencyInjection;

namespace Assignment3.Benchmarks;

/// <summary>
/// What the benchmark measures against: the endpoints in AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_S3 when both
/// are set (any emulator, or a real account's regional endpoints with the usual AWS credentials), otherwise the
/// local emulators it starts itself. Tables and buckets it creates are deleted again at the end.
/// </summary>
internal sealed class Endpoints : IAsyncDisposable
{
    private readonly EmulatorFixture? _emulators;
    private readonly List<string> _tables = [];
    private readonly List<string> _buckets = [];

    private Endpoints(string description, IAmazonDynamoDB dynamoDb, IAmazonS3 s3, EmulatorFixture? emulators)
    {
        (Description, DynamoDb, S3, _emulators) = (description, dynamoDb, s3, emulators);
    }

    /// <summary>The emulators this benchmark started, or null when it measures given endpoints.</summary>
    public EmulatorFixture? Emulators => _emulators;

    /// <summary>Which endpoints, in words, for the report.</summary>
    public string Description { get; }

    /// <summary>A client configured as the functions configure theirs.</summary>
    public IAmazonDynamoDB DynamoDb { get; }

    /// <summary>A client configured as the functions configure theirs.</summary>
    public IAmazonS3 S3 { get; }

    /// <summary>True for plain-http endpoints, where a recording proxy can count the requests a handler makes.</summary>
    public static bool CanCountRequests =>
        Environment.GetEnvironmentVariable(DependencyInjection.DynamoDbEndpointVariable)!.StartsWith("http://", StringComparison.Ordinal)
        && Environment.GetEnvironmentVariable(DependencyInjection.S3EndpointVariable)!.StartsWith("http://", StringComparison.Ordinal);

    public static async Task<Endpoints> OpenAsync()
    {
        var dynamoDb = Environment.GetEnvironmentVariable(DependencyInjection.DynamoDbEndpointVariable);
        var s3 = Environment.GetEnvironmentVariable(DependencyInjection.S3EndpointVariable);
        if (string.IsNullOrEmpty(dynamoDb) != string.IsNullOrEmpty(s3))
        {
            throw new ArgumentException(
                $"set both {DependencyInjection.DynamoDbEndpointVariable} and {DependencyInjection.S3EndpointVariable}, or neither (to start the local emulators)");
        }

        if (!string.IsNullOrEmpty(dynamoDb))
        {
            var provider = new ServiceCollection().AddAwsClients().BuildServiceProvider();
            return new Endpoints($"given endpoints: DynamoDB {dynamoDb}, S3 {s3}",
                provider.GetRequiredService<IAmazonDynamoDB>(), provider.GetRequiredService<IAmazonS3>(), null);
        }

        var emulators = new EmulatorFixture();
        await emulators.InitializeAsync();
        return new Endpoints("local emulators: DynamoDB Local and s3rver on 127.0.0.1", emulators.DynamoDb, emulators.S3, emulators);
    }

    /// <summary>A new history table, defined as the stack defines it, active.</summary>
    public async Task<string> CreateTableAsync()
    {
        var name = EmulatorFixture.UniqueName("bench-history");
        _tables.Add(name);
        await DynamoDbHistoryRepository.EnsureTableAsync(DynamoDb, name, HistorySchema.SizeIndexName);
        return name;
    }

    /// <summary>A new table of incremental tracking's object states, defined as the stack defines it, active.</summary>
    public async Task<string> CreateObjectStateTableAsync()
    {
        var name = EmulatorFixture.UniqueName("bench-objects");
        _tables.Add(name);
        await DynamoDbObjectStateStore.EnsureTableAsync(DynamoDb, name);
        return name;
    }

    /// <summary>A new, empty bucket.</summary>
    public async Task<string> CreateBucketAsync(string prefix)
    {
        var name = EmulatorFixture.UniqueName(prefix);
        _buckets.Add(name);
        await S3.PutBucketAsync(name);
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        if (_emulators is not null)
        {
            await _emulators.DisposeAsync();
            return;
        }

        // Given endpoints may be a real account: leave nothing behind.
        foreach (var table in _tables)
        {
            await DynamoDb.DeleteTableAsync(table);
        }

        var store = new S3BlobStore(S3);
        foreach (var bucket in _buckets)
        {
            ListObjectsV2Response page;
            var request = new ListObjectsV2Request { BucketName = bucket };
            do
            {
                page = await S3.ListObjectsV2Async(request);
                if (page.S3Objects is { Count: > 0 } objects)
                {
                    await store.DeleteAsync(bucket, [.. objects.Select(o => o.Key)], default);
                }

                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);

            await S3.DeleteBucketAsync(bucket);
        }
    }
}

/// <summary>Recording proxies in front of both endpoints, and the settings that send a function's clients through them.</summary>
internal sealed class RecordingProxies : IAsyncDisposable
{
    public FaultProxy DynamoDb { get; } = new(new Uri(Environment.GetEnvironmentVariable(DependencyInjection.DynamoDbEndpointVariable)!));

    public FaultProxy S3 { get; } = new(new Uri(Environment.GetEnvironmentVariable(DependencyInjection.S3EndpointVariable)!));

    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        [DependencyInjection.DynamoDbEndpointVariable] = DynamoDb.Endpoint.ToString(),
        [DependencyInjection.S3EndpointVariable] = S3.Endpoint.ToString(),
    };

    /// <summary>Every request either proxy saw.</summary>
    public int Total => DynamoDb.Requests.Count + S3.Requests.Count;

    public async ValueTask DisposeAsync()
    {
        await DynamoDb.DisposeAsync();
        await S3.DisposeAsync();
    }
}
