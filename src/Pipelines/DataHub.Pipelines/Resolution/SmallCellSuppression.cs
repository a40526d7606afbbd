namespace DataHub.Pipelines.Resolution;

/// <summary>
/// A two-way table of counts with its row, column and grand totals, after small-cell suppression:
/// <see cref="Value"/> is null where a figure must not be published.
/// </summary>
public sealed class SuppressedTable
{
    private readonly long[,] _values;
    private readonly bool[,] _suppressed;

    internal SuppressedTable(long[,] values, bool[,] suppressed)
    {
        _values = values;
        _suppressed = suppressed;
    }

    /// <summary>Rows of the table, not counting the total row.</summary>
    public int Rows => _values.GetLength(0) - 1;

    /// <summary>Columns of the table, not counting the total column.</summary>
    public int Columns => _values.GetLength(1) - 1;

    /// <summary>The published figure at (row, column); row <see cref="Rows"/> and column <see cref="Columns"/> are the totals.</summary>
    public long? Value(int row, int column) => _suppressed[row, column] ? null : _values[row, column];

    public bool IsSuppressed(int row, int column) => _suppressed[row, column];

    public long? RowTotal(int row) => Value(row, Columns);

    public long? ColumnTotal(int column) => Value(Rows, column);

    public long? GrandTotal => Value(Rows, Columns);

    /// <summary>How many figures (cells and totals) are withheld.</summary>
    public int SuppressedCount
    {
        get
        {
            var n = 0;
            foreach (var s in _suppressed) if (s) n++;
            return n;
        }
    }
}

/// <summary>
/// Small-cell suppression for aggregates over persons (GB/T 37964 de-identification by aggregation):
/// a count of 1 to k-1 re-identifies people, so it is withheld (primary suppression), and further
/// figures are withheld (complementary suppression) until no withheld figure can be worked out from
/// the published ones and the totals. Zeros are published: a zero names nobody.
/// Complementary cells are chosen by a heuristic (the smallest non-zero figure of a line that has
/// exactly one withheld figure), then every withheld figure is checked by linear algebra: a figure is
/// recoverable when its unit vector lies in the row space of the table's sum constraints restricted to
/// the withheld figures. A recoverable one makes the algorithm withhold more, until none is.
/// </summary>
public static class SmallCellSuppression
{
    /// <summary>The default threshold: groups of fewer than five persons are not published.</summary>
    public const int DefaultK = 5;

