using DataHub.Core.Schema;

namespace DataHub.Serving.Tests.Kit;

/// <summary>Schemas for tests: the shipped population schema, plus two test-only ones covering every type and an unscoped dataset.</summary>
public static class TestSchemas
{
    public static DatasetSchema Population => SchemaLoader.Get("population");

    public static readonly DatasetSchema Housing = SchemaLoader.Parse("""
        {
          "title": "实有房屋（测试）", "description": "测试用房屋数据。",
          "x-dataset": "housing_test", "x-version": "1.0.0", "x-entity-set": "Housing",
          "x-key": "house_id", "x-scope": "community_code",
          "required": ["house_id", "community_code", "building_area", "updated_at"],
          "properties": {
            "house_id": { "type": "string", "title": "房屋编号", "description": "房屋编号。", "x-sensitivity": "internal" },
            "community_code": { "type": "string", "title": "社区代码", "description": "所属社区代码。", "x-sensitivity": "public" },
            "building_area": { "type": "number", "x-precision": 10, "x-scale": 2, "title": "建筑面积", "description": "建筑面积（平方米）。", "x-sensitivity": "public" },
            "room_count": { "type": ["integer", "null"], "format": "int32", "title": "房间数", "description": "房间数。", "x-sensitivity": "public" },
            "resident_count": { "type": ["integer", "null"], "title": "租住人数", "description": "租住人数。", "x-sensitivity": "internal" },
            "rent_price": { "type": ["number", "null"], "format": "double", "title": "月租金", "description": "月租金（元）。", "x-sensitivity": "internal" },
            "is_rented": { "type": ["boolean", "null"], "title": "是否出租", "description": "是否出租。", "x-sensitivity": "internal" },
            "built_date": { "type": ["string", "null"], "format": "date", "title": "建成日期", "description": "建成日期。", "x-sensitivity": "public" },
            "owner_name": { "type": ["string", "null"], "title": "产权人", "description": "产权人姓名。", "x-sensitivity": "personal", "x-mask": "name" },
            "owner_phone": { "type": ["string", "null"], "title": "产权人电话", "description": "产权人电话。", "x-sensitivity": "personal", "x-mask": "hash" },
            "owner_id": { "type": ["string", "null"], "title": "产权人身份号码", "description": "产权人公民身份号码。", "x-sensitivity": "sensitive_personal", "x-mask": "id_number" },
            "updated_at": { "type": "string", "format": "date-time", "title": "更新时间", "description": "更新时间。", "x-sensitivity": "internal" }
          }
        }
        """, "test:housing");

    public static readonly DatasetSchema Summary = SchemaLoader.Parse("""
        {
          "title": "街道人口汇总（测试）", "description": "不按社区划分的区级汇总。",
          "x-dataset": "summary_test", "x-version": "1.0.0", "x-entity-set": "StreetSummary",
          "x-key": "stat_id",
          "required": ["stat_id", "street_code", "total"],
          "properties": {
            "stat_id": { "type": "string", "title": "统计编号", "description": "统计编号。", "x-sensitivity": "public" },
            "street_code": { "type": "string", "title": "街道代码", "description": "街道代码。", "x-sensitivity": "public" },
            "total": { "type": "integer", "title": "人口总数", "description": "人口总数。", "x-sensitivity": "public" }
          }
        }
        """, "test:summary");

    public static IReadOnlyDictionary<string, DatasetSchema> All => new Dictionary<string, DatasetSchema>
    {
        [Population.Name] = Population,
        [Housing.Name] = Housing,
        [Summary.Name] = Summary,
    };
}
