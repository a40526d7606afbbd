using DataHub.Catalog.Principals;
using DataHub.Core.Access;
using Xunit;

namespace DataHub.Catalog.Tests.Principals;

public abstract class PrincipalStoreTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;

    protected PrincipalStoreTests(CatalogFixture fx) => _fx = fx;
    private DataHubCatalog _catalog = null!;

    public async Task InitializeAsync() => _catalog = await _fx.OpenAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Upsert_StoresOnlyHashes_AndSecretsVerify()
    {
        var p = new Principal("mq-worker", "马群社区网格员", Role.CommunityWorker, "320113002001");
        var key = SecretHasher.NewApiKey();
        await _catalog.Principals.UpsertAsync(p, "s3cret-Pass", key, default);

        var stored = (await _catalog.Principals.FindByNameAsync("mq-worker", default))!;
        Assert.Equal(p, stored.Principal);
        Assert.DoesNotContain("s3cret", stored.PasswordHash);
        Assert.True(SecretHasher.VerifyPassword("s3cret-Pass", stored.PasswordHash!));
        Assert.False(SecretHasher.VerifyPassword("s3cret-pass", stored.PasswordHash!));
        Assert.Equal(p, (await _catalog.Principals.FindByApiKeyAsync(key, default))!.Principal);
        Assert.Null(await _catalog.Principals.FindByApiKeyAsync(key + "x", default));
    }

    [Fact]
    public void NewSecrets_AreRandomAndOfExpectedShape()
    {
        Assert.NotEqual(SecretHasher.NewApiKey(), SecretHasher.NewApiKey());
        Assert.StartsWith("dh_", SecretHasher.NewApiKey());
        Assert.Equal(16, SecretHasher.NewPassword().Length);
    }
}

public sealed class SqlitePrincipalStoreTests() : PrincipalStoreTests(new SqliteCatalogFixture());

public sealed class PostgresPrincipalStoreTests() : PrincipalStoreTests(new PostgresCatalogFixture());
