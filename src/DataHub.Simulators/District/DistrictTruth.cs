using System.Text;
using System.Text.Json;

namespace DataHub.Simulators.District;

/// <summary>
/// The ground truth of the simulated district (simulator/truth.json): per department what a correct
/// pipeline reports for a full read of today's data, the changes of the last <c>advance</c>, and the
/// facts later work checks against (who lives alone, conditions, rented houses, true addresses).
/// </summary>
public sealed record DistrictTruth
{
    public required string District { get; init; }
    public required int Seed { get; init; }
    public required int Day { get; init; }
    public required DateTimeOffset Now { get; init; }

    /// <summary>By dataset: population, health, enterprise, housing.</summary>
    public required IReadOnlyDictionary<string, DepartmentTruth> Departments { get; init; }

    /// <summary>What the last advance changed, by dataset (null on day 0).</summary>
    public IReadOnlyDictionary<string, DepartmentChanges>? Changes { get; init; }

    public required DistrictFacts Facts { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, DistrictModel.Json);

    public Task WriteAsync(string path, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, ToJson(), new UTF8Encoding(false), cancellationToken);

    public static DistrictTruth FromJson(string json) =>
        JsonSerializer.Deserialize<DistrictTruth>(json, DistrictModel.Json) ?? throw new JsonException("truth.json is empty");
}

/// <summary>
/// What a full read of one department gives a correct pipeline. Invariant:
/// <c>Rows = Accepted + Quarantined + Duplicates</c>.
/// </summary>
public sealed record DepartmentTruth
{
    public required string SourceId { get; init; }
    public required long Rows { get; init; }
    public required long Accepted { get; init; }
    public required long Quarantined { get; init; }
    public required long Duplicates { get; init; }
    public required IReadOnlyDictionary<string, long> QuarantinedByReason { get; init; }
    public IReadOnlyDictionary<string, long> Warnings { get; init; } = new Dictionary<string, long>();
    public required IReadOnlyDictionary<string, long> AcceptedByCommunity { get; init; }
}

/// <summary>
/// The records an incremental read after <c>advance</c> returns: keys of inserted, updated and
/// deleted records (ID numbers for population and health, credit codes for enterprises, house
/// codes for housing). Changes are planted on clean records only, so each is one accepted row.
/// </summary>
public sealed record DepartmentChanges
{
    public IReadOnlyList<string> Inserted { get; init; } = [];
    public IReadOnlyList<string> Updated { get; init; } = [];
    public IReadOnlyList<string> Deleted { get; init; } = [];

    /// <summary>Records an incremental read returns (inserts and updates; deletions come as tombstones).</summary>
    public int Records => Inserted.Count + Updated.Count;
}

public sealed record DistrictFacts
{
    /// <summary>Accepted residents (在住) who are the only such resident at their standard address.</summary>
    public required IReadOnlyList<ResidentFact> LivesAlone { get; init; }

    /// <summary>Every accepted resident's true current address (the standard address code).</summary>
    public required IReadOnlyList<ResidentFact> TrueAddresses { get; init; }

    /// <summary>Active chronic conditions (ICD-10) per ID number, as the health system holds them.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Conditions { get; init; }

    /// <summary>ID numbers with an active family-doctor contract.</summary>
    public required IReadOnlyList<string> FamilyDoctorSigned { get; init; }

    /// <summary>House codes of rented houses.</summary>
    public required IReadOnlyList<string> RentedHouses { get; init; }

    /// <summary>ID numbers of residents who died (status 死亡).</summary>
    public required IReadOnlyList<string> Deceased { get; init; }

    /// <summary>
    /// Which resident each health archive belongs to, by 健康档案编号 (the health rows carry it), and how
    /// the health system registered the person: the answer key for person resolution.
    /// </summary>
    public IReadOnlyList<HealthPatientFact> HealthPatients { get; init; } = [];

    /// <summary>The enterprises a correct pipeline accepts (once each): community, industry code (GB/T 4754) and registration status.</summary>
    public IReadOnlyList<EnterpriseFact> Enterprises { get; init; } = [];
}

/// <param name="CommunityFromAddress">Registered without its community code: a correct pipeline takes it from the certain standard address.</param>
public sealed record EnterpriseFact(string CreditCode, string CommunityCode, string Industry, string Status, bool CommunityFromAddress = false);

/// <summary>
/// One health archive: its 健康档案编号, the resident's true ID number and community, and how it was
/// registered: <c>id_number</c>, <c>legacy15</c> (old 15-digit number), <c>duplicate</c> (a second
/// Patient with the same number), <c>no_id</c> (no ID number: name, birth date and community only) or
/// <c>check_digit</c> (a wrong check character: quarantined).
/// </summary>
public sealed record HealthPatientFact(string ArchiveNo, string IdNumber, string CommunityCode, string Registered);

public sealed record ResidentFact(string IdNumber, string CommunityCode, string? AddressCode, string Address);
