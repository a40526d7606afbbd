using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>The sign-in ways Excel offers, the 401 challenge, and the access log.</summary>
[Collection(DemoServerCollection.Name)]
public sealed class AuthenticationTests(DemoServer server)
{
    private static HttpClient Http(string? user = null, string? secret = null)
    {
        var http = new HttpClient();
        if (user is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return http;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("maqun-community", "wrong-password")]
    [InlineData("nobody", "whatever")]
    [InlineData("maqun-community", "dh_not-a-real-key")]
    public async Task Feed_WithoutValidCredentials_Answers401WithBasicChallenge(string? user, string? secret)
    {
        using var http = Http(user, secret);
        using var response = await http.GetAsync(server.Feed());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic" && h.Parameter!.Contains("realm=\"DataHub\"", StringComparison.Ordinal));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("UNAUTHORIZED", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Feed_AnyUserNameWithApiKeyAsPassword_IsThePrincipalOfTheKey()
    {
        using var http = Http("excel", server.Credential("qingma-community").ApiKey);
        var json = await http.GetStringAsync(server.Feed("?$select=社区代码"));

        using var doc = JsonDocument.Parse(json);
        var rows = doc.RootElement.GetProperty("value").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("320113002002", r.GetProperty("社区代码").GetString()));
    }

    [Fact]
    public async Task Feed_ApiKeyInQuery_WorksAndIsNeitherEchoedNorLogged()
    {
        var key = server.Credential("maqun-street").ApiKey;
        using var http = Http();
        var json = await http.GetStringAsync(server.Feed($"?$top=3000&api_key={Uri.EscapeDataString(key)}"));

        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.TryGetProperty("@odata.nextLink", out var next), "the street has more rows than one page");
        Assert.DoesNotContain("api_key", next.GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, json, StringComparison.Ordinal);
        var log = await SettledAudit.RecentAsync(server.Engine.Catalog.Access, 1000);
        Assert.Contains(log, a => a.Principal == "maqun-street" && a.Dataset == "population" && a.Status == 200 && a.RowsReturned == DemoServer.PageSize);
        Assert.DoesNotContain(log, a => a.Path.Contains(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("API_KEY")]
    [InlineData("Api_Key")]
    [InlineData("aPi_kEy")]
    public async Task Feed_ApiKeyParameterInAnyCase_AuthenticatesAndIsStrippedFromNextLinkAndLog(string spelling)
    {
        var key = server.Credential("maqun-street").ApiKey;
        using var http = Http();
        var marker = "$top=" + (2000 + spelling.GetHashCode(StringComparison.Ordinal) % 100 + 100);
        var json = await http.GetStringAsync(server.Feed($"?{marker}&{spelling}={Uri.EscapeDataString(key)}"));

        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.TryGetProperty("@odata.nextLink", out var next), "the street has more rows than one page");
        Assert.DoesNotContain("api_key", next.GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key, json, StringComparison.Ordinal);
        var log = await SettledAudit.RecentAsync(server.Engine.Catalog.Access, 1000);
        Assert.Contains(log, a => a.Principal == "maqun-street" && a.Path.Contains(marker, StringComparison.Ordinal) && a.Status == 200);
        Assert.DoesNotContain(log, a => a.Path.Contains(key, StringComparison.Ordinal) || a.Path.Contains("api_key", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Feed_EveryAccessIsAudited_IncludingRefusals_FailedLoginsAggregated()
    {
        using (var http = Http("maqun-community", server.Credential("maqun-community").Password))
        {
            await http.GetStringAsync(server.Feed("?$top=5&$select=社区代码&$filter=" + Uri.EscapeDataString("社区代码 eq '320113002001'")));
        }
        using (var analyst = Http("analyst", server.Credential("analyst").Password))
        {
            // The demo's analyst has only a pending request: the dataset does not exist for it.
            Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync(server.Feed("?$top=7"))).StatusCode);
        }
        using (var guesser = Http("audit-guesser", "wrong-password"))
        {
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync(server.Feed("?$top=1"))).StatusCode);
        }

        var log = await SettledAudit.RecentAsync(server.Engine.Catalog.Access, 1000);
        var read = Assert.Single(log, a => a.Principal == "maqun-community" && a.Path.Contains("$top=5", StringComparison.Ordinal));
        Assert.Equal((5, 1L, 200), (read.RowsReturned, read.Version!.Value, read.Status));
        Assert.Null(read.ErrorCode);
        Assert.Equal("127.0.0.1", read.ClientAddress);
        Assert.NotNull(read.DurationMs);
        // The literal of $filter is redacted: no value from the request is stored.
        Assert.DoesNotContain("320113002001", read.Path, StringComparison.Ordinal);
        Assert.Contains("社区代码 eq '***'", read.Path, StringComparison.Ordinal);
        Assert.Contains(log, a => a.Principal == "analyst" && a.Status == 404 && a.Path.Contains("$top=7", StringComparison.Ordinal) && a.RowsReturned == 0);
        var failed = await server.Engine.Catalog.FailedLogins.SearchAsync(null, "audit-guesser", 10, default);
        Assert.Equal(3, failed.Sum(f => f.Attempts));
        Assert.InRange(failed.Count, 1, 2); // one row per minute and address, not one per guess
    }

    [Fact]
    public async Task HealthReady_Anonymous_SaysOnlyReady()
    {
        using var http = Http();
        using var response = await http.GetAsync(new Uri(server.BaseUri, "health/ready"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"ready\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthLive_AnsweredBeforeAuthentication_BadCredentialsNeitherRefusedNorCounted()
    {
        // Answered ahead of every other middleware: credentials are not even looked at.
        using var http = Http("live-guesser", "wrong-password");
        using var response = await http.GetAsync(new Uri(server.BaseUri, "health/live"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("{\"status\":\"live\"}", await response.Content.ReadAsStringAsync());
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(server.BaseUri, "health/live")));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await server.Engine.Catalog.FailedLogins.SearchAsync(null, "live-guesser", 10, default));
    }

    [Theory]
    [InlineData("steward", true)]
    [InlineData("maqun-community", false)]
    [InlineData("analyst", false)]
    public async Task HealthReady_DetailsOnlyForStewardOrOperator(string principal, bool details)
    {
        using var http = Http(principal, server.Credential(principal).Password);
        var json = await http.GetStringAsync(new Uri(server.BaseUri, "health/ready"));
        Assert.Equal(details, json.Contains("\"population\"", StringComparison.Ordinal));
        Assert.Contains("\"ready\"", json, StringComparison.Ordinal);
    }
}
