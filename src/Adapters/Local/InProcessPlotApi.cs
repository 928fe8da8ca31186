using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using MediatR;

namespace Assignment3.Adapters.Local;

/// <summary>Asks for a chart by sending <see cref="RenderSizeChart"/> in this process: the API without HTTP.</summary>
public sealed class InProcessPlotApi(IMediator mediator) : IPlotApi
{
    /// <inheritdoc />
    public Task<SizeChartResult> RequestChartAsync(string bucketName, TimeSpan window, CancellationToken cancellationToken) =>
        mediator.Send(new RenderSizeChart(bucketName, window), cancellationToken);
}
