using DataHub.Core.Failures;
using DataHub.Core.Standards;

namespace DataHub.Simulators.Population;

/// <summary>The character encoding of the simulated export.</summary>
public enum PopulationExportEncoding
{
    /// <summary>GB18030 without a byte order mark, as Windows-based 公安 systems export (the default).</summary>
    Gb18030,

    /// <summary>UTF-8 with a byte order mark, as Excel's "CSV UTF-8" saves.</summary>
    Utf8WithBom,
}

/// <summary>
/// What <see cref="PopulationExportGenerator"/> writes. Only <see cref="OutputPath"/>, <see cref="Communities"/>
/// and <see cref="Now"/> have no default; <see cref="Validate"/> runs before anything is written.
/// </summary>
public sealed record PopulationExportOptions
{
    /// <summary>Real GB/T 2260 district codes used as ID address codes when the caller passes none.</summary>
    public static IReadOnlyList<string> DefaultBirthplaceDistricts { get; } =
    [
        "320113", "320102", "320104", "320105", "320106", "320111", "320114", "320115",
        "510107", "510104", "340104", "370102", "410105", "420106", "510105",
    ];

    /// <summary>The CSV file to write. Its folder is created if missing; an existing file is replaced.</summary>
    public required string OutputPath { get; init; }

    /// <summary>Data rows, header excluded. Default 20,000; must be at least 1.</summary>
    public int RowCount { get; init; } = 20_000;

    /// <summary>Seed of the <see cref="Random"/>: the same options give the same bytes.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Default <see cref="PopulationExportEncoding.Gb18030"/>.</summary>
    public PopulationExportEncoding Encoding { get; init; } = PopulationExportEncoding.Gb18030;

    /// <summary>
    /// The communities residents live in: 12-digit 统计用区划代码 and names as the reference table has
    /// them (e.g. <c>("320113001001", "尧化社区居委会")</c>). Pass the district's complete list: a
    /// DIVISION_UNKNOWN row carries a code absent from this list, which is then absent from the reference
    /// table only if the list is complete. Codes must be unique.
    /// </summary>
    public required IReadOnlyList<(string Code, string Name)> Communities { get; init; }

    /// <summary>6-digit district codes for the address part of ID numbers (province prefix must exist).</summary>
    public IReadOnlyList<string> BirthplaceDistricts { get; init; } = DefaultBirthplaceDistricts;

    /// <summary>
    /// Full place names of birthplace districts (code to "四川省成都市武侯区"), used in the 户籍地址 of
    /// 流动 residents. Codes not listed fall back to a built-in table, then to the province name.
    /// </summary>
    public IReadOnlyDictionary<string, string>? BirthplaceNames { get; init; }

    /// <summary>The district's address prefix for 现住址 and local 户籍地址. Default "江苏省南京市栖霞区".</summary>
    public string AddressPrefix { get; init; } = "江苏省南京市栖霞区";

    /// <summary>
    /// 9-digit street codes to street names (e.g. "320113001" to "尧化街道") for addresses. Null uses the
    /// built-in streets of 栖霞区; a community whose street is not listed gets no street in its addresses.
    /// </summary>
    public IReadOnlyDictionary<string, string>? StreetNames { get; init; }

    /// <summary>The export's "now": every 更新时间 and 迁入日期 lies at or before it. Never the wall clock.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Rates of the planted defects and duplicates. Default <see cref="PopulationDefectRates.Default"/>.</summary>
    public PopulationDefectRates DefectRates { get; init; } = PopulationDefectRates.Default;

    /// <summary>
    /// Whether to write acceptable messiness (full-width and legacy IDs, mixed date and phone formats,
    /// padded fields, quoted addresses, ...). Default true; false writes every value in one canonical form.
    /// </summary>
    public bool AcceptableMess { get; init; } = true;

