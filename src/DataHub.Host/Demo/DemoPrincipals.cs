using System.Text.Encodings.Web;
using System.Text.Json;
using DataHub.Catalog;
using DataHub.Catalog.Principals;
using DataHub.Core.Access;

namespace DataHub.Host.Demo;

/// <summary>One demo principal with its secrets, as written to credentials.json.</summary>
public sealed record DemoCredential(string Name, string DisplayName, string Role, string Scope, string ScopeName, string Password, string ApiKey);

/// <summary>
/// The demo's principals: a district steward, an analyst, a street worker of 马群街道, community
/// workers of two of its communities and an operator. Secrets are made once per data folder and reused on restart.
/// </summary>
public static class DemoPrincipals
{
    public static readonly IReadOnlyList<Principal> All =
    [
        new("steward", "栖霞区数据局数据管理员", Role.Steward, "320113"),
        new("analyst", "栖霞区数据分析员", Role.Analyst, "320113"),
        new("maqun-street", "马群街道工作人员", Role.StreetWorker, "320113002"),
        new("maqun-community", "马群社区网格员", Role.CommunityWorker, "320113002001"),
        new("qingma-community", "青马社区网格员", Role.CommunityWorker, "320113002002"),
        new("operator", "栖霞区数据平台运维", Role.Operator, "320113"),
    ];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<IReadOnlyList<DemoCredential>> EnsureAsync(DataHubCatalog catalog, string credentialsPath, CancellationToken cancellationToken)
    {
        var existing = File.Exists(credentialsPath)
            ? JsonSerializer.Deserialize<List<DemoCredential>>(await File.ReadAllTextAsync(credentialsPath, cancellationToken), Json) ?? []
            : [];
        var result = new List<DemoCredential>();
        foreach (var p in All)
        {
            var old = existing.FirstOrDefault(c => c.Name == p.Name);
            var cred = new DemoCredential(p.Name, p.DisplayName, PrincipalStore.RoleName(p.Role), p.ScopeCode,
                catalog.Divisions.Find(p.ScopeCode)?.Name ?? p.ScopeCode,
                old?.Password ?? SecretHasher.NewPassword(), old?.ApiKey ?? SecretHasher.NewApiKey());
            await catalog.Principals.UpsertAsync(p, cred.Password, cred.ApiKey, cancellationToken);
            result.Add(cred);
        }
        await File.WriteAllTextAsync(credentialsPath, JsonSerializer.Serialize(result, Json), cancellationToken);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(credentialsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return result;
    }
}
