using Amazon.DynamoDBv2;
using Amazon.Extensions.NETCore.Setup;
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
    /// <summary>The S3 and DynamoDB clients, configured from the environment.</summary>
    public static IServiceCollection AddAwsClients(this IServiceCollection services)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        services.AddDefaultAWSOptions(configuration.GetAWSOptions());
        services.AddAWSService<IAmazonS3>();
        services.AddAWSService<IAmazonDynamoDB>();
        return services;
    }

    /// <summary>The history in the DynamoDB table and its by-size index.</summary>
    public static IServiceCollection AddDynamoDbHistory(this IServiceCollection services, string tableName, string sizeIndexName) =>
        services.AddSingleton<IHistoryRepository>(sp =>
            new DynamoDbHistoryRepository(sp.GetRequiredService<IAmazonDynamoDB>(), tableName, sizeIndexName));

    /// <summary>Buckets in S3.</summary>
    public static IServiceCollection AddS3Blobs(this IServiceCollection services) =>
        services.AddSingleton<IBlobStore>(sp => new S3BlobStore(sp.GetRequiredService<IAmazonS3>()));

    /// <summary>The plotting API at <paramref name="apiUrl"/>, called with SigV4-signed requests.</summary>
    public static IServiceCollection AddSignedPlotApi(this IServiceCollection services, Uri apiUrl)
    {
        services.AddSingleton(_ => new HttpClient { Timeout = TimeSpan.FromSeconds(30) });
        return services.AddSingleton<IPlotApi>(sp =>
        {
            var options = sp.GetRequiredService<AWSOptions>();
            var region = options.Region?.SystemName ?? Environment.GetEnvironmentVariable("AWS_REGION")
                ?? throw new InvalidOperationException("no AWS region configured (AWS_REGION) to sign plotting API requests for");
            var credentials = options.Credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials();
            return new SignedHttpPlotApi(sp.GetRequiredService<HttpClient>(), apiUrl, credentials, region);
        });
    }
}
