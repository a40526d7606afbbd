using System.Text;
using DataHub.Simulators.District.Stores;
using DataHub.Simulators.Population;

namespace DataHub.Simulators.District;

/// <summary>
/// The 公安 register of the district: the population export's rows (its planted defects and
/// duplicates, see <see cref="PopulationExportManifest"/>) written to the register's database and,
/// as the department also exports it, to the GB18030 CSV. Residents are placed at the district's
/// standard addresses, so housing and health describe the same people and houses.
/// </summary>
internal static class PoliceDepartment
{
    public const string SourceId = "gongan-population";
    public const string CsvFileName = "公安_实有人口.csv";

    public static async Task<DepartmentTruth> GenerateAsync(DistrictModel model, DistrictOptions options, AddressBook book,
        PoliceRegister register, string csvPath, CancellationToken cancellationToken)
    {
        var populationOptions = new PopulationExportOptions
        {
            OutputPath = csvPath,
            RowCount = options.Residents,
            Seed = options.Seed,
            Communities = options.Communities,
            StreetNames = options.StreetNames,
            BirthplaceNames = options.BirthplaceNames,
            AddressPrefix = options.DistrictName,
            Now = model.Now,
        };
        populationOptions.Validate();
        var factory = new PopulationRowFactory(populationOptions, book);
        var residents = new Dictionary<string, ResidentState>(StringComparer.Ordinal);
        await register.CreateAsync(cancellationToken);

        var encoding = PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Gb18030);
        var partial = csvPath + ".partial";
        await using (var writer = new StreamWriter(partial, false, encoding, 1 << 16))
        {
            var text = new StringBuilder(1 << 17);
            text.Append(PopulationExportGenerator.Header).Append("\r\n");
            var batch = new List<(long, string[], DateTimeOffset)>(5000);
            for (var number = 1; number <= options.Residents; number++)
            {
                var row = factory.Next(number);
                AppendCsv(text, row.Fields);
                batch.Add((number, row.Fields, row.Person.Updated));
                Track(residents, row, number);
                if (batch.Count == 5000)
                {
                    await register.InsertAsync(batch, cancellationToken);
                    batch.Clear();
                    await writer.WriteAsync(text, cancellationToken);
                    text.Clear();
                }
            }
            await register.InsertAsync(batch, cancellationToken);
            await writer.WriteAsync(text, cancellationToken);
        }
        File.Move(partial, csvPath, overwrite: true);

        model.Residents.AddRange(residents.Values);
        model.NextPoliceRow = options.Residents;
        var manifest = factory.BuildManifest(options.Residents, "GB18030");
        return new DepartmentTruth
        {
            SourceId = SourceId,
            Rows = manifest.TotalRows,
            Accepted = manifest.ExpectedAccepted,
            Quarantined = manifest.ExpectedQuarantined,
            Duplicates = manifest.ExpectedDuplicates,
            QuarantinedByReason = manifest.ReasonCounts.Where(kv => kv.Value > 0).ToDictionary(kv => kv.Key, kv => (long)kv.Value),
            AcceptedByCommunity = manifest.AcceptedByCommunity.ToDictionary(kv => kv.Key, kv => (long)kv.Value),
        };
    }

    private static void Track(Dictionary<string, ResidentState> residents, PopulationRow row, long number)
    {
        var p = row.Person;
        switch (row.Kind)
        {
            // A row with a field issue is an accepted resident too (only the bad value is dropped).
            case PopulationRowKind.Clean or PopulationRowKind.FieldIssue:
                residents[p.Id18] = new ResidentState
                {
                    Id18 = p.Id18, Name = p.Name, Male = p.Male, Birth = p.Birth, CommunityCode = p.CommunityCode,
                    AddressCode = p.AddressCode, Address = p.Address, Type = p.Type, Status = p.Status, Updated = p.Updated,
                    PoliceRows = [number], PoliceAccepted = true,
                };
                break;
            case PopulationRowKind.Duplicate when residents.TryGetValue(p.Id18, out var r):
                r.PoliceRows.Add(number);
                // The newer row is the one a pipeline keeps: its address is the person's address.
                if (p.Updated > r.Updated)
                {
                    r.Updated = p.Updated;
                    r.AddressCode = p.AddressCode;
                    r.Address = p.Address;
                }
                break;
        }
    }

    public static void AppendCsv(StringBuilder sb, string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) sb.Append(',');
            CsvText.AppendField(sb, fields[i]);
        }
        sb.Append("\r\n");
    }

    /// <summary>The police truth from what the model says now (after advances): accepted persons per community.</summary>
    public static DepartmentTruth Recount(DepartmentTruth day0, DistrictModel model, int inserted, int deleted)
    {
        var byCommunity = model.Residents.Where(r => r.PoliceAccepted)
            .GroupBy(r => r.CommunityCode).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        foreach (var code in day0.AcceptedByCommunity.Keys) byCommunity.TryAdd(code, 0);
        return day0 with
        {
            Rows = day0.Rows + inserted - deleted,
            Accepted = byCommunity.Values.Sum(),
            AcceptedByCommunity = new SortedDictionary<string, long>(byCommunity, StringComparer.Ordinal),
        };
    }
}
