using System.Globalization;
using DataHub.Catalog;
using DataHub.Catalog.Runs;
using DataHub.Core.Schema;
using DataHub.Pipelines.Lake;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Derived;

/// <summary>What one rebuild published: each derived dataset's new version (absent when its inputs had not changed).</summary>
public sealed record DerivedRebuild(IReadOnlyDictionary<string, long> Published, IReadOnlyList<string> Unchanged);

/// <summary>
/// Rebuilds the derived datasets (一标三实 joins, community profile, service lists, the suppressed
/// statistics and the lineage) from the current versions of the shared datasets, after any of them
/// publishes or rolls back. One DuckDB database (a file in the run's scratch folder, at half the configured memory limit) holds the inputs as views
/// over their Parquet files and the derived tables; each derived dataset whose inputs changed gets a
/// new version, published with its lineage (input dataset, version, run) in the same catalog
/// transaction. A failure publishes nothing further and leaves every current version served.
/// </summary>
public sealed class DerivedDatasets(DataHubCatalog catalog, LakeLayout lake, TimeProvider time, string memoryLimit, int threads)
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.CreateCustomTimeZone("UTC+08", TimeSpan.FromHours(8), "UTC+08", "UTC+08");

    /// <summary>Whether <paramref name="dataset"/> is an input of some derived dataset (so its publish triggers a rebuild).</summary>
    public static bool IsInput(string dataset) => DerivedInputs.Names.Contains(dataset, StringComparer.Ordinal);

    /// <summary>The names of the derived datasets, lineage included.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. DerivedCatalog.All.Select(d => d.Name), DerivedCatalog.Lineage.Name];

    /// <param name="timed">Told the wall-clock and process CPU seconds of each step (address linking, the other tables, writing the versions, lineage); null for none.</param>
    public async Task<DerivedRebuild> RebuildAsync(string runId, CancellationToken cancellationToken, Action<string, double, double>? timed = null)
    {
        var clock = time.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        void Step(string name)
        {
            var now = time.GetTimestamp();
            var cpuNow = Environment.CpuUsage.TotalTime;
            timed?.Invoke(name, time.GetElapsedTime(clock, now).TotalSeconds, (cpuNow - cpu).TotalSeconds);
            clock = now;
            cpu = cpuNow;
        }
        var inputs = await DerivedInputs.CurrentAsync(catalog, cancellationToken);
        var published = new Dictionary<string, long>(StringComparer.Ordinal);
        var unchanged = new List<string>();
        if (!inputs.ContainsKey("population") && !inputs.ContainsKey("housing") && !inputs.ContainsKey("enterprise")) return new(published, unchanged);

        var due = new List<(DerivedDefinition Definition, IReadOnlyList<LineageInput> Lineage)>();
        var recorded = await catalog.Datasets.CurrentLineageAsync(cancellationToken);
        foreach (var d in DerivedCatalog.All)
        {
            var lineage = d.DependsOn.Where(inputs.ContainsKey).Select(n => new LineageInput(n, inputs[n].Version, inputs[n].RunId)).ToArray();
            if (SameLineage(recorded.TryGetValue(d.Name, out var current) ? current.Inputs : null, lineage)) unchanged.Add(d.Name);
            else due.Add((d, lineage));
        }
        if (due.Count == 0) return new(published, unchanged);

        var scratch = lake.RunDirectory(runId + "-derived");
        Directory.CreateDirectory(scratch);
        try
        {
            var asOf = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Beijing).DateTime);
            // A database file, not an in-memory one: its tables (pairs, residents: rows in proportion to
            // the register) are written to the file and dropped from memory past the limit, so the
            // rebuild's peak stays the same from 1M to 10M rows. It is scratch: no checkpoint (not even on
            // close), deleted with the folder. No insertion order: every published table is sorted by its key.
            using (var conn = new DuckDBConnection("DataSource=" + Path.Combine(scratch, "derived.duckdb")))
            {
                conn.Open();
                DerivedSql.Exec(conn, $"SET memory_limit={Literal(DerivedMemory.LimitFor(memoryLimit))}; SET threads={threads.ToString(CultureInfo.InvariantCulture)}; SET preserve_insertion_order=false; SET checkpoint_threshold='1TB'; PRAGMA disable_checkpoint_on_shutdown; "
                    + $"SET temp_directory={Literal(Path.Combine(scratch, "tmp"))}; SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;");
                DerivedInputs.Attach(conn, inputs);
                AddressLinking.Build(conn, cancellationToken);
                Step("派生：地址关联");
                Build(conn, asOf);
                Step("派生：中间表");
                foreach (var (definition, lineage) in due)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    published[definition.Name] = await PublishAsync(conn, definition, runId, lineage, cancellationToken);
                }
            }
            Step("派生：写出与复核");
            await PublishLineageAsync(runId, cancellationToken);
            Step("派生：血缘");
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // Start-up recovery removes leftovers of runs.
            }
        }
        return new(published, unchanged);
    }

    private static void Build(DuckDBConnection conn, DateOnly asOf)
    {
        DerivedSql.Residents(conn, asOf);
        var population = SchemaLoader.Get("population");
        var health = SchemaLoader.Get("health");
        var probable = new[] { "name", "birth_date", "community_code" }.All(f => population.FindField(f) is not null && health.FindField(f) is not null);
        DerivedSql.PersonLink(conn, probable);
        DerivedSql.HouseOccupancy(conn);
        DerivedSql.CommunityProfile(conn, asOf);
        DerivedSql.CommunityEnterprise(conn);
        DerivedSql.CareLists(conn);
        CommunityStats.Build(conn);
    }

    /// <summary>Whether the current version (null: none) was computed from exactly these input versions.</summary>
    private static bool SameLineage(IReadOnlyList<LineageInput>? recorded, IReadOnlyList<LineageInput> lineage) =>
        recorded is not null
        && recorded.Select(l => (l.Dataset, l.Version)).Order().SequenceEqual(lineage.Select(l => (l.Dataset, l.Version)).Order());

    /// <summary>Writes one derived table as a new version (columns in schema order, typed), reads it back and publishes it with its lineage.</summary>
    private async Task<long> PublishAsync(DuckDBConnection conn, DerivedDefinition definition, string runId, IReadOnlyList<LineageInput> lineage, CancellationToken cancellationToken)
    {
        var schema = SchemaLoader.Get(definition.Name);
        await catalog.Datasets.RegisterAsync(schema, SchemaLoader.RawText(schema.Name), definition.Metadata, cancellationToken);
        var order = schema.ScopeField is { } scope ? $"{Quote(scope)}, {Quote(schema.KeyField)}" : Quote(schema.KeyField);
        var select = string.Join(", ", schema.Fields.Select(f => $"CAST({Quote(f.Name)} AS {For(f)}) AS {Quote(f.Name)}"));
        return await WriteAndPublishAsync(conn, schema, $"SELECT {select} FROM {Quote(definition.Name)} ORDER BY {order}", runId, lineage, cancellationToken);
    }

    private async Task<long> WriteAndPublishAsync(DuckDBConnection conn, DatasetSchema schema, string query, string runId, IReadOnlyList<LineageInput> lineage, CancellationToken cancellationToken)
    {
        var version = await LakeVersions.NextAsync(catalog, lake, schema.Name, cancellationToken);
        var directory = lake.VersionDirectory(schema.Name, version);
        var file = LakeLayout.PartFileName(schema.Name);
        FileModes.CreateRestricted(directory);
        try
        {
            CopySorted(conn, $"COPY ({query}) TO {Literal(Path.Combine(directory, file))} {PublishedParquet}");
            long rows;
            using (var count = conn.CreateCommand())
            {
                count.CommandText = $"SELECT count(*) FROM read_parquet({Literal(Path.Combine(directory, file))})";
                rows = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            await ParquetReadBack.VerifyAsync(Path.Combine(directory, file), schema, rows, cancellationToken);
            await catalog.Datasets.PublishAsync(new PublishRequest(runId, schema.Name, version, directory, [file], rows, schema.Version,
                new RunCounts(rows, rows, 0, 0), "", schema.Name, null, Derived: true, Inputs: lineage), cancellationToken);
            return version;
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Runs one sorted COPY. DuckDB's sort feeding its Parquet writer on both threads can now and then
    /// ask for more than the rebuild's limit at 1M+ rows (seen about once in four rebuilds at 512 MiB)
    /// instead of spilling; then the same COPY runs again on one thread, which needs about half the
    /// memory, and the thread count is restored for the next one.
    /// </summary>
    private void CopySorted(DuckDBConnection conn, string copy)
    {
        try
        {
            DerivedSql.Exec(conn, copy);
        }
        catch (DuckDBException e) when (e.ErrorType == DuckDBErrorType.OutOfMemory && threads > 1)
        {
            DerivedSql.Exec(conn, "SET threads=1");
            try
            {
                DerivedSql.Exec(conn, copy);
            }
            finally
            {
                DerivedSql.Exec(conn, $"SET threads={threads.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }

    /// <summary>The lineage of every derived version still recorded, as the <c>lineage</c> dataset (entity set <c>Lineage</c>).</summary>
    private async Task PublishLineageAsync(string runId, CancellationToken cancellationToken)
    {
        var schema = SchemaLoader.Get(DerivedCatalog.Lineage.Name);
        await catalog.Datasets.RegisterAsync(schema, SchemaLoader.RawText(schema.Name), DerivedCatalog.Lineage.Metadata, cancellationToken);
        var all = await catalog.Datasets.LineageAsync(null, cancellationToken);
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        DerivedSql.Exec(conn, "CREATE TABLE lineage (record_id VARCHAR, dataset VARCHAR, version BIGINT, input_dataset VARCHAR, input_version BIGINT, input_run_id VARCHAR)");
        using (var appender = conn.CreateAppender("lineage"))
        {
            foreach (var (dataset, version, input) in all)
            {
                var id = DerivedSql.StableId($"lineage|{dataset}|{version}|{input.Dataset}");
                appender.CreateRow().AppendValue(id).AppendValue(dataset).AppendValue(version).AppendValue(input.Dataset)
                    .AppendValue(input.Version).AppendValue(input.RunId).EndRow();
            }
        }
        var select = string.Join(", ", schema.Fields.Select(f => $"CAST({Quote(f.Name)} AS {For(f)}) AS {Quote(f.Name)}"));
        await WriteAndPublishAsync(conn, schema, $"SELECT {select} FROM lineage ORDER BY dataset, version, input_dataset", runId, [], cancellationToken);
    }
}
