using System.Text.Json;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Core.Standards;

namespace DataHub.Serving.Access;

/// <summary>Reads <c>access-policy.json</c>; every defect is a config failure naming the JSON path.</summary>
internal static class AccessPolicyParser
{
    private static readonly Dictionary<string, Role> RoleNames = new(StringComparer.Ordinal)
    {
        ["steward"] = Role.Steward,
        ["analyst"] = Role.Analyst,
        ["street_worker"] = Role.StreetWorker,
        ["community_worker"] = Role.CommunityWorker,
        ["operator"] = Role.Operator,
    };

    private static readonly Dictionary<string, Sensitivity> SensitivityNames = new(StringComparer.Ordinal)
    {
        ["public"] = Sensitivity.Public,
        ["internal"] = Sensitivity.Internal,
        ["personal"] = Sensitivity.Personal,
        ["sensitive_personal"] = Sensitivity.SensitivePersonal,
    };

    private static readonly Dictionary<string, AccessAction> ActionNames = new(StringComparer.Ordinal)
    {
        ["show"] = AccessAction.Show,
        ["mask"] = AccessAction.Mask,
        ["hide"] = AccessAction.Hide,
    };

    private static readonly Dictionary<string, DivisionLevel> ScopeNames = new(StringComparer.Ordinal)
    {
        ["province"] = DivisionLevel.Province,
        ["city"] = DivisionLevel.City,
        ["district"] = DivisionLevel.District,
        ["street"] = DivisionLevel.Street,
        ["community"] = DivisionLevel.Community,
    };

