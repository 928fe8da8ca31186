using Amazon.DynamoDBv2;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Assignment3.Domain.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assignment3.Adapters.Aws;

/// <summary>Registers the AWS adapters. Clients come from AWSSDK.Extensions.NETCore.Setup and honour the standard
/// settings (region, credentials, <c>AWS_ENDPOINT_URL_S3</c> / <c>AWS_ENDPOINT_URL_DYNAMODB</c> for emulators).</summary>
public static class DependencyInjection
{
    /// <summary>The endpoint override for S3 (an emulator, or a proxy in tests).</summary>
    public const string S3EndpointVariable = "AWS_ENDPOINT_URL_S3";

    /// <summary>The endpoint override for DynamoDB.</summary>
    public const string DynamoDbEndpointVariable = "AWS_ENDPOINT_URL_DYNAMODB";

    /// <summary>
    /// How long one HTTP attempt to S3 or DynamoDB may take. Both answer in milliseconds (a 1,000-key LIST page in
    /// well under a second), so 5 s means the call is stuck: the attempt is abandoned and retried rather than left
    /// to run into the function's timeout.
    /// </summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long opening a connection may take.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Retries after the first attempt, in the SDK's standard mode (exponential backoff with jitter; throttles
    /// and 5xx are retried, conditional failures never).</summary>
    public const int MaxRetries = 3;

    /// <summary>The S3 and DynamoDB clients, configured from <paramref name="readSetting"/> (the environment when null),
    /// with explicit timeouts and retry mode.</summary>
    public static IServiceCollection AddAwsClients(this IServiceCollection services, Func<string, string?>? readSetting = null)
    {
        readSetting ??= Environment.GetEnvironmentVariable;
        var options = new ConfigurationBuilder().AddEnvironmentVariables().Build().GetAWSOptions();
        services.AddDefaultAWSOptions(options);
        services.AddAWSService<IAmazonS3>(WithCallLimits(options, readSetting(S3EndpointVariable)));
        services.AddAWSService<IAmazonDynamoDB>(WithCallLimits(options, readSetting(DynamoDbEndpointVariable)));
        return services;
    }

    private static AWSOptions WithCallLimits(AWSOptions defaults, string? endpoint)
    {
        var options = new AWSOptions
        {
            Region = defaults.Region,
            Credentials = defaults.Credentials,
            Profile = defaults.Profile,
            ProfilesLocation = defaults.ProfilesLocation,
        };
        options.DefaultClientConfig.Timeout = CallTimeout;
        options.DefaultClientConfig.ConnectTimeout = ConnectTimeout;
        options.DefaultClientConfig.RetryMode = RequestRetryMode.Standard;
        options.DefaultClientConfig.MaxErrorRetry = MaxRetries;
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            options.DefaultClientConfig.ServiceURL = endpoint.Trim();
        }

        return options;
    }

    /// <summary>The history in the DynamoDB table and its by-size index.</summary>
    public static IServiceCollection AddDynamoDbHistory(this IServiceCollection services, string tableName, string sizeIndexName) =>
        services.AddSingleton<IHistoryRepository>(sp =>
            new DynamoDbHistoryRepository(sp.GetRequiredService<IAmazonDynamoDB>(), tableName, sizeIndexName));

    /// <summary>Incremental tracking's object states and running totals, in their own table (<c>ObjectStateSchema</c>).</summary>
    public static IServiceCollection AddDynamoDbObjectStates(this IServiceCollection services, string tableName) =>
        services.AddSingleton<IObjectStateStore>(sp => new DynamoDbObjectStateStore(sp.GetRequiredService<IAmazonDynamoDB>(), tableName));

    /// <summary>Buckets in S3.</summary>
    public static IServiceCollection AddS3Blobs(this IServiceCollection services) =>
        services.AddSingleton<IBlobStore>(sp => new S3BlobStore(sp.GetRequiredService<IAmazonS3>()));
}
