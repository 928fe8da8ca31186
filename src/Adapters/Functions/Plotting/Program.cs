// The native bundle's entry point: the managed runtime's function class behind the Runtime API loop.
return await Assignment3.Adapters.Lambda.RuntimeApi.LambdaRuntimeLoop.RunAsync<Assignment3.Functions.Plotting.PlottingFunction>();
