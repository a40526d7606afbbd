using System.Text;
using System.Text.Json;

namespace DataHub.Simulators.Population;

/// <summary>
/// The quarantine reason codes the export plants (record rules: the row is rejected); they are the
/// codes DataHub.Core's standards return.
/// </summary>
public static class PopulationReasonCodes
{
    public const string IdCheckDigit = "ID_CHECK_DIGIT";
    public const string DivisionUnknown = "DIVISION_UNKNOWN";
    public const string DateFormat = PopulationFieldIssueCodes.DateFormat;
    public const string RequiredMissing = "REQUIRED_MISSING";
    public const string PhoneFormat = PopulationFieldIssueCodes.PhoneFormat;
    public const string IdLength = "ID_LENGTH";

    public static IReadOnlyList<string> All { get; } = [IdCheckDigit, DivisionUnknown, RequiredMissing, IdLength];
}

/// <summary>
/// The field issues the export plants (field rules: the person is accepted, the bad 出生日期 or
/// 联系电话 is set to null and recorded).
/// </summary>
public static class PopulationFieldIssueCodes
{
    public const string DateFormat = "DATE_FORMAT";
    public const string PhoneFormat = "PHONE_FORMAT";

    public static IReadOnlyList<string> All { get; } = [DateFormat, PhoneFormat];
}

/// <summary>
/// Exactly what one generated file holds, for tests of the ingestion pipeline.
/// Invariant: <c>TotalRows = ExpectedAccepted + ExpectedQuarantined + ExpectedDuplicates</c>.
/// </summary>
public sealed record PopulationExportManifest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Data rows written (header excluded).</summary>
    public required int TotalRows { get; init; }

    /// <summary>Distinct persons a correct pipeline accepts (one per ID number), those with a field issue included.</summary>
    public required int ExpectedAccepted { get; init; }

    /// <summary>Rows carrying one planted defect; the sum of <see cref="ReasonCounts"/>.</summary>
    public required int ExpectedQuarantined { get; init; }

    /// <summary>
    /// Valid rows repeating an earlier valid person's ID number: the rows a pipeline keeping one row per ID
    /// (the latest 更新时间; the two rows of a person always differ by more than a day) must drop.
    /// A person appears at most twice, and both rows name the same community.
    /// </summary>
    public required int ExpectedDuplicates { get; init; }

    /// <summary>Quarantined rows per reason code of <see cref="PopulationReasonCodes"/>; every code is present.</summary>
    public required IReadOnlyDictionary<string, int> ReasonCounts { get; init; }

    /// <summary>Accepted rows with one bad non-identifying value, per code of <see cref="PopulationFieldIssueCodes"/> (each row once).</summary>
    public IReadOnlyDictionary<string, int> FieldIssueCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>REQUIRED_MISSING split by schema field: <c>name</c> (姓名) and <c>id_number</c> (公民身份号码).</summary>
    public required IReadOnlyDictionary<string, int> RequiredMissingByField { get; init; }

    /// <summary>Accepted distinct persons per community code; every community passed in is present.</summary>
    public required IReadOnlyDictionary<string, int> AcceptedByCommunity { get; init; }

    /// <summary>
    /// How often each kind of acceptable messiness was written (over all rows, defective ones included), e.g.
    /// <c>ID_LEGACY_15</c>, <c>ADDRESS_NEWLINE</c>. Informational: a correct pipeline accepts all of these.
    /// </summary>
    public required IReadOnlyDictionary<string, int> Variations { get; init; }

    public required int Seed { get; init; }

    /// <summary><c>GB18030</c> or <c>UTF-8-BOM</c>.</summary>
    public required string Encoding { get; init; }

    /// <summary>The "now" the export was generated for.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Indented camelCase JSON with keys in ordinal order (deterministic).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes <see cref="ToJson"/> as UTF-8 (no BOM), replacing the file.</summary>
    public Task WriteJsonAsync(string path, CancellationToken cancellationToken = default) =>
        File.WriteAllTextAsync(path, ToJson(), new UTF8Encoding(false), cancellationToken);

    public static PopulationExportManifest FromJson(string json) =>
        JsonSerializer.Deserialize<PopulationExportManifest>(json, Json)
        ?? throw new JsonException("The manifest JSON is null.");
}

/// <summary>Keys of <see cref="PopulationExportManifest.Variations"/>: acceptable messiness a pipeline must normalise.</summary>
public static class PopulationVariations
{
    public const string IdFullWidth = "ID_FULL_WIDTH";
    public const string IdLowercaseX = "ID_LOWERCASE_X";
    public const string IdLegacy15 = "ID_LEGACY_15";
    public const string GenderCode = "GENDER_CODE_DIGIT";
    public const string GenderWord = "GENDER_WORD";
    public const string GenderEmpty = "GENDER_EMPTY";
    public const string BirthDateEmpty = "BIRTH_DATE_EMPTY";
    public const string EthnicityShort = "ETHNICITY_SHORT";
    public const string DateChinese = "DATE_CHINESE";
    public const string DateExcelSerial = "DATE_EXCEL_SERIAL";
    public const string MoveInEmpty = "MOVE_IN_EMPTY";
    public const string PhoneFormatted = "PHONE_FORMATTED";
    public const string PhoneEmpty = "PHONE_EMPTY";
    public const string PhoneLandline = "PHONE_LANDLINE";
    public const string PaddedField = "PADDED_FIELD";
    public const string AddressComma = "ADDRESS_COMMA";
    public const string AddressQuote = "ADDRESS_QUOTE";
    public const string AddressNewline = "ADDRESS_NEWLINE";

    public static IReadOnlyList<string> All { get; } =
    [
        IdFullWidth, IdLowercaseX, IdLegacy15, GenderCode, GenderWord, GenderEmpty, BirthDateEmpty, EthnicityShort,
        DateChinese, DateExcelSerial, MoveInEmpty, PhoneFormatted, PhoneEmpty, PhoneLandline, PaddedField, AddressComma, AddressQuote, AddressNewline,
    ];
}
