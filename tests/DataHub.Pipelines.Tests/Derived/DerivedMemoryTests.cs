using DataHub.Pipelines.Derived;
using Xunit;

namespace DataHub.Pipelines.Tests.Derived;

/// <summary>The derived rebuild's DuckDB budget: half the configured limit, at least 256 MiB, never more than configured.</summary>
public sealed class DerivedMemoryTests
{
    [Theory]
    [InlineData("1GB", "512MiB")]
    [InlineData("2GB", "1024MiB")]
    [InlineData("1.5 GiB", "768MiB")]
    [InlineData("300MB", "256MiB")]
    [InlineData("200MB", "200MiB")]
    public void LimitFor_HalvesTheConfiguredLimit_WithinTheFloorAndTheConfiguredFigure(string configured, string expected) =>
        Assert.Equal(expected, DerivedMemory.LimitFor(configured));

    [Fact]
    public void LimitFor_LeavesATextItCannotRead_ForDuckDbToJudge() => Assert.Equal("lots", DerivedMemory.LimitFor("lots"));
}
