using System.Text;
using DataHub.Catalog;
using DataHub.Connectors;
using DataHub.Connectors.Abstractions;
using DataHub.Pipelines.Ingestion;
using DataHub.TestKit;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;

namespace DataHub.Pipelines.Tests;

/// <summary>A temp data folder with a real SQLite catalog, a real lake and the real CSV connector.</summary>
public sealed class PipelineFixture : IAsyncDisposable
{
    public const string Header = "序号, 公民身份号码 ,姓名,性别,民族,出生日期,户籍地址,现住址,社区代码,社区名称,人员类型,迁入日期,人员状态,联系电话（手机）,更新时间";

    private readonly TempDirectory _dir;

    private PipelineFixture(TempDirectory dir, FakeTime time, DataHubCatalog catalog, IngestionRunner runner)
    {
        _dir = dir;
        Time = time;
        Catalog = catalog;
        Runner = runner;
    }

    public DataHubCatalog Catalog { get; }

    public IngestionRunner Runner { get; }

    public FakeTime Time { get; }

    public string Root => _dir.Path;

    /// <param name="configure">Changes to the engine options (e.g. a short retry delay).</param>
    /// <param name="connectors">The connectors (default: the built-in ones).</param>
    public static async Task<PipelineFixture> CreateAsync(Func<IngestionOptions, IngestionOptions>? configure = null, IEnumerable<ISourceConnector>? connectors = null)
    {
        var dir = new TempDirectory("pipeline");
        var time = new FakeTime();
        var catalog = await DataHubCatalog.OpenSqliteAsync(Path.Combine(dir.Path, "catalog.db"), time, default);
        var options = new IngestionOptions { LakeRoot = Path.Combine(dir.Path, "lake"), RecordIdKey = new byte[32], KeepVersions = 3 };
        var runner = new IngestionRunner(catalog, new ConnectorRegistry(connectors ?? ConnectorCatalog.BuiltIn()), configure?.Invoke(options) ?? options, time);
        return new PipelineFixture(dir, time, catalog, runner);
    }

    private string Dir => _dir.Path;

    /// <summary>Writes the repo's population source definition and a CSV export beside it; returns the definition path.</summary>
    public string WriteSource(string csv, Encoding? encoding = null, string? definition = null)
    {
        var yaml = Path.Combine(Dir, "gongan-population.yaml");
        File.WriteAllText(yaml, definition ?? File.ReadAllText(RepoFile("sources/gongan-population.yaml")));
        File.WriteAllText(Path.Combine(Dir, "公安_实有人口.csv"), csv, encoding ?? new UTF8Encoding(false));
        return yaml;
    }

    public static string Csv(params string[] rows) => string.Join("\r\n", new[] { Header }.Concat(rows)) + "\r\n";

    /// <summary>A valid row; override columns by index (0 = 序号 … 14 = 更新时间).</summary>
    public static string Row(int n, string id, string community = "320113002001", string name = "张三", string updated = "2026-11-01 08:00:00", string phone = "13812348000", string birth = "")
    {
        return string.Join(',', n, id, name, "", "汉族", birth, "江苏省南京市栖霞区马群街道1号", "\"江苏省南京市栖霞区马群街道2号, 3栋\"", community, "马群社区居委会", "户籍", "2020/1/5", "在住", phone, updated);
    }

    /// <summary>Rows of the current version's Parquet, via DuckDB.</summary>
    public async Task<List<Dictionary<string, object?>>> ReadCurrentAsync(string dataset = "population")
    {
        var current = (await Catalog.Datasets.CurrentVersionsAsync(default)).Single(v => v.Dataset == dataset);
        return Query($"SELECT * FROM read_parquet('{Path.Combine(current.Directory, current.Files[0])}')");
    }

    /// <summary>Rows of every part of the current version.</summary>
    public async Task<List<Dictionary<string, object?>>> ReadAllCurrentAsync(string dataset = "population")
    {
        var current = (await Catalog.Datasets.CurrentVersionsAsync(default)).Single(v => v.Dataset == dataset);
        return Query($"SELECT * FROM read_parquet([{string.Join(", ", current.Files.Select(f => $"'{Path.Combine(current.Directory, f)}'"))}])");
    }

    public static List<Dictionary<string, object?>> Query(string sql)
    {
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (r.Read())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < r.FieldCount; i++) row[r.GetName(i)] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static string RepoFile(string relative) => RepoPaths.File(relative);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
