using DataHub.TestKit.OData;
using Xunit;

namespace DataHub.TestKit.Tests.OData;

public sealed class ODataModelRulesTests
{
    private const string Template = """
        <?xml version="1.0" encoding="utf-8"?>
        <edmx:Edmx Version="{VERSION}" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
          <edmx:DataServices>
            <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
              {TYPES}
              <EntityContainer Name="Container">
                <EntitySet Name="People" EntityType="Demo.Person" />
              </EntityContainer>
            </Schema>
          </edmx:DataServices>
        </edmx:Edmx>
        """;

    private static string Csdl(string types, string version = "4.0") =>
        Template.Replace("{VERSION}", version, StringComparison.Ordinal).Replace("{TYPES}", types, StringComparison.Ordinal);

    [Fact]
    public void Accepts_the_fake_service_metadata()
    {
        var model = ODataModelRules.ParseMetadata(FakeODataService.MetadataXml);
        Assert.NotNull(model.EntityContainer.FindEntitySet("People"));
    }

    [Theory]
    [InlineData("""<EntityType Name="Person"><Property Name="Id" Type="Edm.Int32" /></EntityType>""", "has no key")]
    [InlineData("""<EntityType Name="Person" OpenType="true"><Key><PropertyRef Name="Id" /></Key><Property Name="Id" Type="Edm.Int32" Nullable="false" /></EntityType>""", "open type")]
    [InlineData("""<EntityType Name="Person"><Key><PropertyRef Name="Id" /></Key><Property Name="Id" Type="Edm.Int32" Nullable="false" /><Property Name="X" Type="Edm.Untyped" /></EntityType>""", "Edm.Untyped")]
    [InlineData("""<EntityType Name="Person"><Key><PropertyRef Name="Id" /></Key><Property Name="Id" Type="Edm.Int32" Nullable="false" /><NavigationProperty Name="Self" Type="Demo.Person" /></EntityType>""", "navigation property")]
    [InlineData("""<EntityType Name="Person"><Key><PropertyRef Name="Id" /></Key><Property Name="Id" Type="Edm.Int32" Nullable="false" /><Property Name="id" Type="Edm.Int32" /></EntityType>""", "differ only by case")]
    [InlineData("""<EntityType Name="Person"><Key><PropertyRef Name="Id" /></Key><Property Name="Id" Type="Edm.Int32" Nullable="false" /><Property Name="Bad Name" Type="Edm.String" /></EntityType>""", "is not a SimpleIdentifier")]
    public void Rejects_models_Excel_cannot_use(string types, string expected)
    {
        var e = Assert.Throws<StrictODataException>(() => ODataModelRules.ParseMetadata(Csdl(types)));
        Assert.Contains(expected, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_names_longer_than_128()
    {
        var name = new string('列', 129);
        var types = $"""<EntityType Name="Person"><Key><PropertyRef Name="Id" /></Key><Property Name="Id" Type="Edm.Int32" Nullable="false" /><Property Name="{name}" Type="Edm.String" /></EntityType>""";
        var e = Assert.Throws<StrictODataException>(() => ODataModelRules.ParseMetadata(Csdl(types)));
        Assert.Contains("more than 128", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_Edmx_other_than_4_0()
    {
        var types = """<EntityType Name="Person"><Key><PropertyRef Name="Id" /></Key><Property Name="Id" Type="Edm.Int32" Nullable="false" /></EntityType>""";
        var e = Assert.Throws<StrictODataException>(() => ODataModelRules.ParseMetadata(Csdl(types, "4.01")));
        Assert.Contains("Version=\"4.01\"", e.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("姓名", true)]
    [InlineData("_x1", true)]
    [InlineData("1x", false)]
    [InlineData("a-b", false)]
    [InlineData("", false)]
    public void SimpleIdentifier(string name, bool valid) => Assert.Equal(valid, ODataModelRules.IsSimpleIdentifier(name));
}
