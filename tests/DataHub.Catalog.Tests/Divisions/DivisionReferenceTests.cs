using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Catalog.Tests.Divisions;

public abstract class DivisionReferenceTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;

    protected DivisionReferenceTests(CatalogFixture fx) => _fx = fx;
    private DataHubCatalog _catalog = null!;

    public async Task InitializeAsync() => _catalog = await _fx.OpenAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Theory]
    [InlineData("320113", 142)] // 南京市栖霞区 (SOURCE.md of the shared reference)
    [InlineData("510107", 113)] // 成都市武侯区
    public void CommunitiesWithin_DemoDistricts_HaveTheirReferenceCount(string district, int communities)
    {
        Assert.Equal(communities, _catalog.Divisions.CommunitiesWithin(district).Count);
    }

    [Fact]
    public void Find_KnownCodes_GivesNameLevelAndParent()
    {
        var district = _catalog.Divisions.Find("320113")!;
        Assert.Equal("栖霞区", district.Name);
        Assert.Equal(DivisionLevel.District, district.Level);
        var community = _catalog.Divisions.Find("320113002001")!;
        Assert.Equal("马群社区居委会", community.Name);
        Assert.Equal("320113002", community.ParentCode);
        Assert.Equal("马群街道", _catalog.Divisions.Find(community.ParentCode!)!.Name);
        Assert.Null(_catalog.Divisions.Find("320113002999"));
    }

    [Fact]
    public async Task Load_Twice_DoesNotDuplicateRows()
    {
        var again = await _fx.OpenAsync();
        Assert.Equal(_catalog.Divisions.Count, again.Divisions.Count);
        Assert.True(again.Divisions.Count > 4000);
    }
}

public sealed class SqliteDivisionReferenceTests() : DivisionReferenceTests(new SqliteCatalogFixture());

public sealed class PostgresDivisionReferenceTests() : DivisionReferenceTests(new PostgresCatalogFixture());
