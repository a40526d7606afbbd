using System.Text;
using Npgsql;

namespace DataHub.Simulators.District;

/// <summary>
/// Writes one source definition per department of the simulated district into DIR/sources, pointing
/// at the running servers and the drops. Secrets stay in DIR/secrets; the files only name them.
/// </summary>
public static class DistrictSources
{
    public const string PoliceFile = "gongan-population.yaml";
    public const string HealthFile = "wsjk-health.yaml";
    public const string EnterpriseFile = "scjg-enterprise.yaml";
    public const string HousingFile = "zhujian-housing.yaml";

    /// <summary>Writes the four files; returns their paths by dataset.</summary>
    public static IReadOnlyDictionary<string, string> Write(DistrictPaths paths, string districtCode, string districtShortName,
        Uri enterprisesUrl, Uri fhirBaseUrl, string? postgres)
    {
        Directory.CreateDirectory(paths.Sources);
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["population"] = Save(paths, PoliceFile, Police(paths, districtCode, districtShortName, postgres)),
            ["health"] = Save(paths, HealthFile, Health(districtCode, districtShortName, fhirBaseUrl)),
            ["enterprise"] = Save(paths, EnterpriseFile, Enterprise(districtCode, districtShortName, enterprisesUrl)),
        };
        if (HousingSource is { } housing) files["housing"] = Save(paths, HousingFile, housing(districtCode, districtShortName));
        return files;
    }

    /// <summary>The housing definition (null until an Excel connector is available).</summary>
    internal static Func<string, string, string>? HousingSource { get; set; }

    private static string Save(DistrictPaths paths, string name, string text)
    {
        var path = Path.Combine(paths.Sources, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    internal static string Header(string id, string name, string dataset, string districtCode, string deptCode, string deptName, string resource, string share, string? condition) => $"""
        # 模拟区县（datahub simulate 生成）：{name}
        # 格式说明见 docs/SOURCES.md；模拟区县说明见 docs/SIMULATED-DISTRICT.md。
        id: {id}
        name: {name}
        dataset: {dataset}

        department:
          code: "{districtCode}-{deptCode}"
          name: {deptName}

        catalog:
          resource_code: "{districtCode}-{deptCode}-{resource}"
          share_type: {share}
        {(condition is null ? "" : $"  share_condition: {condition}\n")}  update_cycle: 每日

        """;

    private static string Police(DistrictPaths paths, string districtCode, string district, string? postgres)
    {
        string connector;
        if (postgres is null)
        {
            connector = """
                connector:
                  type: database
                  provider: sqlite
                  database: ../simulator/police.db       # 相对于本文件所在目录
                  table: 实有人口
                  cursor_column: 更新时间                 # 增量：只读上次发布之后更新的行
                  tombstone_table: 人口删除记录           # 迁出本区的人员：删除行，记入墓碑表
                  tombstone_cursor_column: 删除时间
                """;
        }
        else
        {
            var builder = new NpgsqlConnectionStringBuilder(postgres);
            var password = builder.Password;
            builder.Password = null;
            var secret = "";
            if (!string.IsNullOrEmpty(password))
            {
                SimulatedDistrict.WriteSecret(paths.PolicePassword, password);
                secret = "\n  password_file: ../secrets/gongan-db.password";
            }
            connector = $"""
                connector:
                  type: database
                  provider: postgresql
                  connection: "{builder.ConnectionString}"{secret}
                  table: {SimulatedDistrict.PostgresSchema}.实有人口
                  cursor_column: 更新时间
                  tombstone_table: {SimulatedDistrict.PostgresSchema}.人口删除记录
                  tombstone_cursor_column: 删除时间
                """;
        }
        return Header("gongan-population", "公安分局人口信息系统（实有人口库）", "population", districtCode, "GA", $"{district}公安分局", "RK-0001", "有条件共享",
            "仅限本辖区社区、街道开展居民服务和网格化管理使用；按社区授权，身份号码脱敏") + connector + """


            fields:
              id_number:         { from: 公民身份号码, transforms: [halfwidth, remove_spaces, upper] }
              name:              { from: 姓名, transforms: [remove_spaces] }
              gender:            { from: 性别, null_values: [未知, 不详] }
              ethnicity:         { from: 民族 }
              birth_date:        { from: 出生日期 }
              household_address: { from: 户籍地址, transforms: [single_line] }
              current_address:   { from: 现住址, transforms: [single_line] }
              community_code:    { from: 社区代码 }
              person_type:       { from: 人员类型, values: { 户籍人口: 户籍, 流动人口: 流动, 境外人员: 境外 } }
              move_in_date:      { from: 迁入日期 }
              status:            { from: 人员状态 }
              phone:             { from: 联系电话（手机） }
              updated_at:        { from: 更新时间 }

            """;
    }

    private static string Health(string districtCode, string district, Uri fhirBaseUrl) =>
        Header("wsjk-health", "卫健基层卫生信息系统（居民健康档案，FHIR R4）", "health", districtCode, "WJ", $"{district}卫生健康委员会", "JK-0001", "有条件共享",
            "仅限家庭医生团队和社区开展健康服务使用；健康信息默认不显示") + $$"""
        connector:
          type: fhir
          base_url: {{fhirBaseUrl}}
          page_size: 100
          # 本系统的编码约定（见 docs/SIMULATED-DISTRICT.md）；其他系统按其文档改写
          id_system: urn:datahub:sid:cn-resident-id
          archive_system: urn:datahub:sid:cn-health-archive
          community_extension: urn:datahub:fhir:extension:community-code
          contract_category: family-doctor-contract

        fields:
          id_number:            { from: "Patient.identifier[身份号码]", transforms: [halfwidth, remove_spaces, upper] }
          archive_no:           { from: "Patient.identifier[健康档案编号]" }
          community_code:       { from: Patient.address.社区代码 }
          managing_institution: { from: Patient.managingOrganization }
          primary_diagnosis:    { from: Condition.主要诊断 }
          chronic_diseases:     { from: Condition.慢性病 }
          family_doctor_signed: { from: CarePlan.家庭医生签约 }
          signed_date:          { from: CarePlan.签约日期 }
          updated_at:           { from: meta.lastUpdated }

        """;

    private static string Enterprise(string districtCode, string district, Uri enterprisesUrl) =>
        Header("scjg-enterprise", "市场监管局企业登记接口（实有单位）", "enterprise", districtCode, "SJ", $"{district}市场监督管理局", "DW-0001", "无条件共享", null) + $$"""
        connector:
          type: rest
          url: {{enterprisesUrl}}
          records_path: data.items
          paging: cursor
          next_cursor_path: data.next_cursor
          size_param: size
          page_size: 200
          since_param: updated_since          # 增量：只取上次发布之后变更的单位
          cursor_field: updated
          auth_header: X-Api-Key
          auth_secret_file: ../secrets/scjg-api.key   # 密钥不写在本文件里
          rate_limit: 20                      # 对方接口约定：每秒不超过 20 次

        fields:
          credit_code:          { from: uniscid }
          name:                 { from: entname }
          entity_type:          { from: enttype }
          legal_representative: { from: lerep }
          registered_capital:   { from: regcap }
          established_date:     { from: estdate }
          industry_code:        { from: industryco }
          registration_status:  { from: regstate }
          address:              { from: dom }
          address_code:         { from: domcode }
          community_code:       { from: community.code }
          employee_count:       { from: empnum }
          updated_at:           { from: updated }

        """;
}
