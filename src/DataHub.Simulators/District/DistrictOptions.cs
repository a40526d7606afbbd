using DataHub.Core.Failures;
using DataHub.Core.Standards;
using DataHub.Simulators.Population;

namespace DataHub.Simulators.District;

/// <summary>
/// What <see cref="SimulatedDistrict"/> generates: one district whose four departments describe the
/// same residents, addresses and enterprises. The caller passes the district's communities and
/// streets as the division reference has them (the simulator reads no reference files itself).
/// </summary>
public sealed record DistrictOptions
{
    /// <summary>The 6-digit district code, e.g. 320113 (南京市栖霞区).</summary>
    public required string DistrictCode { get; init; }

    /// <summary>The district's full name for addresses, e.g. 江苏省南京市栖霞区.</summary>
    public required string DistrictName { get; init; }

    /// <summary>Every community of the district (12-digit code, reference name).</summary>
    public required IReadOnlyList<(string Code, string Name)> Communities { get; init; }

    /// <summary>9-digit street codes to names.</summary>
    public required IReadOnlyDictionary<string, string> StreetNames { get; init; }

    /// <summary>Full names of birthplace districts for 流动人口's 户籍地址 (optional).</summary>
    public IReadOnlyDictionary<string, string>? BirthplaceNames { get; init; }

    /// <summary>Rows of the police register (the residents, defects and duplicates included). Default 20,000.</summary>
    public int Residents { get; init; } = 20_000;

    public int Seed { get; init; } = 20261128;

    /// <summary>The generation's "now" (day 0). Advancing adds one day per step.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Defect rates of the health, enterprise and housing departments (police: <see cref="PopulationDefectRates.Default"/>).</summary>
    public DistrictDefectRates Rates { get; init; } = DistrictDefectRates.Default;

    public void Validate()
    {
        if (DistrictCode is null || DivisionCode.LevelOf(DistrictCode) != DivisionLevel.District)
            throw Invalid(nameof(DistrictCode), $"区县代码“{DistrictCode}”不是6位代码", "使用区划参考表中的区县代码，如 320113");
        if (Communities is null || Communities.Count == 0)
            throw Invalid(nameof(Communities), $"区县 {DistrictCode} 没有社区", "选一个区划参考表中有社区（村）的区县");
        if (Communities.Any(c => !c.Code.StartsWith(DistrictCode, StringComparison.Ordinal)))
            throw Invalid(nameof(Communities), "社区代码不属于该区县", "只传入该区县的社区");
        if (Residents is < 50 or > 2_000_000)
            throw Invalid(nameof(Residents), $"人口记录数应在 50 到 2000000 之间，实际为 {Residents}", "调整 --rows");
    }

    internal static DataHubException Invalid(string option, string message, string fix) =>
        new(FailureKind.Config, "SIMULATOR_OPTIONS", message, where: option, fix: fix);
}

/// <summary>Share of records carrying each planted defect, per department (police rates are the population export's).</summary>
public sealed record DistrictDefectRates
{
    public static DistrictDefectRates Default { get; } = new();

    /// <summary>卫健: Patient without a 身份号码 identifier (REQUIRED_MISSING). Default 0.02.</summary>
    public double PatientIdMissing { get; init; } = 0.02;

    /// <summary>卫健: Patient whose 身份号码 has a wrong check character (ID_CHECK_DIGIT). Default 0.01.</summary>
    public double PatientIdCheckDigit { get; init; } = 0.01;

    /// <summary>卫健: share of patients born before 1990 registered with their old 15-digit number (accepted, upgraded). Default 0.05.</summary>
    public double PatientLegacy15 { get; init; } = 0.05;

    /// <summary>卫健: a second Patient for the same person (registered at two institutions; a duplicate). Default 0.01.</summary>
    public double PatientDuplicate { get; init; } = 0.01;

    /// <summary>市场监管: credit code failing its GB 32100 check character (kept, warning CREDIT_CODE_CHECK). Default 0.02.</summary>
    public double CreditCodeCheck { get; init; } = 0.02;

    /// <summary>市场监管: credit code of 17 characters (CREDIT_CODE_LENGTH). Default 0.01.</summary>
    public double CreditCodeLength { get; init; } = 0.01;

    /// <summary>市场监管: credit code with a letter GB 32100 excludes, I O Z S V (CREDIT_CODE_FORMAT). Default 0.005.</summary>
    public double CreditCodeFormat { get; init; } = 0.005;

    /// <summary>市场监管: an enterprise listed twice (a duplicate). Default 0.005.</summary>
    public double EnterpriseDuplicate { get; init; } = 0.005;

    /// <summary>
    /// 市场监管: an enterprise registered without its community code and standard-address code, only
    /// the address text (accepted with warning COMMUNITY_FROM_ADDRESS when the address is certainly one
    /// standard address, else REQUIRED_MISSING). Planted only at houses the housing register publishes. Default 0.05.
    /// </summary>
    public double EnterpriseCommunityMissing { get; init; } = 0.05;

    /// <summary>住建: a house with a community code not in the reference (DIVISION_UNKNOWN). Default 0.005.</summary>
    public double HouseCommunityUnknown { get; init; } = 0.005;

    /// <summary>住建: a house row without its address (REQUIRED_MISSING). Default 0.004.</summary>
    public double HouseAddressMissing { get; init; } = 0.004;

    /// <summary>住建: a house listed twice on the sheet (a duplicate). Default 0.005.</summary>
    public double HouseDuplicate { get; init; } = 0.005;
}
