using System.Globalization;
using DataHub.Simulators.District.Stores;
using DataHub.Simulators.Population;

namespace DataHub.Simulators.District;

/// <summary>
/// One day in the district, applied to every department's system: new residents registered, people
/// moving house inside the district, deaths, people leaving the district (deleted from the register
/// with a tombstone), new health archives, diagnoses and contracts, new enterprises, enterprises
/// deregistered or moved, and the tenancy the housing register follows. Changes touch clean records
/// only, so each change is exactly one accepted record of an incremental read.
/// </summary>
internal static class DistrictDay
{
    public static async Task<(IReadOnlyDictionary<string, DepartmentChanges> Changes, int PoliceAdded, int PoliceDeleted)> ApplyAsync(
        DistrictModel model, PoliceRegister register, DistrictStore store, CancellationToken cancellationToken)
    {
        model.Day++;
        var now = model.Now;
        var rng = new Random(unchecked(model.Seed * 31 + model.Day * 7919));
        var book = new AddressBook(model, rng);
        var houseCodesBefore = model.Addresses.Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        var housesUpdatedBefore = model.Addresses.ToDictionary(a => a.Code, a => a.Updated, StringComparer.Ordinal);
        DateTimeOffset Today() => now.AddSeconds(-rng.Next(60, 20 * 3600));

        var population = new Changes();
        var health = new Changes();
        var enterprise = new Changes();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var residents = model.Residents.Count;

        // Candidates: one clean police row, living here, and a clean health archive if any.
        List<ResidentState> Candidates(Func<ResidentState, bool> extra) => model.Residents
            .Where(r => r.PoliceAccepted && r.PoliceRows.Count == 1 && r.Status == "在住" && (r.Patient is null || r.Patient.Defect == "none")
                && !touched.Contains(r.Id18) && extra(r))
            .ToList();
        ResidentState? Pick(List<ResidentState> from)
        {
            while (from.Count > 0)
            {
                var i = rng.Next(from.Count);
                var r = from[i];
                from.RemoveAt(i);
                if (touched.Add(r.Id18)) return r;
            }
            return null;
        }

        // --- 公安: new residents -------------------------------------------------------------
        var inserted = new List<(long, string[], DateTimeOffset)>();
        var newcomers = Math.Max(2, residents * 3 / 1000);
        var factory = new PopulationRowFactory(new PopulationExportOptions
        {
            OutputPath = "unused",
            RowCount = newcomers,
            Seed = unchecked(model.Seed + model.Day * 7919),
            Communities = model.Communities.Select(c => (c.Code, c.Name)).ToList(),
            StreetNames = model.Communities.GroupBy(c => c.Code[..9]).ToDictionary(g => g.Key, g => g.First().StreetName),
            AddressPrefix = model.DistrictName,
            Now = now,
            DefectRates = PopulationDefectRates.None,
            AcceptableMess = false,
        }, book);
        var known = model.Residents.Select(r => r.Id18).ToHashSet(StringComparer.Ordinal);
        for (var n = 1; n <= newcomers; n++)
        {
            var row = factory.Next(n);
            var p = row.Person;
            if (!known.Add(p.Id18) || p.Status != "在住") continue;
            var number = ++model.NextPoliceRow;
            row.Fields[0] = number.ToString(CultureInfo.InvariantCulture);
            var updated = Today();
            inserted.Add((number, row.Fields, updated));
            var resident = new ResidentState
            {
                Id18 = p.Id18, Name = p.Name, Male = p.Male, Birth = p.Birth, CommunityCode = p.CommunityCode, AddressCode = p.AddressCode,
                Address = p.Address, Type = p.Type, Status = p.Status, Updated = updated, PoliceRows = [number], PoliceAccepted = true,
            };
            model.Residents.Add(resident);
            touched.Add(p.Id18);
            population.Inserted.Add(p.Id18);
            if (rng.NextDouble() < 0.5)
            {
                resident.Patient = HealthDepartment.NewPatient(model, resident, rng, "none");
                resident.Patient.Updated = Today();
                foreach (var c in resident.Patient.Conditions.ToList())
                {
                    resident.Patient.Conditions.Remove(c);
                    resident.Patient.Conditions.Add(c with { Updated = Today() });
                }
                if (resident.Patient.Contract is { } contract) resident.Patient.Contract = contract with { Updated = Today() };
                health.Inserted.Add(p.Id18);
            }
        }
        await register.InsertAsync(inserted, cancellationToken);

        // --- moves inside the district ---------------------------------------------------------
        var movers = Candidates(_ => true);
        for (var i = 0; i < Math.Max(2, residents * 4 / 1000); i++)
        {
            if (Pick(movers) is not { } r) break;
            var community = model.Communities[rng.Next(model.Communities.Count)];
            var home = book.Home(community.Code, rng);
            r.CommunityCode = community.Code;
            r.AddressCode = home.Code;
            r.Address = home.Full;
            r.Updated = Today();
            await register.UpdateAsync(r.PoliceRows[0], new Dictionary<string, string>
            {
                ["现住址"] = home.Full, ["社区代码"] = community.Code, ["社区名称"] = community.Name,
            }, r.Updated, cancellationToken);
            population.Updated.Add(r.Id18);
            if (r.Patient is { } p)
            {
                p.Updated = Today();
                health.Updated.Add(r.Id18);
            }
        }

        // --- deaths ----------------------------------------------------------------------------
        var elderly = Candidates(r => HealthDepartment.Age(r, now) >= 70);
        for (var i = 0; i < Math.Max(1, residents / 1000); i++)
        {
            if (Pick(elderly) is not { } r) break;
            r.Status = "死亡";
            r.Updated = Today();
            await register.UpdateAsync(r.PoliceRows[0], new Dictionary<string, string> { ["人员状态"] = "死亡" }, r.Updated, cancellationToken);
            population.Updated.Add(r.Id18);
            if (r.Patient is { } p)
            {
                p.Deceased = DateOnly.FromDateTime(now.DateTime);
                p.Updated = Today();
                health.Updated.Add(r.Id18);
            }
        }

        // --- leaving the district: deleted from the register, a tombstone left ------------------
        var leavers = Candidates(r => r.Patient is null);
        for (var i = 0; i < Math.Max(1, residents * 2 / 1000); i++)
        {
            if (Pick(leavers) is not { } r) break;
            var number = r.PoliceRows[0];
            var written = await register.IdAsWrittenAsync(number, cancellationToken) ?? r.Id18;
            await register.DeleteAsync(number, written, Today(), cancellationToken);
            r.PoliceAccepted = false;
            r.PoliceRows.Clear();
            r.Status = "迁出";
            population.Deleted.Add(r.Id18);
        }

        // --- 卫健: new diagnoses and contracts of clean archives --------------------------------
        var patients = model.Residents.Where(r => r.PoliceAccepted && r.Status == "在住" && r.Patient is { Defect: "none" } && !health.Inserted.Contains(r.Id18)).ToList();
        for (var i = 0; i < Math.Max(1, patients.Count / 200) && patients.Count > 0; i++)
        {
            var r = patients[rng.Next(patients.Count)];
            var (code, display) = HealthDepartment.RandomCondition(rng);
            r.Patient!.Conditions.Add(HealthDepartment.NewCondition(model, code, display, rng, Today()));
            if (!health.Updated.Contains(r.Id18)) health.Updated.Add(r.Id18);
        }
        var unsigned = patients.Where(r => r.Patient!.Contract is null).ToList();
        for (var i = 0; i < Math.Max(1, patients.Count / 200) && unsigned.Count > 0; i++)
        {
            var r = unsigned[rng.Next(unsigned.Count)];
            unsigned.Remove(r);
            r.Patient!.Contract = HealthDepartment.NewContract(model, r, rng, Today());
            if (!health.Updated.Contains(r.Id18)) health.Updated.Add(r.Id18);
        }

        // --- 市场监管 ------------------------------------------------------------------------------
        var changedEnterprises = new List<EnterpriseState>();
        for (var i = 0; i < Math.Max(2, model.Enterprises.Count / 250); i++)
        {
            var e = EnterpriseDepartment.NewEnterprise(model, book, rng, "none");
            e.Updated = Today();
            model.Enterprises.Add(e);
            changedEnterprises.Add(e);
            enterprise.Inserted.Add(e.CreditCode);
        }
        var open = model.Enterprises.Where(e => e.Defect == "none" && !e.CommunityBlank && e.Status is "存续" or "在业" && !enterprise.Inserted.Contains(e.CreditCode)).ToList();
        for (var i = 0; i < Math.Max(1, model.Enterprises.Count / 300) && open.Count > 0; i++)
        {
            var e = open[rng.Next(open.Count)];
            open.Remove(e);
            e.Status = "注销";
            e.Updated = Today();
            changedEnterprises.Add(e);
            enterprise.Updated.Add(e.CreditCode);
        }
        for (var i = 0; i < Math.Max(1, model.Enterprises.Count / 500) && open.Count > 0; i++)
        {
            var e = open[rng.Next(open.Count)];
            open.Remove(e);
            var community = model.Communities[rng.Next(model.Communities.Count)];
            e.AddressCode = book.Business(community.Code).Code;
            e.CommunityCode = community.Code;
            e.Updated = Today();
            changedEnterprises.Add(e);
            enterprise.Updated.Add(e.CreditCode);
        }

        // --- write the servers' store in one transaction ---------------------------------------
        using (var conn = store.Open())
        using (var tx = conn.BeginTransaction())
        {
            foreach (var id in health.Inserted.Concat(health.Updated))
                HealthDepartment.Write(conn, tx, model, model.Residents.First(r => r.Id18 == id));
            foreach (var e in changedEnterprises) EnterpriseDepartment.Write(conn, tx, model, e);
            tx.Commit();
        }

        // --- 住建: tenancy follows the residents; the drop is the whole register ------------------
        HousingDepartment.UpdateTenancy(model, rng);
        var housing = new Changes();
        foreach (var a in model.Addresses)
        {
            if (!houseCodesBefore.Contains(a.Code))
            {
                a.Updated = Today();
                housing.Inserted.Add(HousingDepartment.HouseCode(a));
            }
            else if (a.Updated != housesUpdatedBefore[a.Code]) housing.Updated.Add(HousingDepartment.HouseCode(a));
        }

        var changes = new SortedDictionary<string, DepartmentChanges>(StringComparer.Ordinal)
        {
            ["population"] = population.Done(),
            ["health"] = health.Done(),
            ["enterprise"] = enterprise.Done(),
            ["housing"] = housing.Done(),
        };
        return (changes, inserted.Count, population.Deleted.Count);
    }

    private sealed class Changes
    {
        public List<string> Inserted { get; } = [];
        public List<string> Updated { get; } = [];
        public List<string> Deleted { get; } = [];

        public DepartmentChanges Done() => new() { Inserted = Inserted, Updated = Updated.Distinct().ToList(), Deleted = Deleted };
    }
}
