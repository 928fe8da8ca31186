using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Assignment3.Adapters.PlotApi;
using Assignment3.Catalog;
using static Assignment3.Infrastructure.Tests.SynthesizedApp;

namespace Assignment3.Infrastructure.Tests;

/// <summary>
/// The local API Gateway, given the request model taken from the synthesized template, refuses what API Gateway's
/// validator would refuse before the function is called, and passes what the API's own client sends.
/// </summary>
public sealed class PlotRequestModelTests : IAsyncLifetime
{
    private static readonly SessionAWSCredentials Session =
        new(EmulatorFixture.AccessKeyId, EmulatorFixture.SecretAccessKey, EmulatorFixture.SessionToken);

    private readonly HttpClient _http = new();
    private LocalApiGateway _api = null!;
    private int _handled;

    public Task InitializeAsync()
    {
        var deployed = ApiGatewayModel.FromTemplate(JsonSerializer.SerializeToElement(Lambda.ToJSON()), PlotApiModel.Name);
        _api = new LocalApiGateway(_ =>
        {
            Interlocked.Increment(ref _handled);
            // As the function answers for a bucket without history: the client takes it as "nothing to draw".
            return Task.FromResult<Stream>(new MemoryStream("""{"statusCode":404,"body":"{\"error\":\"no history\"}"}"""u8.ToArray()));
        }, SigningExpectation.EmulatorSession, deployed);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _http.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string body)
    {
        using var request = await new SignedHttpPlotApi(_http, _api.Url, Session, EmulatorFixture.Region).SignAsync(Encoding.UTF8.GetBytes(body), default);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"bucket":"assignment3-data","width":800}""")]
    [InlineData("""{"bucket":"Not_A_Bucket"}""")]
    [InlineData("""{"window":["10s"]}""")]
    public async Task A_body_the_deployed_model_refuses_is_answered_400_without_calling_the_function(string body)
    {
        var (status, text) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(ApiGatewayModel.InvalidBodyMessage, JsonDocument.Parse(text).RootElement.GetProperty("message").GetString());
        Assert.Equal(0, _handled);
    }

    [Fact]
    public async Task What_the_apis_own_client_sends_passes_the_deployed_model()
    {
        var sent = new List<byte[]>();
        using var capture = new HttpClient(new Capturing(sent, new SocketsHttpHandler { UseProxy = false }));
        var client = new SignedHttpPlotApi(capture, _api.Url, Session, EmulatorFixture.Region);

        await client.RequestChartAsync("assignment3-data", TimeSpan.FromSeconds(10), default);

        Assert.Equal(1, _handled);
        Assert.Empty(ApiGatewayModel.PlotRequest().Validate(Assert.Single(sent)));
    }

    private sealed class Capturing(List<byte[]> sent, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Add(await request.Content!.ReadAsByteArrayAsync(cancellationToken));
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
