using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using CsvHelper;
using DataHub.Serving.Download;
using DataHub.Serving.Tests.Kit;
using DuckDB.NET.Data;
using MiniExcelLibs;
using Xunit;

namespace DataHub.Serving.Tests.Download;

/// <summary>
/// Downloads of feed queries, opened with real readers (CsvHelper, MiniExcel, DuckDB for Parquet,
/// Apache.Arrow for IPC): a community worker gets only its community, the ID number masked and the
/// suppressed column empty, in every format; options and audit apply as for the feed.
/// </summary>
public sealed class DownloadTests(TestLake lake) : IClassFixture<TestLake>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("datahub-download-test-").FullName;

    private List<PopulationRow> A1 => lake.Population.Where(r => r.CommunityCode == SyntheticData.CommunityA1).ToList();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Csv_CommunityWorker_OwnCommunityMaskedUtf8Bom()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population?$format=csv");

        Assert.Equal(200, response.Status);
        Assert.Equal("text/csv;charset=utf-8", response.Header("Content-Type"));
        Assert.Contains("attachment; filename=\"Population.csv\"", response.Header("Content-Disposition"), StringComparison.Ordinal);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, response.BodyBytes[..3]);
        var rows = ReadCsv(response.BodyBytes, null);
        AssertCommunityRows(rows.Select(r => (r["记录编号"], r["公民身份号码"], r["民族"])).ToList());
        Assert.Equal(A1.Count, response.Outcome.RowsReturned);
    }

    [Fact]
    public async Task Csv_Gbk_ReadsBackWithGbk()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population?$format=" + Uri.EscapeDataString("csv;charset=gbk") + "&$select=记录编号,姓名,所属社区");

        Assert.Equal(200, response.Status);
        Assert.Equal("text/csv;charset=gbk", response.Header("Content-Type"));
        var rows = ReadCsv(response.BodyBytes, CsvDownload.Gbk());
        Assert.Equal(A1.Count, rows.Count);
        var byKey = A1.ToDictionary(r => r.RecordId);
        Assert.All(rows, r => Assert.Equal(byKey[r["记录编号"]!].Name, r["姓名"]));
        Assert.All(rows, r => Assert.Equal("仙林湖社区", r["所属社区"]));
    }

    [Fact]
    public async Task Csv_FilterOrderTopSkip_AsTheFeed()
    {
        var expected = lake.Population.Where(Rows.InDistrict).Where(r => r.Gender == "女")
            .OrderByDescending(r => r.BirthDate).ThenBy(r => r.RecordId, StringComparer.Ordinal).Skip(5).Take(40).Select(r => r.RecordId).ToList();

        var response = await lake.Client.GetAsync(Principals.Steward, "Population?$format=csv&$filter=" + Uri.EscapeDataString("性别 eq '女'")
            + "&$orderby=" + Uri.EscapeDataString("出生日期 desc") + "&$top=40&$skip=5&$select=记录编号,出生日期");

        Assert.Equal(200, response.Status);
        var rows = ReadCsv(response.BodyBytes, null);
        Assert.Equal(expected, rows.Select(r => r["记录编号"]));
        Assert.Equal(["记录编号", "出生日期"], rows[0].Keys);
    }

    [Fact]
    public async Task Csv_Apply_WritesAggregates()
    {
        var response = await lake.Client.GetAsync(Principals.StreetWorkerA, "Population?$format=csv&$apply=" + Uri.EscapeDataString("groupby((社区代码),aggregate($count as 人数))"));

        Assert.Equal(200, response.Status);
        var rows = ReadCsv(response.BodyBytes, null);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(lake.Population.Count(p => p.CommunityCode == r["社区代码"]).ToString(System.Globalization.CultureInfo.InvariantCulture), r["人数"]));
    }

    [Fact]
    public async Task Xlsx_CommunityWorker_OwnCommunityMasked()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population?$format=xlsx");

        Assert.Equal(200, response.Status);
        var path = Save(response, ".xlsx");
        var rows = MiniExcel.Query(path, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        AssertCommunityRows(rows.Select(r => ((string?)r["记录编号"], (string?)r["公民身份号码"], r["民族"] as string)).ToList());
        var first = A1.MinBy(r => r.RecordId, StringComparer.Ordinal)!;
        var row = rows.Single(r => (string?)r["记录编号"] == first.RecordId);
        Assert.Equal(first.BirthDate.ToDateTime(TimeOnly.MinValue), Assert.IsType<DateTime>(row["出生日期"]));
    }

    [Fact]
    public async Task Parquet_CommunityWorker_OwnCommunityMasked()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population?$format=parquet");

        Assert.Equal(200, response.Status);
        Assert.Equal(A1.Count, response.Outcome.RowsReturned);
        var path = Save(response, ".parquet");
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"记录编号\", \"公民身份号码\", \"民族\" FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')";
        using var reader = command.ExecuteReader();
        var rows = new List<(string?, string?, string?)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        AssertCommunityRows(rows);
    }

    [Fact]
    public async Task Arrow_CommunityWorker_OwnCommunityMasked()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population?$format=arrow");

        Assert.Equal(200, response.Status);
        Assert.Equal("application/vnd.apache.arrow.stream", response.Header("Content-Type"));
        using var reader = new ArrowStreamReader(new MemoryStream(response.BodyBytes));
        var rows = new List<(string?, string?, string?)>();
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                var keys = (StringArray)batch.Column("记录编号");
                var ids = (StringArray)batch.Column("公民身份号码");
                var ethnicity = (StringArray)batch.Column("民族");
                for (var i = 0; i < batch.Length; i++) rows.Add((keys.GetString(i), ids.GetString(i), ethnicity.GetString(i)));
            }
        }
        AssertCommunityRows(rows);
        Assert.Equal(A1.Count, response.Outcome.RowsReturned);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    [InlineData("parquet")]
    [InlineData("arrow")]
    public async Task MaskedColumnInFilter_RefusedBeforeAnyFile(string format)
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, $"Population?$format={format}&$filter=" + Uri.EscapeDataString("公民身份号码 eq '1'"));

        Assert.Equal(400, response.Status);
        Assert.Equal("COLUMN_MASKED", response.ErrorCode());
    }

    [Fact]
    public async Task UnknownFormat_400ListsDownloads()
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "Population?$format=pdf");

        Assert.Equal(400, response.Status);
        Assert.Contains("parquet", response.ErrorMessage(), StringComparison.Ordinal);
    }

    private void AssertCommunityRows(List<(string? Key, string? Id, string? Ethnicity)> rows)
    {
        var source = A1.ToDictionary(r => r.RecordId);
        Assert.Equal(source.Count, rows.Count);
        foreach (var (key, id, ethnicity) in rows)
        {
            var row = source[key!];
            Assert.Equal(row.IdNumber[..6] + "********" + row.IdNumber[^4..], id);
            Assert.True(string.IsNullOrEmpty(ethnicity));
        }
    }

    private string Save(FeedResponse response, string extension)
    {
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, response.BodyBytes);
        return path;
    }

    private static List<Dictionary<string, string?>> ReadCsv(byte[] bytes, Encoding? encoding)
    {
        using var reader = CsvReader.Create(new MemoryStream(bytes), new CsvReaderOptions { Encoding = encoding }, leaveOpen: false);
        var rows = new List<Dictionary<string, string?>>();
        while (reader.Read())
        {
            var headers = reader.Headers;
            rows.Add(Enumerable.Range(0, headers.Count).ToDictionary(i => headers[i], i => (string?)reader.GetString(i)));
        }
        return rows;
    }
}
