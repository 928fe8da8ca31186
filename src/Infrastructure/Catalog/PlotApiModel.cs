namespace Assignment3.Catalog;

/// <summary>
/// Where the plotting API's request model lives: a JSON Schema (draft 4, as API Gateway reads it) kept with the API's
/// wire contracts in src/Adapters/PlotApi. The stack deploys it as it is, and the local API Gateway validates bodies
/// against it, so the contract, the deployed model and the local stand-in cannot drift apart unnoticed.
/// </summary>
public static class PlotApiModel
{
    /// <summary>The model's file, relative to the repository root.</summary>
    public const string SchemaFile = "src/Adapters/PlotApi/PlotRequest.schema.json";

    /// <summary>The model's name in API Gateway.</summary>
    public const string Name = "PlotRequest";

    /// <summary>The content type whose bodies the model validates.</summary>
    public const string ContentType = "application/json";
}
