using DataHub.Core.Standards;
using DataHub.Simulators.District;
using DataHub.TestKit;
using DataHub.TestKit.District;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Data.Sqlite;
using Xunit;

namespace DataHub.Simulators.Tests.District;

/// <summary>One district, four departments: the same people, addresses and enterprises, and a truth that adds up.</summary>
public sealed class SimulatedDistrictTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("district-gen");
    private DistrictPaths _paths = null!;
    private DistrictTruth _truth = null!;

    public async Task InitializeAsync()
    {
        _paths = new DistrictPaths(_dir.Path);
        _truth = await SimulatedDistrict.GenerateAsync(ReferenceDistricts.Options(residents: 1500, seed: 11), _paths, null, default);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Truth_EveryDepartment_RowsAreAcceptedPlusQuarantinedPlusDuplicates()
    {
        Assert.Equal(["enterprise", "health", "housing", "population"], _truth.Departments.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, d) in _truth.Departments)
        {
            Assert.True(d.Rows == d.Accepted + d.Quarantined + d.Duplicates, name);
            Assert.Equal(d.Quarantined, d.QuarantinedByReason.Values.Sum());
            Assert.Equal(d.Accepted, d.AcceptedByCommunity.Values.Sum());
            Assert.True(d.Accepted > 0, name);
        }
        Assert.Equal(1500, _truth.Departments["population"].Rows);
    }

    [Fact]
    public void Truth_DefectsPlantedInEveryDepartment()
    {
        Assert.True(_truth.Departments["health"].QuarantinedByReason.GetValueOrDefault("ID_CHECK_DIGIT") > 0);
        // Patients without an ID number are kept (fallback key) and each is in the answer key for person resolution.
        var withoutId = _truth.Facts.HealthPatients.Count(p => p.Registered == "no_id");
        Assert.True(withoutId > 0);
        Assert.Equal(withoutId, _truth.Departments["health"].Warnings.GetValueOrDefault("RECORD_ID_FROM_FALLBACK_KEY"));
        Assert.False(_truth.Departments["health"].QuarantinedByReason.ContainsKey("REQUIRED_MISSING"));
        // Enterprises registered with their address only: each resolvable one is a warning and a fact.
        var fromAddress = _truth.Facts.Enterprises.Count(e => e.CommunityFromAddress);
        Assert.True(fromAddress > 0);
        Assert.Equal(fromAddress, _truth.Departments["enterprise"].Warnings.GetValueOrDefault("COMMUNITY_FROM_ADDRESS"));
        output.WriteLine($"health patients {_truth.Facts.HealthPatients.Count}, without ID {withoutId}; enterprises {_truth.Facts.Enterprises.Count}, community from address {fromAddress}, "
            + $"unresolvable {_truth.Departments["enterprise"].QuarantinedByReason.GetValueOrDefault("REQUIRED_MISSING")}");
        Assert.True(_truth.Departments["enterprise"].Warnings.GetValueOrDefault("CREDIT_CODE_CHECK") > 0);
        Assert.True(_truth.Departments["housing"].Quarantined + _truth.Departments["housing"].Duplicates > 0);
        Assert.True(_truth.Departments["population"].Duplicates > 0);
    }

    [Fact]
    public void Facts_SamePeopleAndAddressesAcrossDepartments()
    {
        var residents = _truth.Facts.TrueAddresses.ToDictionary(f => f.IdNumber, StringComparer.Ordinal);
        // Every patient with conditions is a resident of the police register, at a standard address of the housing register.
        Assert.NotEmpty(_truth.Facts.Conditions);
        Assert.All(_truth.Facts.Conditions.Keys, id => Assert.True(residents.ContainsKey(id)));
        Assert.All(residents.Values, f => Assert.NotNull(f.AddressCode));
        Assert.All(residents.Values, f => Assert.StartsWith(f.CommunityCode, f.AddressCode!, StringComparison.Ordinal));
        Assert.All(residents.Keys, id => Assert.True(IdNumber.Normalize(id).IsOk));
        Assert.NotEmpty(_truth.Facts.LivesAlone);
        Assert.NotEmpty(_truth.Facts.RentedHouses);
        Assert.NotEmpty(_truth.Facts.FamilyDoctorSigned);
    }

    [Fact]
    public async Task Generate_SameSeed_SameTruth()
    {
        using var other = new TempDirectory("district-gen2");
        var again = await SimulatedDistrict.GenerateAsync(ReferenceDistricts.Options(residents: 1500, seed: 11), new DistrictPaths(other.Path), null, default);
        SqliteConnection.ClearAllPools();

        Assert.Equal(_truth.ToJson(), again.ToJson());
    }

    [Fact]
    public void PoliceDatabase_HoldsEveryRowOfTheExport()
    {
        using var conn = new SqliteConnection($"Data Source={_paths.PoliceDatabase};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*), count(DISTINCT \"序号\") FROM \"实有人口\"";
        using var reader = cmd.ExecuteReader();
        reader.Read();
        Assert.Equal(_truth.Departments["population"].Rows, reader.GetInt64(0));
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
        Assert.True(File.Exists(_paths.PoliceCsv));
    }

    [Fact]
    public void HousingWorkbook_HasTheDepartmentsLayoutQuirks()
    {
        using var doc = SpreadsheetDocument.Open(_paths.HousingWorkbook, false);
        var sheets = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value).ToList();
        Assert.Equal(["填表说明", "实有房屋"], sheets);
        var data = (WorksheetPart)doc.WorkbookPart.GetPartById(doc.WorkbookPart.Workbook.Sheets!.Elements<Sheet>().Last().Id!);
        var worksheet = data.Worksheet;
        Assert.True(worksheet.Elements<MergeCells>().Single().Elements<MergeCell>().Count() >= 3);
        Assert.Contains(worksheet.Elements<Columns>().Single().Elements<Column>(), c => c.Hidden?.Value == true);
        var rows = worksheet.GetFirstChild<SheetData>()!.Elements<Row>().ToList();
        // Title, note, group header, header, the houses, three trailing formatted-but-empty rows.
        Assert.Equal(4 + _truth.Departments["housing"].Rows + 3, rows.Count);
    }

    [Fact]
    public async Task Advance_ChangesEveryDepartmentAndKeepsTheRegisterInStep()
    {
        var day1 = await SimulatedDistrict.AdvanceAsync(_paths, null, default);

        Assert.Equal(1, day1.Day);
        var changes = day1.Changes!;
        Assert.NotEmpty(changes["population"].Inserted);
        Assert.NotEmpty(changes["population"].Updated);
        Assert.NotEmpty(changes["population"].Deleted);
        Assert.True(changes["health"].Records > 0);
        Assert.True(changes["enterprise"].Records > 0);
        var police = day1.Departments["population"];
        Assert.Equal(_truth.Departments["population"].Rows + changes["population"].Inserted.Count - changes["population"].Deleted.Count, police.Rows);
        Assert.Equal(police.Rows, police.Accepted + police.Quarantined + police.Duplicates);

        using var conn = new SqliteConnection($"Data Source={_paths.PoliceDatabase};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT (SELECT count(*) FROM \"实有人口\"), (SELECT count(*) FROM \"人口删除记录\")";
        using var reader = cmd.ExecuteReader();
        reader.Read();
        Assert.Equal(police.Rows, reader.GetInt64(0));
        Assert.Equal(changes["population"].Deleted.Count, reader.GetInt64(1));
        Assert.Contains(day1.Facts.Deceased, id => changes["population"].Updated.Contains(id));
    }
}
