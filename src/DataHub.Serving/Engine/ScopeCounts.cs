using System.Text;
using DataHub.Serving.Access;
using DataHub.Serving.Query;

namespace DataHub.Serving.Engine;

/// <summary>
/// The rows of one dataset version per scope code, counted once per version (one pass over the scope
/// column) and kept in memory: a version never changes, so the row count of any scope, the
/// <c>/$count</c> and <c>$count=true</c> that Excel and Power BI ask without a filter, needs no
/// DuckDB work at all afterwards (a sum over the codes in the principal's range). Codes compare as
/// UTF-8 bytes, as DuckDB compares VARCHAR, so the range means what the WHERE of a page means.
/// </summary>
internal sealed class ScopeCounts
{
    private readonly byte[][] codes;
    private readonly long[] before;
    private readonly long total;

    private ScopeCounts(byte[][] codes, long[] before, long total)
    {
        this.codes = codes;
        this.before = before;
        this.total = total;
    }

    /// <summary>Counts the version's rows per scope code on a worker's session.</summary>
    public static ScopeCounts Load(QuerySession session, ServedDataset dataset, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement();
        var files = string.Join(", ", dataset.ParquetFiles.Select(SqlStatement.Literal));
        if (dataset.Schema.ScopeField is not { } column)
        {
            statement.Append($"SELECT count(*) FROM read_parquet([{files}])");
            return new ScopeCounts([], [0], DuckDbCommands.Scalar(session, statement, cancellationToken));
        }
        statement.Append($"SELECT {SqlStatement.Identifier(column)}, count(*) FROM read_parquet([{files}]) GROUP BY 1");
        var rows = new List<(byte[] Code, long Count)>();
        long all = 0;
        using (var reader = DuckDbCommands.Reader(session.Command(statement), cancellationToken))
        {
            while (reader.Read())
            {
                var count = reader.GetInt64(1);
                all += count;
                // A row without a scope code lies in no principal's range (NULL >= $lo is not true).
                if (!reader.IsDBNull(0)) rows.Add((Encoding.UTF8.GetBytes(reader.GetString(0)), count));
            }
        }
        rows.Sort((a, b) => a.Code.AsSpan().SequenceCompareTo(b.Code));
        var before = new long[rows.Count + 1];
        for (var i = 0; i < rows.Count; i++) before[i + 1] = before[i] + rows[i].Count;
        return new ScopeCounts(rows.Select(r => r.Code).ToArray(), before, all);
    }

    /// <summary>Rows of the version.</summary>
    public long Total => total;

    /// <summary>Rows in <paramref name="scope"/>: scope column in [Low, High), or every row when the dataset has no scope column.</summary>
    public long Count(RowScope scope)
    {
        if (scope.Column is null) return total;
        return before[LowerBound(Encoding.UTF8.GetBytes(scope.High))] - before[LowerBound(Encoding.UTF8.GetBytes(scope.Low))];
    }

    /// <summary>
    /// The answer of <see cref="ScopeWindow.UpperBound"/> for an unfiltered page in the default order,
    /// from memory: the smallest scope code in <paramref name="scope"/> by which
    /// <paramref name="rowsNeeded"/> rows have come, counting only the codes after
    /// <paramref name="afterCode"/> (the token's scope code; null on a first page), or null when fewer
    /// remain. The rows of the token's own code that are still to come are not counted: fewer rows
    /// counted can only move the bound later (the page query then reads a little more), never earlier,
    /// so no row of the page is ever cut off.
    /// </summary>
    public string? UpperBound(RowScope scope, string? afterCode, long rowsNeeded)
    {
        if (scope.Column is null) return null;
        var start = LowerBound(Encoding.UTF8.GetBytes(scope.Low));
        if (afterCode is not null)
        {
            var after = Encoding.UTF8.GetBytes(afterCode);
            start = Math.Max(start, LowerBound(after));
            if (start < codes.Length && codes[start].AsSpan().SequenceEqual(after)) start++;
        }
        var end = LowerBound(Encoding.UTF8.GetBytes(scope.High));
        long seen = 0;
        for (var i = start; i < end; i++)
        {
            seen += before[i + 1] - before[i];
            if (seen >= rowsNeeded) return Encoding.UTF8.GetString(codes[i]);
        }
        return null;
    }

    private int LowerBound(byte[] bound) => Utf8CodeSearch.Bound(codes, bound);
}

/// <summary>
/// <see cref="ScopeCounts"/> of recent dataset versions (a few at a time; a version is looked up by
/// name, number and files, so a republished folder is never answered from an old entry).
/// </summary>
internal sealed class ScopeCountCache
{
    private const int Capacity = 16;
    private readonly Lock gate = new();
    private readonly Dictionary<string, ScopeCounts> entries = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new();

    public ScopeCounts? TryGet(ServedDataset dataset)
    {
        lock (gate) return entries.GetValueOrDefault(Key(dataset));
    }

    /// <summary>The counts of <paramref name="dataset"/>, loaded on this worker's session when not yet cached.</summary>
    public ScopeCounts Get(QuerySession session, ServedDataset dataset, CancellationToken cancellationToken)
    {
        if (TryGet(dataset) is { } cached) return cached;
        var loaded = ScopeCounts.Load(session, dataset, cancellationToken);
        var key = Key(dataset);
        lock (gate)
        {
            if (entries.TryAdd(key, loaded))
            {
                order.Enqueue(key);
                while (order.Count > Capacity) entries.Remove(order.Dequeue());
            }
            return entries[key];
        }
    }

    private static string Key(ServedDataset dataset) =>
        dataset.Schema.Name + "\n" + dataset.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" + string.Join("\n", dataset.ParquetFiles);
}
