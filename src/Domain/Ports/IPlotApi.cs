namespace Assignment3.Domain.Ports;

/// <summary>The way a caller asks for a chart: the REST API in the cloud, a direct call on a laptop.</summary>
public interface IPlotApi
{
    /// <summary>Asks for a chart of the bucket's last <paramref name="window"/> of history.</summary>
    Task<SizeChartResult> RequestChartAsync(string bucketName, TimeSpan window, CancellationToken cancellationToken);
}
