using DataHub.Core.Access;
using DataHub.Core.Schema;
using DataHub.Serving.Access;

namespace DataHub.Host.Web.Ui;

/// <summary>What a role gets of one field and why, in the words a community worker reads on "我的数据".</summary>
internal sealed record FieldAccessExplained(FieldSpec Field, AccessAction Action, MaskKind Mask, string What, string Why)
{
    public static FieldAccessExplained For(AccessPolicy policy, Role role, DatasetSchema schema, FieldSpec field)
    {
        var access = policy.Resolve(role, schema, field);
        var what = access.Action switch
        {
            AccessAction.Show => "完整显示",
            AccessAction.Mask => "脱敏：" + UiText.Of(access.Mask),
            _ => "不提供",
        };
        var overridden = policy.Overrides.FirstOrDefault(o => o.Dataset == schema.Name && o.Role == role && o.Field == field.Name);
        var why = overridden is not null
            ? overridden.Reason
            : access.Action == AccessAction.Show
                ? $"{UiText.Of(field.Sensitivity)}字段，{UiText.Of(role)}可查看"
                : $"{UiText.Of(field.Sensitivity)}字段，按访问策略{UiText.Of(role)}{(access.Action == AccessAction.Mask ? "只能看到脱敏后的值" : "不可查看")}（个人信息保护：最小必要）";
        return new FieldAccessExplained(field, access.Action, access.Mask, what, why);
    }

    public static IReadOnlyList<FieldAccessExplained> ForAll(AccessPolicy policy, Role role, DatasetSchema schema) =>
        schema.Fields.Select(f => For(policy, role, schema, f)).ToList();
}
