using System.Net.Http.Headers;
using System.Text;
using CsvHelper;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>$apply read over HTTP by the strict Power Query–like client, and a download as a browser or Excel fetches it, audited.</summary>
[Collection(DemoServerCollection.Name)]
public sealed class ApplyAndDownloadTests(DemoServer server)
{
    private const string Maqun = "320113002001";

    [Fact]
    public async Task StreetWorker_GroupByCommunity_StrictClientAcrossPages()
    {
        var client = server.Client("maqun-street", preferMaxPageSize: 1);
        var model = await client.GetMetadataAsync(server.ServiceRoot);

        var feed = await client.ReadFeedAsync(server.Feed("?$apply=" + Uri.EscapeDataString("groupby((社区代码),aggregate($count as 人数))") + "&$count=true"), model);

        Assert.True(feed.PageCount > 1);
        Assert.Equal(feed.Count, feed.Rows.Count);
        Assert.All(feed.Rows, r => Assert.StartsWith("320113002", (string)r["社区代码"]!));
        var counts = feed.Rows.ToDictionary(r => (string)r["社区代码"]!, r => long.Parse(((Microsoft.OData.ODataUntypedValue)r["人数"]!).RawValue, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(server.AcceptedWithin("320113002"), counts.Values.Sum());
        Assert.All(counts, kv => Assert.Equal(server.AcceptedWithin(kv.Key), kv.Value));
    }

    [Fact]
    public async Task CommunityWorker_CsvDownload_OwnCommunityMaskedAndAudited()
    {
        var c = server.Credential("maqun-community");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Feed("?$format=csv"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.Name}:{c.Password}")));
        using var response = await http.SendAsync(request);

        response.EnsureSuccessStatusCode();
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        using var csv = CsvReader.Create(await response.Content.ReadAsStreamAsync(), null, leaveOpen: false);
        var rows = 0;
        while (csv.Read())
        {
            rows++;
            Assert.Equal(Maqun, csv.GetString("社区代码"));
            Assert.Matches(@"^[0-9]{6}\*{8}[0-9X]{4}$", csv.GetString("公民身份号码"));
        }
        Assert.Equal(server.AcceptedWithin(Maqun), rows);

        var log = await SettledAudit.RecentAsync(server.Engine.Catalog.Access, 1000);
        Assert.Contains(log, a => a.Principal == c.Name && a.Path.Contains("$format=csv", StringComparison.Ordinal) && a.RowsReturned == rows);
    }
}
