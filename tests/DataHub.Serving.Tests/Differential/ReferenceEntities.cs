using System.ComponentModel.DataAnnotations;
using DataHub.Serving.Tests.Kit;

namespace DataHub.Serving.Tests.Differential;

// The CLR shapes Microsoft's reference implementation queries. Property names are the feed's
// property names (the zh-CN titles), so the same query string means the same thing to both sides.
#pragma warning disable CA1707, SA1300 // Chinese identifiers are the point here.

/// <summary>A housing row (every Edm type) as the reference <see cref="IQueryable"/> holds it.</summary>
/// <remarks>Instants in UTC, as the lake stores them (the offset a source sent is not kept).</remarks>
public sealed class HousingEntity
{
    [Key]
    public string 房屋编号 { get; set; } = "";

    public string 社区代码 { get; set; } = "";

    public decimal 建筑面积 { get; set; }

    public int? 房间数 { get; set; }

    public long? 租住人数 { get; set; }

    public double? 月租金 { get; set; }

    public bool? 是否出租 { get; set; }

    public DateOnly? 建成日期 { get; set; }

    public string? 产权人 { get; set; }

    public string? 产权人电话 { get; set; }

    public string? 产权人身份号码 { get; set; }

    public DateTimeOffset 更新时间 { get; set; }

    public static HousingEntity From(HousingRow r) => new()
    {
        房屋编号 = r.HouseId, 社区代码 = r.CommunityCode, 建筑面积 = r.BuildingArea, 房间数 = r.RoomCount, 租住人数 = r.ResidentCount,
        月租金 = r.RentPrice, 是否出租 = r.IsRented, 建成日期 = r.BuiltDate, 产权人 = r.OwnerName, 产权人电话 = r.OwnerPhone,
        产权人身份号码 = r.OwnerId, 更新时间 = r.UpdatedAt.ToUniversalTime(),
    };
}

/// <summary>A population row (Chinese text) as the reference <see cref="IQueryable"/> holds it.</summary>
public sealed class PopulationEntity
{
    [Key]
    public string 记录编号 { get; set; } = "";

    public string 公民身份号码 { get; set; } = "";

    public string 姓名 { get; set; } = "";

    public string 性别 { get; set; } = "";

    public string? 民族 { get; set; }

    public DateOnly 出生日期 { get; set; }

    public string? 户籍地址 { get; set; }

    public string? 现住址 { get; set; }

    public string 社区代码 { get; set; } = "";

    public string 所属社区 { get; set; } = "";

    public string 街道代码 { get; set; } = "";

    public string 人员类型 { get; set; } = "";

    public DateOnly? 迁入日期 { get; set; }

    public string? 人员状态 { get; set; }

    public string? 联系电话 { get; set; }

    public DateTimeOffset? 更新时间 { get; set; }

    public static PopulationEntity From(PopulationRow r) => new()
    {
        记录编号 = r.RecordId, 公民身份号码 = r.IdNumber, 姓名 = r.Name, 性别 = r.Gender, 民族 = r.Ethnicity, 出生日期 = r.BirthDate,
        户籍地址 = r.HouseholdAddress, 现住址 = r.CurrentAddress, 社区代码 = r.CommunityCode, 所属社区 = r.CommunityName,
        街道代码 = r.StreetCode, 人员类型 = r.PersonType, 迁入日期 = r.MoveInDate, 人员状态 = r.Status, 联系电话 = r.Phone, 更新时间 = r.UpdatedAt?.ToUniversalTime(),
    };
}
#pragma warning restore CA1707, SA1300
