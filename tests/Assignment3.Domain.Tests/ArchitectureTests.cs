using System.Xml.Linq;

namespace Assignment3.Domain.Tests;

public sealed class ArchitectureTests
{
    private static readonly string[] Forbidden = ["AWSSDK", "Amazon", "ScottPlot", "SkiaSharp", "Constructs", "Microsoft.Data.Sqlite"];

    [Fact]
    public void The_domain_assembly_references_no_aws_chart_storage_or_cdk_assembly()
    {
        var references = typeof(SizeRecord).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("MediatR", references);
        Assert.DoesNotContain(references, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(references, name => name.StartsWith("Assignment3.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_domain_project_references_only_mediatr_and_microsoft_extensions_abstractions()
    {
        var project = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot(), "src", "Domain", "Assignment3.Domain.csproj"));

        var packages = project.Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!).ToList();

        Assert.Empty(project.Descendants("ProjectReference"));
        Assert.All(packages, p => Assert.True(p == "MediatR" || (p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && p.EndsWith(".Abstractions", StringComparison.Ordinal)), p));
    }

    [Fact]
    public void The_catalog_depends_on_nothing_and_the_cdk_app_on_the_catalog_alone()
    {
        static List<string> References(string project, string kind) =>
            [.. XDocument.Load(Path.Combine(TestPaths.RepositoryRoot(), project)).Descendants(kind).Select(p => Path.GetFileName((string)p.Attribute("Include")!))];

        Assert.Empty(References("src/Catalog/Assignment3.Catalog.csproj", "ProjectReference"));
        Assert.Empty(References("src/Catalog/Assignment3.Catalog.csproj", "PackageReference"));
        Assert.Equal(["Assignment3.Catalog.csproj"], References("src/Infrastructure/Assignment3.Infrastructure.csproj", "ProjectReference"));
    }

    [Theory]
    [InlineData("src/Adapters/Aws/Assignment3.Adapters.Aws.csproj")]
    [InlineData("src/Adapters/Sqlite/Assignment3.Adapters.Sqlite.csproj")]
    [InlineData("src/Adapters/FileSystem/Assignment3.Adapters.FileSystem.csproj")]
    [InlineData("src/Adapters/Charting/Assignment3.Adapters.Charting.csproj")]
    [InlineData("src/Adapters/InMemory/Assignment3.Adapters.InMemory.csproj")]
    [InlineData("src/Adapters/PlotApi/Assignment3.Adapters.PlotApi.csproj")]
    [InlineData("src/Adapters/LambdaRuntime/Assignment3.Adapters.LambdaRuntime.csproj")]
    public void An_adapter_references_the_domain_and_shared_names_never_another_adapter(string project)
    {
        var references = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot(), project)).Descendants("ProjectReference")
            .Select(p => Path.GetFileName((string)p.Attribute("Include")!));

        Assert.All(references, r => Assert.Contains(r, new[] { "Assignment3.Domain.csproj", "Assignment3.Catalog.csproj", "Assignment3.Adapters.PlotApi.csproj" }));
    }

    [Fact]
    public void Ports_name_no_type_of_the_use_cases()
    {
        var ports = typeof(SizeRecord).Assembly.GetTypes().Where(t => t.Namespace == "Assignment3.Domain.Ports");
        var named = ports.SelectMany(t => t.GetMethods().SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType))
            .Concat(t.GetProperties().Select(p => p.PropertyType)));

        Assert.DoesNotContain(named.SelectMany(Unwrap), type => type.Namespace == "Assignment3.Domain.UseCases");

        static IEnumerable<Type> Unwrap(Type type) => type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type) : [type];
    }

    [Fact]
    public void No_test_project_references_another_test_project_only_the_test_kit()
    {
        var projects = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot(), "tests"), "*.csproj", SearchOption.AllDirectories);

        foreach (var project in projects)
        {
            var references = XDocument.Load(project).Descendants("ProjectReference").Select(p => Path.GetFileName((string)p.Attribute("Include")!));
            Assert.All(references, r => Assert.False(r.StartsWith("Assignment3.", StringComparison.Ordinal) && r.Contains(".Tests", StringComparison.Ordinal)
                || r.Contains("Benchmarks", StringComparison.Ordinal), $"{Path.GetFileName(project)} references {r}"));
        }
    }

    [Fact]
    public void Test_fakes_are_not_shipped_with_the_adapters()
    {
        var inMemory = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot(), "src", "Adapters", "InMemory"), "*.cs").Select(Path.GetFileName);

        Assert.DoesNotContain("ManualClock.cs", inMemory);
        Assert.DoesNotContain("RecordingChartRenderer.cs", inMemory);
    }
}
