using Assignment3.Domain.Pipeline;
using Assignment3.Domain.UseCases;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Assignment3.Domain;

/// <summary>Registers the domain: MediatR 5.1.0 by hand, the use cases, their validators and the pipeline.</summary>
public static class DependencyInjection
{
    /// <summary>
    /// Adds the mediator, every use case and the pipeline behaviours. The caller adds the ports' adapters and, for the
    /// use cases it serves, <see cref="ChartSettings"/>; also logging (<c>AddLogging</c>), which the pipeline writes to.
    /// </summary>
    public static IServiceCollection AddDomain(this IServiceCollection services)
    {
        // MediatR 5 resolves handlers and behaviours through this delegate; no assembly scanning.
        services.AddTransient<ServiceFactory>(provider => provider.GetRequiredService);
        services.AddTransient<IMediator, Mediator>();

        services.AddTransient<IRequestHandler<RecordBucketSize, RecordedSize>, RecordBucketSizeHandler>();
        services.AddTransient<IRequestHandler<TrackObjectChanges, TrackedChanges>, TrackObjectChangesHandler>();
        services.AddTransient<IRequestHandler<ReconcileBucket, BucketReconciled>, ReconcileBucketHandler>();
        services.AddTransient<IRequestHandler<RenderSizeChart, SizeChartResult>, RenderSizeChartHandler>();
        services.AddTransient<IRequestHandler<RunDemo, DemoReport>, RunDemoHandler>();
        services.AddTransient<IRequestHandler<GetSizeHistory, IReadOnlyList<SizeRecord>>, GetSizeHistoryHandler>();

        services.AddTransient<IRequestValidator<RecordBucketSize>, RecordBucketSizeValidator>();
        services.AddTransient<IRequestValidator<TrackObjectChanges>, TrackObjectChangesValidator>();
        services.AddTransient<IRequestValidator<ReconcileBucket>, ReconcileBucketValidator>();
        services.AddTransient<IRequestValidator<RenderSizeChart>, RenderSizeChartValidator>();
        services.AddTransient<IRequestValidator<RunDemo>, RunDemoValidator>();
        services.AddTransient<IRequestValidator<GetSizeHistory>, GetSizeHistoryValidator>();

        // The first behaviour registered is the outermost: log everything, including refused requests.
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(LoggingBehavior<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(DemoSettings.Default);
        services.TryAddSingleton(TrackingSettings.Default);
        return services;
    }
}
