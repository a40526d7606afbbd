using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DataHub.Simulators.District.Stores;
using DataHub.Simulators.Population;

namespace DataHub.Simulators.District;

/// <summary>
/// One seeded synthetic district behind four department systems: the 公安 register (database and
/// CSV export), the 卫健 FHIR server, the 市场监管 REST API and the 住建 Excel drops. The same
/// residents appear in police and health, the same standard addresses in population and housing,
/// the same enterprises at real addresses. <see cref="GenerateAsync"/> creates day 0;
/// <see cref="AdvanceAsync"/> applies one day of changes. Both write the ground truth.
/// </summary>
public static class SimulatedDistrict
{
    /// <summary>The PostgreSQL schema the police register goes to when a connection string is given.</summary>
    public const string PostgresSchema = "gongan_sim";

    public static async Task<DistrictTruth> GenerateAsync(DistrictOptions options, DistrictPaths paths, string? postgres, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(paths.Simulator);
        Directory.CreateDirectory(paths.Drops);
        Directory.CreateDirectory(paths.Secrets);
        var start = new DateTimeOffset(options.Now.ToOffset(TimeSpan.FromHours(8)).DateTime.Date.AddHours(18), TimeSpan.FromHours(8));
        var model = new DistrictModel
        {
            DistrictCode = options.DistrictCode,
            DistrictName = options.DistrictName,
            Seed = options.Seed,
            Start = start,
            Communities = options.Communities.Select(c => new CommunityInfo(c.Code, c.Name, Places.ShortCommunityName(c.Name),
                options.StreetNames.GetValueOrDefault(c.Code[..9], ""), c.Name.Contains('村', StringComparison.Ordinal) && !c.Name.Contains("社区", StringComparison.Ordinal))).ToList(),
        };
        var rng = new Random(options.Seed ^ 0x5eed);
        var book = new AddressBook(model, rng);
        var register = OpenRegister(paths, postgres);

        var police = await PoliceDepartment.GenerateAsync(model, options with { Now = start }, book, register, paths.PoliceCsv, cancellationToken);
        HealthDepartment.Generate(model, options.Rates, rng);
        EnterpriseDepartment.Generate(model, options, book, rng);
        HousingDepartment.UpdateTenancy(model, rng);

        var store = new DistrictStore(paths.Store);
        store.Create();
        using (var conn = store.Open())
        using (var tx = conn.BeginTransaction())
        {
            foreach (var r in model.Residents.Where(r => r.Patient is not null)) HealthDepartment.Write(conn, tx, model, r);
            foreach (var e in model.Enterprises) EnterpriseDepartment.Write(conn, tx, model, e);
            tx.Commit();
        }
        store.Analyze();
        HousingDepartment.WriteWorkbook(model, options.Rates, paths.HousingWorkbook);
        if (!File.Exists(paths.ApiKey)) WriteSecret(paths.ApiKey, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));

