using DataHub.Connectors.Abstractions;
using DataHub.Core.Schema;
using DataHub.Pipelines.Normalization;
using DataHub.Pipelines.Resolution;
using DataHub.Pipelines.Sources;
using Xunit;
using static DataHub.Pipelines.Tests.Ingestion.IngestionRunnerTests;

namespace DataHub.Pipelines.Tests.Ingestion;

/// <summary>
/// A population record without its community code: given the community of its address when that
/// address is certainly one standard address (exact or normalised), recorded as a warning and a field
/// issue; quarantined as before when the address is ambiguous, only probable, or no standard
/// addresses are available.
/// </summary>
public sealed class CommunityFromAddressTests : IAsyncLifetime
{
    private PipelineFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static readonly StandardAddress[] Book =
    [
        AddressMatcher.FromText("320113002001000001", "320113002001", "江苏省南京市栖霞区马群街道马群社区紫东路2号3栋1单元301室"),
        // The same text in two communities: ambiguous, never a match.
        AddressMatcher.FromText("320113002001000002", "320113002001", "江苏省南京市栖霞区马群街道花港路8号1栋2单元502室"),
        AddressMatcher.FromText("320113002002000003", "320113002002", "江苏省南京市栖霞区马群街道花港路8号1栋2单元502室"),
    ];

    private RecordNormalizer Normalizer(CommunityFromAddress? communities)
    {
        var source = SourceDefinitionLoader.Load(_fx.WriteSource(PipelineFixture.Csv()));
        var columns = PipelineFixture.Header.Split(',').Select((name, i) => new SourceColumn(name, i)).ToArray();
        return RecordNormalizer.Bind(source, SchemaLoader.Get("population"), columns, _fx.Catalog.Divisions, new RecordIdHasher(new byte[32]), communities);
    }

    private static SourceRecord Record(string address, string community = "")
    {
        var values = new object?[] { "1", Id("19800101", 1), "张三", "", "汉族", "", "江苏省南京市栖霞区马群街道1号", address, community, "马群社区居委会", "户籍人口", "2020/1/5", "在住", "13812348000", "2026-11-01 08:00:00" };
        return new SourceRecord(1, values);
    }

    [Fact]
    public void Normalize_MissingCommunityWithCertainAddress_TakesTheAddressCommunityAndRecordsIt()
    {
        var loads = 0;
        var normalizer = Normalizer(new CommunityFromAddress(() => { loads++; return new AddressMatcher(Book); }));

        // Normalised: full-width digits and spaces, the same place.
        var result = normalizer.Normalize(Record("江苏省南京市栖霞区马群街道马群社区紫东路２号 3栋1单元301室"));

        Assert.True(result.Accepted, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal("320113002001", result.Row!["community_code"]);
        Assert.Equal("320113002", result.Row["street_code"]);
        Assert.Contains(CommunityFromAddress.Warning, result.Warnings);
        var issue = Assert.Single(result.FieldIssues!);
        Assert.Equal(("community_code", CommunityFromAddress.Warning), (issue.Field, issue.Code));
        Assert.Contains("320113002001000001", issue.Message, StringComparison.Ordinal);
        // A record that carries its code leaves the code alone and needs no lookup.
        var own = normalizer.Normalize(Record("江苏省南京市栖霞区马群街道马群社区紫东路2号3栋1单元301室", "320113002003"));
        Assert.Equal("320113002003", own.Row!["community_code"]);
        Assert.DoesNotContain(CommunityFromAddress.Warning, own.Warnings);
        Assert.Equal(1, loads);
    }

    [Theory]
    [InlineData("江苏省南京市栖霞区马群街道花港路8号1栋2单元502室")] // two standard addresses have this text
    [InlineData("江苏省南京市栖霞区马群街道马群社区紫东路2号3栋1单元302室")] // another room
    [InlineData("江苏省南京市栖霞区马群街道青山路99号")] // no standard address
    [InlineData("")]
    public void Normalize_MissingCommunityWithoutCertainAddress_StaysQuarantined(string address)
    {
        var result = Normalizer(new CommunityFromAddress(() => new AddressMatcher(Book))).Normalize(Record(address));

        Assert.False(result.Accepted);
        Assert.Equal(("REQUIRED_MISSING", "community_code"), (result.Problems.Single().Code, result.Problems.Single().Field));
    }

    [Fact]
    public void Normalize_MissingCommunityWithoutStandardAddresses_StaysQuarantined()
    {
        var result = Normalizer(null).Normalize(Record("江苏省南京市栖霞区马群街道马群社区紫东路2号3栋1单元301室"));

        Assert.False(result.Accepted);
        Assert.Equal("REQUIRED_MISSING", result.Problems.Single().Code);
    }
}
