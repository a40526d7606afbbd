using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Sql;

/// <summary>
/// Reads a table or a query of a relational database (type <c>database</c>): SQLite files and
/// PostgreSQL servers over ADO.NET, streamed row by row in one read-only snapshot.
/// </summary>
/// <remarks>
/// Incremental when <c>cursor_column</c> is set: the first run reads everything; later runs read
/// the rows whose cursor is greater than the highest one of the last published run (the state the
/// runner commits in the publish transaction) and mark their batches <see cref="RecordBatch.IsDelta"/>.
/// Deletions travel as <see cref="SourceRecord.IsDeletion"/> records: rows whose status column
/// holds a declared value, and (in incremental reads) new rows of a tombstone table.
/// </remarks>
internal sealed class SqlConnector : ISourceConnector
{
    public const string TypeName = "database";

    public ConnectorSpec Spec { get; } = new(TypeName, "关系数据库（SQLite / PostgreSQL）", SqlOptions.Declared, SupportsIncremental: true, HasCursor: true);

    public async Task<CheckResult> CheckAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await DiscoverAsync(config, cancellationToken);
            var options = SqlOptions.From(config);
            return CheckResult.Ok($"可以读取{options.Describe()}的{options.Subject}：{stream.Columns.Count} 列" +
                (options.IsIncremental ? $"，按“{options.CursorColumn}”增量读取" : "，每次全量读取"));
        }
        catch (ConnectorException ex)
        {
            return CheckResult.Failed(ex.Describe());
        }
    }

    public async Task<SourceStream> DiscoverAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = SqlOptions.From(config);
        try
        {
            await using var source = await SqlSource.OpenAsync(options, cancellationToken);
            var columns = await source.ColumnsAsync(source.Relation, cancellationToken);
            CheckDeclaredColumns(options, columns);
            if (options.TombstoneTable is { } tomb)
                TombstoneMap(options, columns, await source.ColumnsAsync(source.QuoteName(tomb), cancellationToken));
            return new SourceStream(options.Table ?? "query", columns);
        }
        catch (Exception e) when (SqlErrors.Map(e, options) is { } mapped)
        {
            throw mapped;
        }
    }

    public async IAsyncEnumerable<RecordBatch> ReadAsync(SourceConfig config, ConnectorState? state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = SqlOptions.From(config);
        // try/catch cannot wrap a yield: the reading happens in an inner iterator whose steps are guarded.
        await using var inner = ReadBatchesAsync(options, state, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await inner.MoveNextAsync()) yield break;
            }
            catch (Exception e) when (SqlErrors.Map(e, options) is { } mapped)
            {
                throw mapped;
            }
            yield return inner.Current;
        }
    }

    private static async IAsyncEnumerable<RecordBatch> ReadBatchesAsync(SqlOptions options, ConnectorState? state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var previous = options.IsIncremental ? SqlState.From(state) : null;
        var delta = previous?.Cursor is not null;
        await using var source = await SqlSource.OpenAsync(options, cancellationToken);
        var columns = await source.ColumnsAsync(source.Relation, cancellationToken);
        CheckDeclaredColumns(options, columns);
        var cursorIndex = options.CursorColumn is { } cc ? IndexOf(columns, cc) : -1;
        var deletedIndex = options.DeletedColumn is { } dc ? IndexOf(columns, dc) : -1;

        var sql = $"SELECT * FROM {source.Relation}";
        var parameters = new List<(string, object)>();
        if (delta)
        {
            sql += $" WHERE {SqlSource.Quote(columns[cursorIndex].Name)} > @cursor";
            parameters.Add(("@cursor", previous!.Cursor!.ToValue()));
        }
        // Ordered by the cursor so positions repeat run to run and a read is reproducible.
        if (cursorIndex >= 0) sql += $" ORDER BY {SqlSource.Quote(columns[cursorIndex].Name)}";

        object? maxCursor = null;
        long position = 0;
        var batch = new List<SourceRecord>(options.BatchSize);
        await using (var cmd = source.Command(sql, [.. parameters]))
        await using (var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object?[columns.Count];
                reader.GetValues(values!);
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] is DBNull) values[i] = null;
                }
                if (cursorIndex >= 0) maxCursor = SqlCursorValue.Max(maxCursor, values[cursorIndex]);
                var deleted = deletedIndex >= 0 && values[deletedIndex] is { } status
                    && options.DeletedValues.Contains(Convert.ToString(status, CultureInfo.InvariantCulture)!.Trim(), StringComparer.Ordinal);
                batch.Add(new SourceRecord(++position, values, deleted));
                if (batch.Count == options.BatchSize)
                {
                    yield return new RecordBatch(columns, batch, IsDelta: delta);
                    batch = new List<SourceRecord>(options.BatchSize);
                }
            }
        }

        object? maxTombstone = null;
        if (options.TombstoneTable is { } tomb)
        {
            var tombRelation = source.QuoteName(tomb);
            var tombColumns = await source.ColumnsAsync(tombRelation, cancellationToken);
            var map = TombstoneMap(options, columns, tombColumns);
            var tombCursor = SqlSource.Quote(tombColumns[IndexOf(tombColumns, options.TombstoneCursorColumn!)].Name);
            if (delta)
            {
                // Only incremental reads apply tombstones: a full read already lacks the deleted rows.
                // No tombstone cursor yet (the table was empty at the last run): every tombstone is new.
                var since = previous!.TombstoneCursor;
                await using var cmd = since is null
                    ? source.Command($"SELECT * FROM {tombRelation} ORDER BY {tombCursor}")
                    : source.Command($"SELECT * FROM {tombRelation} WHERE {tombCursor} > @since ORDER BY {tombCursor}", ("@since", since.ToValue()));
                await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
                var tombValues = new object?[tombColumns.Count];
                var tombCursorIndex = IndexOf(tombColumns, options.TombstoneCursorColumn!);
                while (await reader.ReadAsync(cancellationToken))
                {
                    reader.GetValues(tombValues!);
                    var values = new object?[columns.Count];
                    foreach (var (from, to) in map) values[to] = tombValues[from] is DBNull ? null : tombValues[from];
                    maxTombstone = SqlCursorValue.Max(maxTombstone, tombValues[tombCursorIndex] is DBNull ? null : tombValues[tombCursorIndex]);
                    batch.Add(new SourceRecord(++position, values, IsDeletion: true));
                    if (batch.Count == options.BatchSize)
                    {
                        yield return new RecordBatch(columns, batch, IsDelta: delta);
                        batch = new List<SourceRecord>(options.BatchSize);
                    }
                }
            }
            else
            {
                await using var cmd = source.Command($"SELECT MAX({tombCursor}) FROM {tombRelation}");
                maxTombstone = await cmd.ExecuteScalarAsync(cancellationToken) is { } v and not DBNull ? v : null;
            }
        }

        var next = new SqlState(
            SqlCursorValue.From(maxCursor) ?? previous?.Cursor,
            SqlCursorValue.From(maxTombstone) ?? previous?.TombstoneCursor,
            position);
        yield return new RecordBatch(columns, batch, next.ToState(), IsDelta: delta);
    }

    /// <summary>The cursor and status columns the source file names must exist: say which exist when one does not.</summary>
    private static void CheckDeclaredColumns(SqlOptions options, IReadOnlyList<SourceColumn> columns)
    {
        foreach (var (option, name) in new[] { (SqlOptions.CursorOption, options.CursorColumn), (SqlOptions.DeletedColumnOption, options.DeletedColumn) })
        {
            if (name is not null && IndexOf(columns, name) < 0) throw ColumnMissing(options, option, name, options.Subject, columns);
        }
    }

    /// <summary>Tombstone column index to main column index, for the columns both share by name.</summary>
    private static List<(int From, int To)> TombstoneMap(SqlOptions options, IReadOnlyList<SourceColumn> columns, IReadOnlyList<SourceColumn> tombColumns)
    {
        if (IndexOf(tombColumns, options.TombstoneCursorColumn!) < 0)
            throw ColumnMissing(options, SqlOptions.TombstoneCursorOption, options.TombstoneCursorColumn!, $"墓碑表 {options.TombstoneTable}", tombColumns);
        var map = new List<(int, int)>();
        for (var i = 0; i < tombColumns.Count; i++)
        {
            var to = IndexOf(columns, tombColumns[i].Name);
            if (to >= 0) map.Add((i, to));
        }
        if (map.Count == 0)
            throw new ConnectorException(ConnectorFailure.Config, "SQL_TOMBSTONE_NO_KEY",
                $"墓碑表 {options.TombstoneTable} 与{options.Subject}没有同名的列，无法知道删除的是哪一行",
                $"数据源 {options.SourceId} 的 connector.{SqlOptions.TombstoneTableOption}",
                $"墓碑表须包含与主表同名的自然键列（如 公民身份号码）；墓碑表现有的列：{string.Join("、", tombColumns.Select(c => c.Name))}");
        return map;
    }

    private static ConnectorException ColumnMissing(SqlOptions options, string option, string name, string subject, IReadOnlyList<SourceColumn> columns) =>
        new(ConnectorFailure.Config, "SQL_COLUMN_MISSING", $"{subject}中没有 {option} 指定的列“{name}”",
            $"数据源 {options.SourceId} 的 connector.{option}（{options.Describe()}）",
            $"现有的列：{string.Join("、", columns.Select(c => c.Name))}。请修改列名，或请部门确认列是否改名");

    private static int IndexOf(IReadOnlyList<SourceColumn> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}
