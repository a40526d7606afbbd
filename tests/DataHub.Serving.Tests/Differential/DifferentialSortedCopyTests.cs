using Xunit;

namespace DataHub.Serving.Tests.Differential;

/// <summary>The differential lake with every <c>$orderby</c> of plain columns served from a sorted copy (built before each query is compared).</summary>
public sealed class SortedCopyDifferentialLake : IDisposable
{
    public DifferentialLake Lake { get; } = new(sortedCopies: true);

    public void Dispose() => Lake.Dispose();
}

/// <summary>
/// The generated queries of <see cref="DifferentialTests"/> (other seeds), answered from sorted copies
/// wherever their <c>$orderby</c> allows one, must still equal Microsoft's <c>ODataQueryOptions.ApplyTo</c>.
/// </summary>
public sealed class DifferentialSortedCopyTests(SortedCopyDifferentialLake fixture) : IClassFixture<SortedCopyDifferentialLake>
{
    private const int CasesPerSeed = 200;

    [Theory]
    [InlineData("Housing", 21)]
    [InlineData("Population", 31)]
    public async Task GeneratedQueries_FromSortedCopies_EqualMicrosoftApplyTo(string set, int seed)
    {
        var generator = DifferentialTests.Generator(fixture.Lake, set, seed);
        var failures = new List<string>();
        var built = fixture.Lake.Engine.SortedCopies.Built;
        for (var i = 0; i < CasesPerSeed; i++)
        {
            var query = generator.Next();
            var problem = await DifferentialTests.CompareAsync(fixture.Lake, set, query, pageSize: 150 + (i % 3) * 700);
            if (problem is not null) failures.Add($"[seed {seed} case {i}] {set}?{Uri.UnescapeDataString(query)}\n    {problem}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {CasesPerSeed} cases differ from Microsoft.AspNetCore.OData:\n" + string.Join("\n", failures.Take(25)));
        Assert.True(fixture.Lake.Engine.SortedCopies.Hits > 0 && fixture.Lake.Engine.SortedCopies.Built > built);
    }
}
