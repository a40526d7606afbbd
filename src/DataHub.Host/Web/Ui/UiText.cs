using DataHub.Core.Access;
using DataHub.Core.Schema;

namespace DataHub.Host.Web.Ui;

/// <summary>zh-CN words the UI shows for the model's enums.</summary>
internal static class UiText
{
    public static string Of(Role role) => role switch
    {
        Role.Steward => "数据管理员",
        Role.Analyst => "数据分析员",
        Role.StreetWorker => "街道工作人员",
        Role.CommunityWorker => "社区工作人员",
        Role.Operator => "运维人员",
        _ => role.ToString(),
    };

    public static string Of(Sensitivity sensitivity) => sensitivity switch
    {
        Sensitivity.Public => "公开",
        Sensitivity.Internal => "内部",
        Sensitivity.Personal => "个人信息",
        Sensitivity.SensitivePersonal => "敏感个人信息",
        _ => sensitivity.ToString(),
    };

    public static string Of(MaskKind mask) => mask switch
    {
        MaskKind.IdNumber => "证件号：保留前6位和后4位",
        MaskKind.Phone => "电话：保留前3位和后4位",
        MaskKind.Name => "姓名：仅保留第一个字",
        MaskKind.Address => "地址：仅保留前9个字",
        MaskKind.Year => "日期：仅保留年份",
        MaskKind.Hash => "以密钥哈希代替（可关联，不可还原）",
        MaskKind.Suppress => "不提供，显示为空",
        _ => "不脱敏",
    };

    public static string Of(FieldType type) => type switch
    {
        FieldType.String => "文本",
        FieldType.Int32 or FieldType.Int64 => "整数",
        FieldType.Decimal or FieldType.Double => "小数",
        FieldType.Date => "日期",
        FieldType.DateTimeOffset => "日期时间",
        FieldType.Boolean => "是/否",
        _ => type.ToString(),
    };

    public static string RunStatus(string status) => status switch
    {
        "succeeded" => "成功",
        "failed" => "失败",
        "running" => "运行中",
        _ => status,
    };

    public static string GrantAction(string action) => action switch
    {
        "add" => "添加",
        "request" => "申请",
        "approve" => "批准",
        "reject" => "驳回",
        "revoke" => "撤销",
        _ => action,
    };

    public static string Time(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at is { } v ? Time(v) : "—";
}
