namespace Assignment3.Aws.Tests;

/// <summary>Every test that needs the emulators shares one <see cref="EmulatorFixture"/> (xunit wants this in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "AWS emulators";
}
