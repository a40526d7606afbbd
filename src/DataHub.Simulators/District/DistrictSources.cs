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
            ["housing"] = Save(paths, HousingFile, Housing(districtCode, districtShortName)),
        };
        return files;
    }

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
          name:                 { from: Patient.name, transforms: [remove_spaces] }
          birth_date:           { from: Patient.birthDate }
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

    private static string Housing(string districtCode, string district) =>
        Header("zhujian-housing", "住建局房屋信息登记表（实有房屋，Excel 报送）", "housing", districtCode, "ZJ", $"{district}住房和城乡建设局", "FW-0001", "有条件共享",
            "仅限本辖区社区、街道开展房屋和出租管理使用；产权人姓名脱敏") + """
        connector:
          type: excel
          path: ../simulator/drops/住建_实有房屋.xlsx   # 每次报送整表替换
          sheet: 实有房屋                               # 第一个工作表是“填表说明”
          header_row: 3                                 # 标题行、说明行之下，第3、4行是表头（第3行为合并的分组）
          header_rows: 2
          hidden_columns: skip                          # “其他/内部备注”列被隐藏，不读

        # 两行表头合并为“分组/列名”
        fields:
          house_code:     { from: 基本信息/房屋编号 }
          address_code:   { from: 基本信息/标准地址编码 }
          address:        { from: 基本信息/房屋地址, transforms: [single_line] }
          community_code: { from: 基本信息/社区代码 }
          building_no:    { from: 房屋位置/楼栋号 }
          unit_no:        { from: 房屋位置/单元号 }
          room_no:        { from: 房屋位置/房号 }
          floor:          { from: 房屋位置/所在楼层 }
          floor_area:     { from: 房屋属性/建筑面积（㎡） }
          usage:          { from: 房屋属性/房屋用途 }
          property_type:  { from: 房屋属性/产权性质 }
          owner_name:     { from: 房屋属性/产权人 }
          is_rented:      { from: 出租情况/是否出租 }
          tenant_count:   { from: 出租情况/租住人数 }
          built_year:     { from: 其他/建成年份 }
          updated_at:     { from: 其他/更新时间 }

        """;
}
