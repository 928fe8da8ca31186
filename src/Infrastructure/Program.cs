using Amazon.CDK;
using Amazon.JSII.Runtime.Services;
using Assignment3.Adapters.Lambda;
using Assignment3.Infrastructure;
using Microsoft.Extensions.Logging;

// jsii's Node child process inherits this: it hides the Node 20 end-of-life banner on every synth.
if (System.Environment.GetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") is null)
{
    System.Environment.SetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
}

// jsii logs a harmless ReflectionTypeLoadException about Constructs.IMixin below Error level: show errors only.
ServiceContainer.ServiceProviderOverride = ServiceContainer.BuildServiceProvider(
    LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Error).AddProvider(new JsonLineLoggerProvider(Console.Error, LogLevel.Error))));

var app = new App();
AssignmentApp.Build(app, RepositoryRoot.Find());
app.Synth();