    public static AccessPolicy Parse(string json, string origin, IReadOnlyDictionary<string, DatasetSchema> schemas)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw Bad(origin, "$", $"不是合法的 JSON：{ex.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            var roles = ParseRoles(Property(root, "roles", JsonValueKind.Object, origin, "$"), origin);
            var overrides = root.TryGetProperty("overrides", out var list)
                ? ParseOverrides(list, origin, schemas)
                : [];
            var policy = new AccessPolicy(roles, overrides);
            CheckKeysVisible(policy, schemas, origin);
            return policy;
        }
    }

    private static Dictionary<Role, RolePolicy> ParseRoles(JsonElement rolesElement, string origin)
    {
        var roles = new Dictionary<Role, RolePolicy>();
        foreach (var entry in rolesElement.EnumerateObject())
        {
            var at = $"$.roles.{entry.Name}";
            if (!RoleNames.TryGetValue(entry.Name, out var role)) throw Bad(origin, at, $"未知角色“{entry.Name}”，应为 {string.Join("/", RoleNames.Keys)}。");
            var scopeName = Text(Property(entry.Value, "widestScope", JsonValueKind.String, origin, at), origin, $"{at}.widestScope");
            if (!ScopeNames.TryGetValue(scopeName, out var scope)) throw Bad(origin, $"{at}.widestScope", $"未知范围级别“{scopeName}”，应为 {string.Join("/", ScopeNames.Keys)}。");

            var actions = new Dictionary<Sensitivity, AccessAction>();
            var sensitivity = Property(entry.Value, "sensitivity", JsonValueKind.Object, origin, at);
            foreach (var (name, kind) in SensitivityNames)
            {
                var path = $"{at}.sensitivity.{name}";
                var value = Text(Property(sensitivity, name, JsonValueKind.String, origin, $"{at}.sensitivity"), origin, path);
                actions[kind] = ActionNames.TryGetValue(value, out var action)
                    ? action
                    : throw Bad(origin, path, $"未知动作“{value}”，应为 show/mask/hide。");
            }
            foreach (var extra in sensitivity.EnumerateObject().Where(p => !SensitivityNames.ContainsKey(p.Name)))
            {
                throw Bad(origin, $"{at}.sensitivity.{extra.Name}", $"未知敏感级别“{extra.Name}”。");
            }
            roles.Add(role, new RolePolicy(role, scope, actions));
        }

        foreach (var (name, role) in RoleNames)
        {
            if (!roles.ContainsKey(role)) throw Bad(origin, "$.roles", $"缺少角色“{name}”的规则：每个角色都必须明确声明。");
        }
        return roles;
    }

    private static List<FieldOverride> ParseOverrides(JsonElement list, string origin, IReadOnlyDictionary<string, DatasetSchema> schemas)
    {
        if (list.ValueKind != JsonValueKind.Array) throw Bad(origin, "$.overrides", "overrides 必须是数组。");
        var result = new List<FieldOverride>();
        var seen = new HashSet<(string, Role, string)>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"$.overrides[{i++}]";
            string Req(string prop) => Text(Property(item, prop, JsonValueKind.String, origin, at), origin, $"{at}.{prop}");

            var datasetName = Req("dataset");
            var roleName = Req("role");
            var fieldName = Req("field");
            var actionName = Req("action");
            var reason = Req("reason");
            if (!schemas.TryGetValue(datasetName, out var schema)) throw Bad(origin, $"{at}.dataset", $"未知数据集“{datasetName}”。");
            if (!RoleNames.TryGetValue(roleName, out var role)) throw Bad(origin, $"{at}.role", $"未知角色“{roleName}”。");
            var field = schema.FindField(fieldName) ?? throw Bad(origin, $"{at}.field", $"数据集“{datasetName}”没有字段“{fieldName}”。");
            if (!ActionNames.TryGetValue(actionName, out var action)) throw Bad(origin, $"{at}.action", $"未知动作“{actionName}”，应为 show/mask/hide。");
            if (string.IsNullOrWhiteSpace(reason)) throw Bad(origin, $"{at}.reason", "例外规则必须写明理由。");

            MaskKind? mask = null;
            if (item.TryGetProperty("mask", out var maskElement))
            {
                var maskName = Text(maskElement, origin, $"{at}.mask");
                if (action != AccessAction.Mask) throw Bad(origin, $"{at}.mask", "只有动作为 mask 时才能指定脱敏方式。");
                mask = (maskName == "none" ? null : MaskKinds.Parse(maskName)) ?? throw Bad(origin, $"{at}.mask", $"未知脱敏方式“{maskName}”。");
            }
            if (action == AccessAction.Mask)
            {
                var effective = mask ?? field.DefaultMask;
                if (effective == MaskKind.None) throw Bad(origin, at, $"字段“{fieldName}”没有默认脱敏方式，请用 mask 指定或改为 hide。");
                if (!MaskKinds.Fits(effective, field.Type)) throw Bad(origin, $"{at}.mask", $"脱敏方式不适用于字段“{fieldName}”的类型 {field.Type}。");
            }
            if (!seen.Add((datasetName, role, fieldName))) throw Bad(origin, at, $"数据集“{datasetName}”角色“{roleName}”字段“{fieldName}”的例外规则重复。");
            result.Add(new FieldOverride(datasetName, role, fieldName, action, mask, reason));
        }
        return result;
    }

    // Every entity type needs its key, and the key is the keyset-paging tiebreaker: a policy that
    // hid or masked it would make the dataset unservable, so it is refused at startup.
    private static void CheckKeysVisible(AccessPolicy policy, IReadOnlyDictionary<string, DatasetSchema> schemas, string origin)
    {
        foreach (var schema in schemas.Values)
        {
            foreach (var role in RoleNames)
            {
                if (policy.Resolve(role.Value, schema, schema.Field(schema.KeyField)).Action != AccessAction.Show)
                {
                    throw Bad(origin, "$", $"角色“{role.Key}”必须能明文看到数据集“{schema.Name}”的主键“{schema.KeyField}”（分页和模型都依赖它）。");
                }
            }
        }
    }

    private static JsonElement Property(JsonElement e, string name, JsonValueKind kind, string origin, string at)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(origin, at, "应为 JSON 对象。");
        return e.TryGetProperty(name, out var v) && v.ValueKind == kind
            ? v
            : throw Bad(origin, at, $"缺少属性“{name}”（{kind}）。");
    }

    private static string Text(JsonElement e, string origin, string at) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Bad(origin, at, "应为字符串。");

    private static DataHubException Bad(string origin, string at, string message) =>
        new(FailureKind.Config, "ACCESS_POLICY_INVALID", $"访问策略无效：{message}", where: $"{origin} {at}", fix: "修改 policies/access-policy.json 后重新构建。");
}
