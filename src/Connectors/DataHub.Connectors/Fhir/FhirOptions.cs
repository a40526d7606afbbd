using System.Globalization;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Http;

namespace DataHub.Connectors.Fhir;

/// <summary>The FHIR connector's options: where the server is and how the health system codes its data.</summary>
internal sealed record FhirOptions(
    string SourceId,
    Uri BaseUrl,
    int PageSize,
    string IdSystem,
    string ArchiveSystem,
    string CommunityExtension,
    string ConditionSystem,
    string ContractCategory,
    HttpSourceOptions Http)
{
    public const string BaseUrlOption = "base_url";
    public const string PageSizeOption = "page_size";
    public const string IdSystemOption = "id_system";
    public const string ArchiveSystemOption = "archive_system";
    public const string CommunityExtensionOption = "community_extension";
    public const string ConditionSystemOption = "condition_system";
    public const string ContractCategoryOption = "contract_category";

    /// <summary>The simulated health system's identifier system for 居民身份证号码 (see docs/SIMULATED-DISTRICT.md).</summary>
    public const string DefaultIdSystem = "urn:datahub:sid:cn-resident-id";
    public const string DefaultArchiveSystem = "urn:datahub:sid:cn-health-archive";
    public const string DefaultCommunityExtension = "urn:datahub:fhir:extension:community-code";
    public const string DefaultConditionSystem = "http://hl7.org/fhir/sid/icd-10";
    public const string DefaultContractCategory = "family-doctor-contract";

    public static IReadOnlyList<ConnectorOption> Declared { get; } =
    [
        new(BaseUrlOption, "FHIR R4 服务器的基础地址，如 https://fhir.example.gov.cn/fhir", null, Required: true),
        new(PageSizeOption, "每页请求的患者数（_count），1 到 1000", "100", Required: false),
        new(IdSystemOption, "Patient.identifier 中公民身份号码的 system", DefaultIdSystem, Required: false),
        new(ArchiveSystemOption, "Patient.identifier 中居民健康档案编号的 system", DefaultArchiveSystem, Required: false),
        new(CommunityExtensionOption, "Patient.address 上记载12位社区代码的扩展（extension）URL", DefaultCommunityExtension, Required: false),
        new(ConditionSystemOption, "Condition.code 中 ICD-10 编码的 system", DefaultConditionSystem, Required: false),
        new(ContractCategoryOption, "表示家庭医生签约的 CarePlan.category 编码", DefaultContractCategory, Required: false),
        .. HttpSourceOptions.Declared,
    ];

    public static FhirOptions From(SourceConfig config)
    {
        var url = HttpSourceOptions.Url(config, BaseUrlOption);
        // Relative references resolve against the base, which therefore ends in a slash.
        if (!url.AbsolutePath.EndsWith('/')) url = new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri;
        var raw = config.Option(PageSizeOption);
        var pageSize = 100;
        if (raw is not null && raw.Trim().Length > 0
            && (!int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 1000))
            throw HttpSourceOptions.Invalid(config, PageSizeOption, $"值“{raw}”无效", "填写 1 到 1000 之间的整数");
        return new FhirOptions(config.SourceId, url, pageSize,
            Text(config, IdSystemOption) ?? DefaultIdSystem,
            Text(config, ArchiveSystemOption) ?? DefaultArchiveSystem,
            Text(config, CommunityExtensionOption) ?? DefaultCommunityExtension,
            Text(config, ConditionSystemOption) ?? DefaultConditionSystem,
            Text(config, ContractCategoryOption) ?? DefaultContractCategory,
            HttpSourceOptions.From(config));
    }

    private static string? Text(SourceConfig config, string option) =>
        config.Option(option) is { } v && v.Trim().Length > 0 ? v.Trim() : null;
}
