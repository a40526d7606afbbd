using DataHub.Catalog.Changes;
using DataHub.Catalog.Principals;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using Xunit;

namespace DataHub.Catalog.Tests.Principals;

public abstract class PrincipalStoreTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;

    protected PrincipalStoreTests(CatalogFixture fx) => _fx = fx;
    private DataHubCatalog _catalog = null!;

    public async Task InitializeAsync() => _catalog = await _fx.OpenAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private PrincipalStore Store => _catalog.Principals;

    [Fact]
    public async Task Upsert_StoresOnlyHashes_AndSecretsVerify()
    {
        var p = new Principal("mq-worker", "马群社区网格员", Role.CommunityWorker, "320113002001");
        var key = SecretHasher.NewApiKey();
        await Store.UpsertAsync(p, "s3cret-Pass", key, default);

        var stored = (await Store.FindByNameAsync("mq-worker", default))!;
        Assert.Equal(p, stored.Principal);
        Assert.DoesNotContain("s3cret", stored.PasswordHash);
        Assert.True(SecretHasher.VerifyPassword("s3cret-Pass", stored.PasswordHash!));
        Assert.False(SecretHasher.VerifyPassword("s3cret-pass", stored.PasswordHash!));
        Assert.Equal(p, (await Store.FindByApiKeyAsync(key, default))!.Principal);
        Assert.Null(await Store.FindByApiKeyAsync(key + "x", default));
    }

    [Fact]
    public async Task Upsert_AgainWithSameKey_KeepsOneActiveKey()
    {
        var p = new Principal("mq-worker", "马群社区网格员", Role.CommunityWorker, "320113002001");
        var key = SecretHasher.NewApiKey();
        await Store.UpsertAsync(p, "s3cret-Pass", key, default);
        await Store.UpsertAsync(p, "s3cret-Pass", key, default);
        Assert.Single(await Store.ListKeysAsync("mq-worker", default), k => k.Active);
        Assert.NotNull(await Store.FindByApiKeyAsync(key, default));
    }

    [Fact]
    public void NewSecrets_AreRandomAndOfExpectedShape()
    {
        Assert.NotEqual(SecretHasher.NewApiKey(), SecretHasher.NewApiKey());
        Assert.StartsWith("dh_", SecretHasher.NewApiKey());
        Assert.Equal(16, SecretHasher.NewPassword().Length);
    }

    [Fact]
    public async Task Add_BindsToAUnitOfTheReference_AtTheRolesLevel()
    {
        var p = await Store.AddAsync(new Principal("xg-worker", "西岗社区网格员", Role.CommunityWorker, "320113002001"), "a-long-password", "cli:admin", default);
        Assert.Equal("320113002001", p.ScopeCode);
        var info = Assert.Single(await Store.ListDetailedAsync(default));
        Assert.False(info.Disabled);
        Assert.True(info.HasPassword);

        var wrongLevel = await Assert.ThrowsAsync<DataHubException>(() =>
            Store.AddAsync(new Principal("x1", "x", Role.CommunityWorker, "320113002"), "a-long-password", "a", default));
        Assert.Equal("PRINCIPAL_UNIT_LEVEL", wrongLevel.Code);
        Assert.Contains("社区（12 位）", wrongLevel.UserMessage);
        var unknown = await Assert.ThrowsAsync<DataHubException>(() =>
            Store.AddAsync(new Principal("x2", "x", Role.StreetWorker, "320113999"), "a-long-password", "a", default));
        Assert.Equal("PRINCIPAL_UNIT_UNKNOWN", unknown.Code);
        var steward = await Assert.ThrowsAsync<DataHubException>(() =>
            Store.AddAsync(new Principal("x3", "x", Role.Steward, "320113002001"), "a-long-password", "a", default));
        Assert.Equal("PRINCIPAL_UNIT_LEVEL", steward.Code);
        var duplicate = await Assert.ThrowsAsync<DataHubException>(() =>
            Store.AddAsync(new Principal("xg-worker", "x", Role.CommunityWorker, "320113002001"), "a-long-password", "a", default));
        Assert.Equal("PRINCIPAL_EXISTS", duplicate.Code);
        var shortPassword = await Assert.ThrowsAsync<DataHubException>(() =>
            Store.AddAsync(new Principal("x4", "x", Role.CommunityWorker, "320113002001"), "short", "a", default));
        Assert.Equal("PASSWORD_TOO_SHORT", shortPassword.Code);
        var badName = await Assert.ThrowsAsync<DataHubException>(() =>
            Store.AddAsync(new Principal("张三", "x", Role.CommunityWorker, "320113002001"), "a-long-password", "a", default));
        Assert.Equal("PRINCIPAL_NAME", badName.Code);
    }

    [Fact]
    public async Task DisableEnableReset_AreRecordedWithActor_AndBumpTheSignal()
    {
        await Store.AddAsync(new Principal("mq", "马群", Role.StreetWorker, "320113002"), "first-password", "cli:root", default);
        var before = _catalog.Signal.Version(ChangeKind.Principals);

        await Store.SetDisabledAsync("mq", true, "steward-a", default);
        Assert.True((await Store.FindByNameAsync("mq", default))!.Disabled);
        Assert.True(_catalog.Signal.Version(ChangeKind.Principals) > before);
        await Store.SetDisabledAsync("mq", false, "steward-a", default);
        await Store.ResetPasswordAsync("mq", "second-password", "steward-b", default);
        var stored = (await Store.FindByNameAsync("mq", default))!;
        Assert.False(stored.Disabled);
        Assert.True(SecretHasher.VerifyPassword("second-password", stored.PasswordHash!));
        Assert.False(SecretHasher.VerifyPassword("first-password", stored.PasswordHash!));

        var changes = await _catalog.Changes.SearchAsync("principal", "mq", null, null, 10, default);
        Assert.Equal(["reset-password", "enable", "disable", "add"], changes.Select(c => c.Action).ToArray());
        Assert.Equal("steward-b", changes[0].Actor);
        Assert.All(changes, c => Assert.DoesNotContain("password", c.Detail ?? "", StringComparison.Ordinal));
        await Assert.ThrowsAsync<DataHubException>(() => Store.SetDisabledAsync("nobody", true, "a", default));
    }

    [Fact]
    public async Task Keys_SeveralPerPrincipal_IssueRotateRevoke_SecretShownOnceOnlyHashStored()
    {
        await Store.AddAsync(new Principal("mq", "马群", Role.StreetWorker, "320113002"), "first-password", "cli:root", default);
        var a = await Store.IssueKeyAsync("mq", "办公室电脑", "steward", default);
        var b = await Store.IssueKeyAsync("mq", null, "steward", default);
        Assert.Equal("mq", (await Store.FindByApiKeyAsync(a.Secret, default))!.Principal.Name);
        Assert.Equal("mq", (await Store.FindByApiKeyAsync(b.Secret, default))!.Principal.Name);
        var listed = await Store.ListKeysAsync("mq", default);
        Assert.Equal(2, listed.Count(k => k.Active));
        Assert.All(listed, k => Assert.DoesNotContain(k.Hint.TrimEnd('…'), a.Secret[7..], StringComparison.Ordinal));

        var rotated = await Store.RotateKeyAsync(a.Key.Id, "steward", default);
        Assert.Equal("办公室电脑", rotated.Key.Label);
        Assert.Null(await Store.FindByApiKeyAsync(a.Secret, default));
        Assert.NotNull(await Store.FindByApiKeyAsync(rotated.Secret, default));

        await Store.RevokeKeyAsync(b.Key.Id, "steward", default);
        Assert.Null(await Store.FindByApiKeyAsync(b.Secret, default));
        var again = await Assert.ThrowsAsync<DataHubException>(() => Store.RevokeKeyAsync(b.Key.Id, "steward", default));
        Assert.Equal("API_KEY_REVOKED", again.Code);
        Assert.Single(await Store.ListKeysAsync("mq", default), k => k.Active);
        Assert.Contains(await _catalog.Changes.SearchAsync("principal", "mq", "steward", null, 20, default), c => c.Action == "revoke-key");
    }

    [Fact]
    public async Task Signal_SeesChangesOfAnotherCatalogInstance()
    {
        var other = await _fx.OpenAsync();
        await _catalog.Signal.PollAsync(default);
        var before = _catalog.Signal.Version(ChangeKind.Principals);
        await other.Principals.AddAsync(new Principal("mq", "马群", Role.StreetWorker, "320113002"), "first-password", "cli:root", default);
        Assert.Equal(before, _catalog.Signal.Version(ChangeKind.Principals));
        await _catalog.Signal.PollAsync(default);
        Assert.True(_catalog.Signal.Version(ChangeKind.Principals) > before);
    }
}

public sealed class SqlitePrincipalStoreTests() : PrincipalStoreTests(new SqliteCatalogFixture());

public sealed class PostgresPrincipalStoreTests() : PrincipalStoreTests(new PostgresCatalogFixture());