    public static SuppressedTable Apply(long[,] cells, int k = DefaultK)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int rows = cells.GetLength(0), cols = cells.GetLength(1);
        var values = new long[rows + 1, cols + 1];
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++)
        {
            if (cells[r, c] < 0) throw new ArgumentException("计数不能为负数。", nameof(cells));
            values[r, c] = cells[r, c];
            values[r, cols] += cells[r, c];
            values[rows, c] += cells[r, c];
            values[rows, cols] += cells[r, c];
        }

        var suppressed = new bool[rows + 1, cols + 1];
        for (var r = 0; r <= rows; r++)
        for (var c = 0; c <= cols; c++)
            if (values[r, c] > 0 && values[r, c] < k) suppressed[r, c] = true;

        // Bounded: each pass withholds at least one more figure or stops.
        for (var pass = 0; pass <= (rows + 1) * (cols + 1); pass++)
        {
            if (!ProtectSingletons(values, suppressed) && !ProtectRecoverable(values, suppressed)) break;
        }
        return new SuppressedTable(values, suppressed);
    }

    /// <summary>True when some withheld figure of the table can be computed exactly from what is published.</summary>
    public static bool AnyRecoverable(SuppressedTable table, out (int Row, int Column) recoverable)
    {
        var n = table.Rows + 1;
        var m = table.Columns + 1;
        var suppressed = new bool[n, m];
        for (var r = 0; r < n; r++)
        for (var c = 0; c < m; c++) suppressed[r, c] = table.IsSuppressed(r, c);
        recoverable = FirstRecoverable(suppressed);
        return recoverable.Row >= 0;
    }

    /// <summary>A line (row or column with its total) with exactly one withheld figure gives it away: withhold another.</summary>
    private static bool ProtectSingletons(long[,] values, bool[,] suppressed)
    {
        var changed = false;
        int n = values.GetLength(0), m = values.GetLength(1);
        for (var r = 0; r < n; r++)
        {
            var line = Enumerable.Range(0, m).Select(c => (r, c)).ToList();
            changed |= ProtectLine(values, suppressed, line);
        }
        for (var c = 0; c < m; c++)
        {
            var line = Enumerable.Range(0, n).Select(r => (r, c)).ToList();
            changed |= ProtectLine(values, suppressed, line);
        }
        return changed;
    }

    private static bool ProtectLine(long[,] values, bool[,] suppressed, List<(int R, int C)> line)
    {
        if (line.Count(p => suppressed[p.R, p.C]) != 1) return false;
        var complement = BestComplement(values, suppressed, line);
        if (complement is null) return false;
        suppressed[complement.Value.R, complement.Value.C] = true;
        return true;
    }

    /// <summary>The smallest non-zero published figure of the line, inner cells before totals.</summary>
    private static (int R, int C)? BestComplement(long[,] values, bool[,] suppressed, IEnumerable<(int R, int C)> line)
    {
        int lastRow = values.GetLength(0) - 1, lastCol = values.GetLength(1) - 1;
        var candidates = line.Where(p => !suppressed[p.R, p.C]).ToList();
        if (candidates.Count == 0) return null;
        return candidates
            .OrderBy(p => values[p.R, p.C] == 0 ? 1 : 0)
            .ThenBy(p => p.R == lastRow || p.C == lastCol ? 1 : 0)
            .ThenBy(p => values[p.R, p.C])
            .ThenBy(p => p.R).ThenBy(p => p.C)
            .First();
    }

    private static bool ProtectRecoverable(long[,] values, bool[,] suppressed)
    {
        var (r, c) = FirstRecoverable(suppressed);
        if (r < 0) return false;
        var n = values.GetLength(0);
        var m = values.GetLength(1);
        var line = Enumerable.Range(0, m).Select(x => (r, x)).Concat(Enumerable.Range(0, n).Select(y => (y, c)));
        var complement = BestComplement(values, suppressed, line);
        if (complement is null) return false;
        suppressed[complement.Value.R, complement.Value.C] = true;
        return true;
    }

    /// <summary>
    /// Constraints: each row's cells sum to its total, each column's cells to its total (the total
    /// row and column included). Unknowns: the withheld figures. A withheld figure is determined
    /// exactly when its unit vector is in the row space of the constraint matrix over the unknowns.
    /// </summary>
    private static (int Row, int Column) FirstRecoverable(bool[,] suppressed)
    {
        int n = suppressed.GetLength(0), m = suppressed.GetLength(1);
        var unknowns = new List<(int R, int C)>();
        var index = new Dictionary<(int, int), int>();
        for (var r = 0; r < n; r++)
        for (var c = 0; c < m; c++)
            if (suppressed[r, c]) { index[(r, c)] = unknowns.Count; unknowns.Add((r, c)); }
        if (unknowns.Count == 0) return (-1, -1);

        var constraints = new List<double[]>();
        for (var r = 0; r < n; r++)
        {
            var row = new double[unknowns.Count];
            for (var c = 0; c < m; c++)
                if (index.TryGetValue((r, c), out var i)) row[i] = c == m - 1 ? -1 : 1;
            constraints.Add(row);
        }
        for (var c = 0; c < m; c++)
        {
            var row = new double[unknowns.Count];
            for (var r = 0; r < n; r++)
                if (index.TryGetValue((r, c), out var i)) row[i] = r == n - 1 ? -1 : 1;
            constraints.Add(row);
        }

        var basis = RowEchelon(constraints, unknowns.Count);
        var rank = basis.Count;
        for (var i = 0; i < unknowns.Count; i++)
        {
            var unit = new double[unknowns.Count];
            unit[i] = 1;
            if (RowEchelon([.. basis, unit], unknowns.Count).Count == rank) return unknowns[i];
        }
        return (-1, -1);
    }

    private static List<double[]> RowEchelon(List<double[]> rows, int width)
    {
        var m = rows.Select(r => (double[])r.Clone()).ToList();
        var result = new List<double[]>();
        var used = new bool[m.Count];
        for (var col = 0; col < width; col++)
        {
            var pivot = -1;
            for (var i = 0; i < m.Count; i++)
                if (!used[i] && Math.Abs(m[i][col]) > 1e-9) { pivot = i; break; }
            if (pivot < 0) continue;
            used[pivot] = true;
            for (var i = 0; i < m.Count; i++)
            {
                if (i == pivot || Math.Abs(m[i][col]) <= 1e-9) continue;
                var f = m[i][col] / m[pivot][col];
                for (var j = 0; j < width; j++) m[i][j] -= f * m[pivot][j];
            }
            result.Add(m[pivot]);
        }
        return result;
    }
}
