using DataHub.Core.Schema;

namespace DataHub.Serving.Model;

/// <summary>The zh-CN words users read in column descriptions for each mask preset.</summary>
internal static class MaskDescriptions
{
    public static string Of(MaskKind mask) => mask switch
    {
        MaskKind.IdNumber => "保留前6位和后4位",
        MaskKind.Phone => "保留前3位和后4位",
        MaskKind.Name => "仅保留第一个字",
        MaskKind.Address => "仅保留前9个字",
        MaskKind.Year => "日期仅保留年份（显示为当年1月1日）",
        MaskKind.Hash => "以密钥哈希值代替，可用于关联但不可还原",
        MaskKind.Suppress => "不提供，显示为空",
        _ => "无",
    };
}
