using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Schema;

namespace DataHub.Serving.Access;

/// <summary>
/// The declarative access policy (<c>policies/access-policy.json</c>): which columns each role sees,
/// masked or not, and how wide a scope each role may hold. Immutable; load it once at startup with
/// <see cref="LoadEmbedded"/>, which throws a config <see cref="DataHubException"/> on any defect.
/// </summary>
public sealed class AccessPolicy
{
    private readonly IReadOnlyDictionary<Role, RolePolicy> roles;
    private readonly Dictionary<(string Dataset, Role Role, string Field), FieldOverride> overrides;

    internal AccessPolicy(IReadOnlyDictionary<Role, RolePolicy> roles, IEnumerable<FieldOverride> overrides)
    {
        this.roles = roles;
        this.overrides = overrides.ToDictionary(o => (o.Dataset, o.Role, o.Field));
    }

    public IReadOnlyCollection<RolePolicy> Roles => roles.Values.ToArray();

    public IReadOnlyCollection<FieldOverride> Overrides => overrides.Values.ToArray();

    /// <summary>The policy shipped in this assembly, checked against the shipped schemas (<see cref="SchemaLoader.All"/>).</summary>
    public static AccessPolicy LoadEmbedded()
    {
        const string name = "policies/access-policy.json";
        using var stream = typeof(AccessPolicy).Assembly.GetManifestResourceStream(name)
            ?? throw new DataHubException(FailureKind.System, "ACCESS_POLICY_MISSING", "程序集中缺少访问策略文件。", where: name);
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), name, SchemaLoader.All);
    }

    /// <summary>
    /// Parses and validates a policy. Overrides must name datasets and fields of <paramref name="schemas"/>;
    /// every schema's key must stay visible to every role (the OData model needs it).
    /// </summary>
    public static AccessPolicy Parse(string json, string origin, IReadOnlyDictionary<string, DatasetSchema> schemas) =>
        AccessPolicyParser.Parse(json, origin, schemas);

    public RolePolicy For(Role role) => roles[role];

    /// <summary>
    /// What <paramref name="role"/> gets of <paramref name="field"/>. A mask that the field has no preset
    /// for, or whose preset does not fit the field's type, resolves to <see cref="AccessAction.Hide"/>:
    /// when in doubt, show less.
    /// </summary>
    public FieldAccess Resolve(Role role, DatasetSchema schema, FieldSpec field)
    {
        AccessAction action;
        MaskKind mask = field.DefaultMask;
        if (overrides.TryGetValue((schema.Name, role, field.Name), out var o))
        {
            action = o.Action;
            mask = o.Mask ?? mask;
        }
        else
        {
            action = roles[role].Actions[field.Sensitivity];
        }

        return action switch
        {
            AccessAction.Show => FieldAccess.Shown,
            AccessAction.Mask when mask != MaskKind.None && MaskKinds.Fits(mask, field.Type) => FieldAccess.Masked(mask),
            _ => FieldAccess.Hidden,
        };
    }
}
