using System.Net;
using System.Text.Json;
using DataHub.Core.Access;
using DataHub.Host.Web.Auth;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>Regression tests for what probing the first build found: throttling, enumeration, stale caches.</summary>
public sealed class AuthHardeningTests : IAsyncLifetime
{
    private AuthServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await AuthServer.StartAsync();
        await _server.AddAsync("wang", Role.CommunityWorker, "320113002001", "right-password-1", "dh_wang-key-1");
        await _server.AddAsync("li", Role.Steward, "320113", "right-password-2");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpResponseMessage> GetRoot(string user, string secret)
    {
        using var http = AuthServer.Basic(user, secret);
        return await http.GetAsync(_server.Root);
    }

    [Fact]
    public async Task WrongPasswords_PerUser_LockWithGrowingDelay_Answer429InChinese_AndAreAudited()
    {
        for (var i = 0; i <= LoginThrottle.FreeFailuresPerUser; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("wang", "guess-" + i)).StatusCode);

        using var locked = await GetRoot("wang", "right-password-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        using (var body = JsonDocument.Parse(await locked.Content.ReadAsStringAsync()))
            Assert.Contains("登录失败次数过多", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        // Another user from the same address is not locked by wang's failures (the address allows more).
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("li", "right-password-2")).StatusCode);

        // Each further failure doubles the lock: after 2 s the 1 s lock from the 6th failure has passed.
        _server.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("wang", "guess-again")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetRoot("wang", "right-password-1")).StatusCode);
        _server.Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "right-password-1")).StatusCode);

        // Audited with the user name and address, aggregated per minute: 6 + 1 + 1 + 1 attempts, one or two rows.
        var failed = await _server.Engine.Catalog.FailedLogins.SearchAsync(null, "wang", 100, default);
        Assert.InRange(failed.Count, 1, 2);
        Assert.All(failed, f => Assert.Equal("127.0.0.1", f.ClientAddress));
        Assert.Equal(LoginThrottle.FreeFailuresPerUser + 4, failed.Sum(f => f.Attempts));
    }

    [Fact]
    public async Task ManyUserNamesFromOneAddress_LockTheAddress()
    {
        for (var i = 0; i <= LoginThrottle.FreeFailuresPerAddress; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("nobody" + i, "x")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetRoot("someone-else", "x")).StatusCode);
        // API keys from that address are throttled too (guessing keys is guessing).
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetAsync(new Uri(_server.Root, "?api_key=dh_wang-key-1"))).StatusCode);
    }

    [Fact]
    public async Task UnknownOrDisabledUser_CostsTheSamePasswordWorkAsAKnownOne()
    {
        var auth = _server.Services.GetRequiredService<PrincipalAuthenticator>();
        var before = auth.PasswordVerifications;
        await GetRoot("wang", "wrong");
        var known = auth.PasswordVerifications - before;

        before = auth.PasswordVerifications;
        await GetRoot("no-such-user", "wrong");
        var unknown = auth.PasswordVerifications - before;

        await _server.DisableAsync("li");
        before = auth.PasswordVerifications;
        await GetRoot("li", "right-password-2");
        var disabled = auth.PasswordVerifications - before;

        Assert.Equal(1, known);
        Assert.Equal(known, unknown);
        Assert.Equal(known, disabled);
    }

    [Fact]
    public async Task DisablingAPrincipal_BitesAtOnce_DespiteTheVerifiedPasswordCache()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "right-password-1")).StatusCode);
        using (var keyed = new HttpClient())
            Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync(new Uri(_server.Root, "?api_key=dh_wang-key-1"))).StatusCode);

        await _server.DisableAsync("wang");

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("wang", "right-password-1")).StatusCode);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri(_server.Root, "?api_key=dh_wang-key-1"))).StatusCode);
    }

    [Fact]
    public async Task ResettingAPasswordOrReplacingAKey_InvalidatesTheOldOneAtOnce()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "right-password-1")).StatusCode);
        await _server.AddAsync("wang", Role.CommunityWorker, "320113002001", "new-password-1", "dh_wang-key-2");

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("wang", "right-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "new-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("excel", "dh_wang-key-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("excel", "dh_wang-key-2")).StatusCode);
    }

    [Fact]
    public async Task AVerifiedCredential_IsNotReadFromTheCatalogAgain_UntilPrincipalsChange()
    {
        var auth = _server.Services.GetRequiredService<PrincipalAuthenticator>();
        // The host's 2-second poll would see the set-up's own changes as a change once more: let it see them now.
        await _server.Engine.Catalog.Signal.PollAsync(default);
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "right-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("excel", "dh_wang-key-1")).StatusCode);
        var (reads, verifications) = (auth.CatalogReads, auth.PasswordVerifications);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "right-password-1")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await GetRoot("other-user-name", "dh_wang-key-1")).StatusCode);
        }
        Assert.Equal((reads, verifications), (auth.CatalogReads, auth.PasswordVerifications));

        // Any change to principals (here: another principal's) drops the cache; the next request reads again.
        await _server.DisableAsync("li");
        await _server.Engine.Catalog.Signal.PollAsync(default);
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "right-password-1")).StatusCode);
        Assert.Equal(reads + 1, auth.CatalogReads);
    }

    [Fact]
    public async Task ChangesMadeByAnotherProcess_BiteWithinTheChangePoll()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "right-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("li", "right-password-2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("excel", "dh_wang-key-1")).StatusCode);

        // Another process (as the CLI is): its own catalog object on the same database, so this host's in-memory counter does not move.
        var cli = await DataHub.Catalog.DataHubCatalog.OpenSqliteAsync(_server.Engine.Data.CatalogPath, TimeProvider.System, default);
        await cli.Principals.SetDisabledAsync("li", true, "cli", default);
        var key = Assert.Single(await cli.Principals.ListKeysAsync("wang", default), k => k.Active);
        await cli.Principals.RevokeKeyAsync(key.Id, "cli", default);
        await cli.Principals.ResetPasswordAsync("wang", "rotated-password-9", "cli", default);

        // The host polls the catalog's change counter every 2 s: allow two rounds.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(6) && (await GetRoot("li", "right-password-2")).StatusCode == HttpStatusCode.OK) await Task.Delay(100);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("li", "right-password-2")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("excel", "dh_wang-key-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetRoot("wang", "right-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetRoot("wang", "rotated-password-9")).StatusCode);
    }

    [Fact]
    public async Task ApiKeyHeader_Authenticates()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(ApiKeyParameter.Header, "dh_wang-key-1");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(_server.Root)).StatusCode);
    }

    [Fact]
    public async Task HealthReady_WithoutData_Says503StartingAndNothingElse()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(_server.BaseUri, "health/ready"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("{\"status\":\"starting\"}", await response.Content.ReadAsStringAsync());
    }
}
