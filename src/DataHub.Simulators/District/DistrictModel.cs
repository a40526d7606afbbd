using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataHub.Simulators.District;

/// <summary>
/// The district's true state, saved as JSON between runs (simulator/state.json) so that
/// <c>simulate advance</c> in another process changes the same district. What the departments'
/// systems hold is derived from it, defects included.
/// </summary>
internal sealed class DistrictModel
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string DistrictCode { get; init; }
    public required string DistrictName { get; init; }
    public required int Seed { get; init; }
    public required DateTimeOffset Start { get; init; }
    public int Day { get; set; }
    public long NextPoliceRow { get; set; }
    public int NextAddress { get; set; }
    public int NextPatient { get; set; }
    public int NextResource { get; set; }
    public int NextEnterprise { get; set; }
    public int PoliceRowsAdded { get; set; }
    public int PoliceRowsDeleted { get; set; }
    public required List<CommunityInfo> Communities { get; init; }
    public List<AddressState> Addresses { get; init; } = [];
    public List<ResidentState> Residents { get; init; } = [];
    public List<EnterpriseState> Enterprises { get; init; } = [];

    public DateTimeOffset Now => Start.AddDays(Day);

    public string ToJsonText() => JsonSerializer.Serialize(this, Json);

    public static DistrictModel FromJson(string json) =>
        JsonSerializer.Deserialize<DistrictModel>(json, Json) ?? throw new JsonException("state.json is empty");
}

internal sealed record CommunityInfo(string Code, string Name, string ShortName, string StreetName, bool Village);

/// <summary>A standard address (一标) and the house on it (实有房屋).</summary>
internal sealed class AddressState
{
    public required string Code { get; init; }
    public required string CommunityCode { get; set; }
    public required string Head { get; init; }
    public required string Middle { get; init; }
    public required string Tail { get; init; }
    public string? Building { get; init; }
    public string? Unit { get; init; }
    public string? Room { get; init; }
    public int? Floor { get; init; }
    public required decimal Area { get; init; }
    public required string Usage { get; init; }
    public required string PropertyType { get; init; }
    public required string Owner { get; set; }
    public required int BuiltYear { get; init; }
    public bool Rented { get; set; }
    public int Tenants { get; set; }
    public DateTimeOffset Updated { get; set; }

    public string Full => Head + Middle + Tail;
}

/// <summary>A person of the police register and, when registered there, the health system.</summary>
internal sealed class ResidentState
{
    public required string Id18 { get; init; }
    public required string Name { get; init; }
    public required bool Male { get; init; }
    public required DateOnly Birth { get; init; }
    public required string CommunityCode { get; set; }
    public string? AddressCode { get; set; }
    public required string Address { get; set; }
    public required string Type { get; init; }
    public required string Status { get; set; }
    public required DateTimeOffset Updated { get; set; }

    /// <summary>The police rows (序号) that describe this person; a planted duplicate adds a second.</summary>
    public List<long> PoliceRows { get; init; } = [];

    /// <summary>Whether a correct pipeline accepts this person from the police register (false: every row is defective).</summary>
    public bool PoliceAccepted { get; set; }

    public PatientState? Patient { get; set; }
}

/// <summary>The person's record in the health system (FHIR), with the planted defect it carries.</summary>
internal sealed class PatientState
{
    public required string Id { get; init; }
    public required string ArchiveNo { get; init; }
    public required string Institution { get; init; }
    /// <summary>none, missing, check_digit, legacy15, duplicate (a second Patient, <see cref="DuplicateId"/>).</summary>
    public required string Defect { get; init; }
    public string? DuplicateId { get; init; }
    public List<ConditionState> Conditions { get; init; } = [];
    public ContractState? Contract { get; set; }
    public DateOnly? Deceased { get; set; }
    public DateTimeOffset Updated { get; set; }
}

internal sealed record ConditionState(string Id, string Icd10, string Display, DateOnly Recorded, DateTimeOffset Updated);

internal sealed record ContractState(string Id, DateOnly Start, string Team, DateTimeOffset Updated);

/// <summary>An enterprise of the market-regulation register.</summary>
internal sealed class EnterpriseState
{
    public required int Seq { get; init; }
    public required string CreditCode { get; init; }
    /// <summary>The code as the register holds it (a defect may change it).</summary>
    public required string RegisteredCode { get; init; }
    /// <summary>none, check (warning), length, format, duplicate.</summary>
    public required string Defect { get; init; }
    public required string Name { get; init; }
    public required string EntityType { get; init; }
    public required string LegalRepresentative { get; init; }
    public required decimal Capital { get; init; }
    public required DateOnly Established { get; init; }
    public required string Industry { get; init; }
    public required string Status { get; set; }
    /// <summary>Registered without community code and address code (planted; never changed by advance).</summary>
    public bool CommunityBlank { get; set; }
    public required string AddressCode { get; set; }
    public required string CommunityCode { get; set; }
    public required int Employees { get; set; }
    public required DateTimeOffset Updated { get; set; }
}
