using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Fhir;
using DataHub.Core.Standards;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Fhir;

/// <summary>What the FHIR connector makes of the simulated health system: one row per Patient with its conditions and contract.</summary>
public sealed class FhirConnectorReadTests(SimulatedDistrictFixture district) : IClassFixture<SimulatedDistrictFixture>
{
    private readonly ISourceConnector _connector = FhirConnectorRegistration.Create();

    [Fact]
    public async Task Read_Patients_CarryTheirConditionsAndContractAsTheHealthSystemHoldsThem()
    {
        var rows = FhirSources.Rows(await Read(FhirSources.Config(district)));

        var facts = district.Truth.Facts;
        var signed = facts.FamilyDoctorSigned.ToHashSet(StringComparer.Ordinal);
        var checkedRows = 0;
        // Persons registered twice have a second, bare Patient: compare the persons registered once.
        var once = rows.GroupBy(r => r["Patient.identifier[身份号码]"] ?? "").Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r["Patient.identifier[身份号码]"] is { Length: 18 } id && IdNumber.Normalize(id).IsOk && once.Contains(id)))
        {
            var id = row["Patient.identifier[身份号码]"]!;
            var expected = facts.Conditions.GetValueOrDefault(id) ?? [];
            Assert.Equal(expected.Order(StringComparer.Ordinal), (row["Condition.慢性病"]?.Split(';') ?? []).Order(StringComparer.Ordinal));
            Assert.Equal(signed.Contains(id) ? "true" : "false", row["CarePlan.家庭医生签约"]);
            Assert.Equal(expected.Count == 0 ? null : row["Condition.慢性病"]!.Split(';')[0], row["Condition.主要诊断"]);
            Assert.Matches(@"^\d{12}$", row["Patient.address.社区代码"]!);
            checkedRows++;
        }
        Assert.True(checkedRows > rows.Count / 2);
    }

    [Fact]
    public async Task Read_PlantedIdentifierDefects_ComeThroughAsTheServerHasThem()
    {
        var rows = FhirSources.Rows(await Read(FhirSources.Config(district)));
        var ids = rows.Select(r => r["Patient.identifier[身份号码]"]).ToList();

        var health = district.Truth.Departments["health"];
        Assert.Equal(health.Warnings.GetValueOrDefault("RECORD_ID_FROM_FALLBACK_KEY"), ids.Count(i => i is null));
        Assert.True(ids.Count(i => i is null) > 0);
        Assert.Contains(ids, i => i is { Length: 15 });
        Assert.Equal(health.QuarantinedByReason.GetValueOrDefault("ID_CHECK_DIGIT"), ids.Count(i => i is { Length: 18 } && !IdNumber.Normalize(i).IsOk));
    }

    [Fact]
    public async Task Read_Http500ThenSuccess_RetriesAndReturnsEverything()
    {
        district.Server.Faults.FailNext(2, 500);

        var batches = await Read(FhirSources.Config(district));

        Assert.Equal(district.Truth.Departments["health"].Rows, batches.Sum(b => b.Records.Count));
    }

    [Fact]
    public async Task Read_BrokenNextLink_DataFailureNamingThePage()
    {
        district.Server.Faults.BreakNextLinkAfterPage(2);
        try
        {
            var e = await Assert.ThrowsAsync<ConnectorException>(() => Read(FhirSources.Config(district)));

            Assert.Equal(ConnectorFailure.Data, e.Failure);
            Assert.Equal("FHIR_NEXT_LINK_BROKEN", e.Code);
            Assert.Contains("第 2 页的 next 链接无法读取第 3 页", e.UserMessage, StringComparison.Ordinal);
            Assert.Contains("HTTP 410", e.UserMessage, StringComparison.Ordinal);
            Assert.Contains("未发布", e.Fix, StringComparison.Ordinal);
        }
        finally
        {
            district.Server.Faults.BreakNextLinkAfterPage(null);
        }
    }

    [Fact]
    public async Task Discover_NotAFhirServer_ConfigFailure()
    {
        var config = FhirSources.Config(district, o => o["base_url"] = new Uri(district.Server.Root, "scjg/").ToString());

        var e = await Assert.ThrowsAsync<ConnectorException>(() => _connector.DiscoverAsync(config, default));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("FHIR_NOT_A_SERVER", e.Code);
    }

    [Fact]
    public async Task Read_MalformedBundle_DataFailure()
    {
        district.Server.Faults.MalformNext(1);

        var e = await Assert.ThrowsAsync<ConnectorException>(() => Read(FhirSources.Config(district)));

        Assert.Equal(ConnectorFailure.Data, e.Failure);
        Assert.Equal("FHIR_MALFORMED", e.Code);
    }

    private async Task<List<RecordBatch>> Read(SourceConfig config, ConnectorState? state = null)
    {
        var batches = new List<RecordBatch>();
        await foreach (var b in _connector.ReadAsync(config, state, default)) batches.Add(b);
        return batches;
    }
}