    /// <summary>Throws a <see cref="FailureKind.Config"/> <see cref="DataHubException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputPath))
            throw Invalid(nameof(OutputPath), "未指定输出文件路径", "设置 OutputPath");
        if (RowCount < 1)
            throw Invalid(nameof(RowCount), $"行数应至少为1，实际为{RowCount}", "设置 RowCount ≥ 1");
        if (Communities is null || Communities.Count == 0)
            throw Invalid(nameof(Communities), "未提供社区列表", "传入本区全部社区的12位统计用区划代码与名称");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (code, name) in Communities)
        {
            if (code is null || DivisionCode.LevelOf(code) != DivisionLevel.Community)
                throw Invalid(nameof(Communities), $"社区代码“{code}”不是12位数字", "使用统计用区划代码（12位）");
            if (string.IsNullOrWhiteSpace(name))
                throw Invalid(nameof(Communities), $"社区{code}缺少名称", "传入区划参考表中的社区名称");
            if (!seen.Add(code))
                throw Invalid(nameof(Communities), $"社区代码{code}重复", "每个社区只传一次");
        }
        if (BirthplaceDistricts is null || BirthplaceDistricts.Count == 0)
            throw Invalid(nameof(BirthplaceDistricts), "未提供出生地区县代码", "传入6位区县代码，或使用默认列表");
        foreach (var code in BirthplaceDistricts)
        {
            if (code is null || DivisionCode.LevelOf(code) != DivisionLevel.District || !DivisionCode.IsKnownProvince(code.AsSpan(0, 2)))
                throw Invalid(nameof(BirthplaceDistricts), $"区县代码“{code}”不是有效的6位代码", "使用 GB/T 2260 区县代码，如 320113");
        }
        if (AddressPrefix is null)
            throw Invalid(nameof(AddressPrefix), "地址前缀不能为 null", "设置如“江苏省南京市栖霞区”的前缀");
        if (!Enum.IsDefined(Encoding))
            throw Invalid(nameof(Encoding), $"未知的编码选项{Encoding}", "使用 Gb18030 或 Utf8WithBom");
        var nowBeijing = Now.ToOffset(ChineseDate.BeijingOffset);
        if (nowBeijing.Year is < 1931 or > 2200)
            throw Invalid(nameof(Now), "“现在”时间应在1931年至2200年之间", "传入导出时点，如 2025-06-30T18:00:00+08:00");
        (DefectRates ?? throw Invalid(nameof(DefectRates), "缺陷比例不能为 null", "使用 PopulationDefectRates.Default")).Validate();
    }

    internal static DataHubException Invalid(string option, string message, string fix) =>
        new(FailureKind.Config, "SIMULATOR_OPTIONS", message, where: option, fix: fix);
}

/// <summary>
/// Share of rows (0..1) carrying each planted defect; each defective row carries exactly one. The sum
/// must not exceed 0.5, so that most rows stay clean and there are valid persons to duplicate.
/// </summary>
public sealed record PopulationDefectRates
{
    /// <summary>The defaults: 1% bad check digit, 0.5% unknown community, 0.3% bad birth date, ... 1% duplicates.</summary>
    public static PopulationDefectRates Default { get; } = new();

    /// <summary>No defects and no duplicates: every row is accepted.</summary>
    public static PopulationDefectRates None { get; } = new()
    {
        IdCheckDigit = 0, DivisionUnknown = 0, DateFormat = 0, NameMissing = 0,
        IdMissing = 0, PhoneFormat = 0, IdLength = 0, Duplicate = 0,
    };

    /// <summary>ID_CHECK_DIGIT: an 18-digit number whose check character is wrong. Default 0.01.</summary>
    public double IdCheckDigit { get; init; } = 0.01;

    /// <summary>DIVISION_UNKNOWN: a 12-digit community code that looks real but is not in the list. Default 0.005.</summary>
    public double DivisionUnknown { get; init; } = 0.005;

    /// <summary>DATE_FORMAT: an unparseable 出生日期 such as "1985-13-45" or "不详". Default 0.003.</summary>
    public double DateFormat { get; init; } = 0.003;

    /// <summary>REQUIRED_MISSING (field name): an empty 姓名. Default 0.003.</summary>
    public double NameMissing { get; init; } = 0.003;

    /// <summary>REQUIRED_MISSING (field id_number): an empty 公民身份号码. Default 0.002.</summary>
    public double IdMissing { get; init; } = 0.002;

    /// <summary>PHONE_FORMAT: a 联系电话 that is no mobile number ("1234567", "0251234567"). Default 0.003.</summary>
    public double PhoneFormat { get; init; } = 0.003;

    /// <summary>ID_LENGTH: an ID number of neither 18 nor 15 characters. Default 0.002.</summary>
    public double IdLength { get; init; } = 0.002;

    /// <summary>A second row for an earlier valid person, which a pipeline keeping one row per ID drops. Default 0.01.</summary>
    public double Duplicate { get; init; } = 0.01;

    internal double Sum => IdCheckDigit + DivisionUnknown + DateFormat + NameMissing + IdMissing + PhoneFormat + IdLength + Duplicate;

    /// <summary>Throws a <see cref="FailureKind.Config"/> <see cref="DataHubException"/> if a rate is out of range.</summary>
    public void Validate()
    {
        Check(IdCheckDigit, nameof(IdCheckDigit));
        Check(DivisionUnknown, nameof(DivisionUnknown));
        Check(DateFormat, nameof(DateFormat));
        Check(NameMissing, nameof(NameMissing));
        Check(IdMissing, nameof(IdMissing));
        Check(PhoneFormat, nameof(PhoneFormat));
        Check(IdLength, nameof(IdLength));
        Check(Duplicate, nameof(Duplicate));
        if (Sum > 0.5)
            throw PopulationExportOptions.Invalid(nameof(PopulationExportOptions.DefectRates), $"缺陷与重复比例之和为{Sum:0.###}，超过0.5", "降低各项比例");
    }

    private static void Check(double rate, string name)
    {
        if (double.IsNaN(rate) || rate is < 0 or > 1)
            throw PopulationExportOptions.Invalid($"{nameof(PopulationExportOptions.DefectRates)}.{name}", $"比例应在0到1之间，实际为{rate}", "使用如 0.01 的小数");
    }
}
