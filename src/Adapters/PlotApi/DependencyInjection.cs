using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime.Credentials;
using Assignment3.Domain.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace Assignment3.Adapters.PlotApi;

/// <summary>Registers the plotting API's client.</summary>
public static class DependencyInjection
{
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
