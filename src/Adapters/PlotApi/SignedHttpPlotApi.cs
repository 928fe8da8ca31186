using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.PlotApi;

/// <summary>
/// Calls the plotting REST API over HTTPS. The API uses IAM authorization, so each request is signed with Signature
/// Version 4 for <c>execute-api</c> by the AWS SDK's own signer, with the caller's credentials (and their session
/// token, when they are temporary).
/// </summary>
public sealed class SignedHttpPlotApi(HttpClient http, Uri apiUrl, AWSCredentials credentials, string region) : IPlotApi
{
    /// <summary>The service name API Gateway signatures are scoped to.</summary>
    public const string SigningService = "execute-api";

    private const string SecurityTokenHeader = "X-Amz-Security-Token";

    /// <inheritdoc />
    public async Task<SizeChartResult> RequestChartAsync(string bucketName, TimeSpan window, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new PlotRequestBody
        {
            Bucket = bucketName,
            Window = JsonSerializer.SerializeToElement($"{(long)Math.Ceiling(window.TotalMilliseconds)}ms", PlotApiJsonContext.Default.String),
        }, PlotApiJsonContext.Default.PlotRequestBody);
        using var request = await SignAsync(body, cancellationToken);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                return (JsonSerializer.Deserialize(text, PlotApiJsonContext.Default.PlotResponseBody)
                    ?? throw new InvalidOperationException("the plotting API answered 200 with an empty body")).ToResult();
            case HttpStatusCode.NotFound:
                return new SizeChartResult.NoHistory(bucketName);
            default:
                throw new HttpRequestException(
                    $"the plotting API at {apiUrl} answered {(int)response.StatusCode} {response.StatusCode}: {Shorten(text)}",
                    null, response.StatusCode);
        }
    }

    /// <summary>Builds the signed HTTP request for <paramref name="body"/>.</summary>
    public async Task<HttpRequestMessage> SignAsync(byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var resolved = await credentials.GetCredentialsAsync();
        cancellationToken.ThrowIfCancellationRequested();
        var toSign = new DefaultRequest(new PlotApiRequest(), SigningService)
        {
            HttpMethod = "POST",
            Endpoint = new Uri(apiUrl.GetLeftPart(UriPartial.Authority)),
            ResourcePath = apiUrl.AbsolutePath,
            Content = body,
        };
        toSign.Headers["Content-Type"] = "application/json";
        if (resolved.UseToken)
        {
            // Temporary credentials (Lambda's always are) are valid only with their session token. The SDK's request
            // pipeline adds this header before signing; AWS4Signer on its own does not, so it is added here and signed.
            toSign.Headers[SecurityTokenHeader] = resolved.Token;
        }

        new AWS4Signer().Sign(toSign, new SigningConfig(region), null, new ImmutableBasicCredentials(resolved));

        var message = new HttpRequestMessage(HttpMethod.Post, apiUrl) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in toSign.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";

    private sealed class PlotApiRequest : AmazonWebServiceRequest;

    // Wraps already-resolved credentials so the signer does not resolve them again.
    private sealed class ImmutableBasicCredentials(ImmutableCredentials resolved) : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => resolved;
    }

    // The signer reads the region and service scope from a client config; this one carries only those.
    private sealed class SigningConfig : ClientConfig
    {
        public SigningConfig(string region)
            : base(new DefaultConfigurationProvider([new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard }]))
        {
            AuthenticationRegion = region;
            AuthenticationServiceName = SigningService;
        }

        public override string RegionEndpointServiceName => SigningService;

        public override string ServiceVersion => "2015-07-09";

        public override string UserAgent => "assignment3-driver";

        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
            throw new NotSupportedException("used for signing only");
    }
}
