using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.LambdaRuntime;
using Assignment3.Functions.SizeTracking;

// The composition root of the native bundle: build the managed runtime's function class as it would, then serve
// invocations until Lambda stops the process.
SizeTrackingFunction? function = null;
using var logs = new JsonLineLoggerProvider(FunctionHost.StandardOutput());
try
{
    return await LambdaRuntimeLoop.RunAsync(() => (function = new SizeTrackingFunction()).Handle, logs.CreateLogger("runtime"));
}
finally
{
    function?.Dispose();
}