        var truth = Truth(model, options.Rates, police, changes: null);
        await SaveAsync(model, truth, paths, police, cancellationToken);
        return truth;
    }

    /// <summary>Applies one day of changes (inserts, updates, moves, deaths, deletions) to every department.</summary>
    public static async Task<DistrictTruth> AdvanceAsync(DistrictPaths paths, string? postgres, CancellationToken cancellationToken)
    {
        if (!File.Exists(paths.State))
            throw DistrictOptions.Invalid("--data", $"{paths.Root} 中没有模拟区县（缺少 simulator/state.json）", "先运行 datahub simulate --data DIR 生成模拟区县");
        var model = DistrictModel.FromJson(await File.ReadAllTextAsync(paths.State, cancellationToken));
        var police0 = DistrictTruth.FromJson(await File.ReadAllTextAsync(Day0PolicePath(paths), cancellationToken)).Departments["population"];
        postgres ??= File.Exists(paths.PostgresSettings) ? (await File.ReadAllTextAsync(paths.PostgresSettings, cancellationToken)).Trim() : null;
        var register = OpenRegister(paths, postgres, create: false);
        var rates = DistrictDefectRates.Default;

        var (changes, policeRowsAdded, policeRowsDeleted) = await DistrictDay.ApplyAsync(model, register, new DistrictStore(paths.Store), cancellationToken);
        HousingDepartment.WriteWorkbook(model, rates, paths.HousingWorkbook);

        model.PoliceRowsAdded += policeRowsAdded;
        model.PoliceRowsDeleted += policeRowsDeleted;
        var police = PoliceDepartment.Recount(police0, model, model.PoliceRowsAdded, model.PoliceRowsDeleted);
        var truth = Truth(model, rates, police, changes);
        await SaveAsync(model, truth, paths, null, cancellationToken);
        return truth;
    }

    private static PoliceRegister OpenRegister(DistrictPaths paths, string? postgres, bool create = true)
    {
        if (postgres is null) return PoliceRegister.Sqlite(paths.PoliceDatabase);
        if (create) File.WriteAllText(paths.PostgresSettings, postgres);
        return PoliceRegister.Postgres(postgres, PostgresSchema);
    }

    private static string Day0PolicePath(DistrictPaths paths) => Path.Combine(paths.Simulator, "truth-day0.json");

    private static async Task SaveAsync(DistrictModel model, DistrictTruth truth, DistrictPaths paths, DepartmentTruth? police0, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(paths.State + ".partial", model.ToJsonText(), new UTF8Encoding(false), cancellationToken);
        File.Move(paths.State + ".partial", paths.State, overwrite: true);
        await truth.WriteAsync(paths.Truth, cancellationToken);
        if (police0 is not null) await truth.WriteAsync(Day0PolicePath(paths), cancellationToken);
    }

    private static DistrictTruth Truth(DistrictModel model, DistrictDefectRates rates, DepartmentTruth police, IReadOnlyDictionary<string, DepartmentChanges>? changes) => new()
    {
        District = model.DistrictCode,
        Seed = model.Seed,
        Day = model.Day,
        Now = model.Now,
        Departments = new SortedDictionary<string, DepartmentTruth>(StringComparer.Ordinal)
        {
            ["population"] = police,
            ["health"] = HealthDepartment.Truth(model),
            ["enterprise"] = EnterpriseDepartment.Truth(model, rates),
            ["housing"] = HousingDepartment.Truth(model, rates),
        },
        Changes = changes,
        Facts = Facts(model, rates),
    };

    private static DistrictFacts Facts(DistrictModel model, DistrictDefectRates rates)
    {
        var living = model.Residents.Where(r => r.PoliceAccepted && r.Status == "在住").ToList();
        var alone = living.Where(r => r.AddressCode is not null).GroupBy(r => r.AddressCode!).Where(g => g.Count() == 1).Select(g => g.First());
        return new DistrictFacts
        {
            LivesAlone = alone.Select(Fact).OrderBy(f => f.IdNumber, StringComparer.Ordinal).ToList(),
            TrueAddresses = model.Residents.Where(r => r.PoliceAccepted).Select(Fact).ToList(),
            Conditions = model.Residents.Where(r => r.Patient is { Conditions.Count: > 0 })
                .ToDictionary(r => r.Id18, r => (IReadOnlyList<string>)r.Patient!.Conditions.Select(c => c.Icd10).Distinct().ToList(), StringComparer.Ordinal),
            FamilyDoctorSigned = model.Residents.Where(r => r.Patient?.Contract is not null).Select(r => r.Id18).ToList(),
            RentedHouses = model.Addresses.Where(a => a.Rented).Select(HousingDepartment.HouseCode).ToList(),
            Deceased = model.Residents.Where(r => r.Status == "死亡").Select(r => r.Id18).ToList(),
            HealthPatients = model.Residents.Where(r => r.Patient is not null)
                .Select(r => new HealthPatientFact(r.Patient!.ArchiveNo, r.Id18, r.CommunityCode, r.Patient.Defect switch
                {
                    "missing" => "no_id",
                    "none" => "id_number",
                    var d => d,
                }))
                .OrderBy(f => f.ArchiveNo, StringComparer.Ordinal).ToList(),
            Enterprises = model.Enterprises.Where(e => e.Defect is not ("length" or "format") && (!e.CommunityBlank || EnterpriseDepartment.CommunityResolvable(model, e, rates)))
                .Select(e => new EnterpriseFact(e.RegisteredCode, e.CommunityCode, e.Industry, e.Status, e.CommunityBlank)).ToList(),
        };
    }

    private static ResidentFact Fact(ResidentState r) => new(r.Id18, r.CommunityCode, r.AddressCode, r.Address);

    internal static void WriteSecret(string path, string value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, value + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    internal static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
