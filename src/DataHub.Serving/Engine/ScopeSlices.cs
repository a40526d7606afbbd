using System.Text;
using DataHub.Serving.Query;

namespace DataHub.Serving.Engine;

/// <summary>
/// A dataset version in the lake's order, split into one Parquet file per scope code (the rows of one
/// community, in key order), so a page in the default order lists only the files of the codes it can
/// reach instead of the version's files.
/// <para>
/// Why: DuckDB 1.5 sets up a reader for every row group of every file a statement lists, and reads
/// the statistics of every projected column of each, before it skips the row group by those
/// statistics. On a version of 1,000,000 rows (237 row groups of 4,096 rows, 16 columns) that setup
/// alone cost about 7-11 ms of CPU per statement even when every row group was skipped, and a
/// community page in all about 25 ms; read from the community's own file the same page cost
/// about 7.5 ms (its rows only, no rows of the neighbouring communities that share its row groups).
/// Codec and row-group size of the lake made little difference (docs/ARCHITECTURE.md, "Speed and load").
/// </para>
/// </summary>
internal sealed class ScopeSlices
{
    /// <summary>A page whose codes would need more files than this reads the lake's files instead.</summary>
    public const int MaxFilesPerPage = 16;

    /// <summary>Versions with more distinct scope codes are not sliced (too many small files).</summary>
    public const int MaxCodes = 4096;

    private readonly byte[][] codes;
    private readonly string[] files;

    public ScopeSlices(string folder, IReadOnlyList<string> codes, IReadOnlyList<string> files)
    {
        if (codes.Count != files.Count) throw new ArgumentException("One file per code.", nameof(files));
        Folder = folder;
        this.codes = codes.Select(Encoding.UTF8.GetBytes).ToArray();
        this.files = [.. files];
        for (var i = 1; i < this.codes.Length; i++)
        {
            if (this.codes[i - 1].AsSpan().SequenceCompareTo(this.codes[i]) >= 0) throw new ArgumentException("Codes must be distinct and ascending.", nameof(codes));
        }
    }

    /// <summary>The folder holding the files (deleted with the slices).</summary>
    public string Folder { get; }

    /// <summary>
    /// The files of the codes in [<paramref name="low"/>, <paramref name="high"/>), not before
    /// <paramref name="after"/> (the token's code: its own file is included) and not after
    /// <paramref name="bound"/> (the last code the page can reach), in code order; null when no code
    /// qualifies or more than <see cref="MaxFilesPerPage"/> do (the caller then reads the lake's
    /// files). Every row a page over the lake would return lies in these files: the page statement's
    /// WHERE is unchanged, the files only leave out codes it cannot match. Codes compare as UTF-8
    /// bytes, as DuckDB compares VARCHAR.
    /// </summary>
    public IReadOnlyList<string>? Select(string low, string high, string? after, string? bound)
    {
        var start = LowerBound(Encoding.UTF8.GetBytes(low));
        if (after is not null) start = Math.Max(start, LowerBound(Encoding.UTF8.GetBytes(after)));
        var end = LowerBound(Encoding.UTF8.GetBytes(high));
        if (bound is not null) end = Math.Min(end, UpperBound(Encoding.UTF8.GetBytes(bound)));
        var count = end - start;
        return count <= 0 || count > MaxFilesPerPage ? null : files[start..end];
    }

    private int LowerBound(byte[] value) => Utf8CodeSearch.Bound(codes, value);

    private int UpperBound(byte[] value) => Utf8CodeSearch.Bound(codes, value, afterEqual: true);

    /// <summary>
    /// Writes the slices of a version whose files hold their rows in the lake's order: one file per
    /// non-null scope code, its rows in key order (the lake's order within one code), with the lake's
    /// Parquet options. Null when the version has no code or more than <see cref="MaxCodes"/>.
    /// </summary>
    public static ScopeSlices? Build(QuerySession session, IReadOnlyList<string> lakeFiles, string scopeColumn, string keyColumn, string folder, CancellationToken cancellationToken)
    {
        var files = "[" + string.Join(", ", lakeFiles.Select(SqlStatement.Literal)) + "]";
        var s = SqlStatement.Identifier(scopeColumn);
        var k = SqlStatement.Identifier(keyColumn);
        var distinct = new SqlStatement();
        distinct.Append($"SELECT DISTINCT CAST({s} AS VARCHAR) FROM read_parquet({files}) WHERE {s} IS NOT NULL ORDER BY 1");
        var codes = new List<string>();
        using (var reader = DuckDbCommands.Reader(DuckDbCommands.Create(session.Connection, distinct), cancellationToken))
        {
            while (reader.Read()) codes.Add(reader.GetString(0));
        }
        if (codes.Count == 0 || codes.Count > MaxCodes) return null;
        // DuckDB's ORDER BY of VARCHAR is byte order; the binary search needs the same order.
        codes.Sort((a, b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));

        Core.Files.OwnerOnly.CreateDirectory(folder);
        var paths = new List<string>(codes.Count);
        for (var i = 0; i < codes.Count; i++)
        {
            var path = Path.Combine(folder, i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".parquet");
            var copy = new SqlStatement();
            copy.Append($"COPY (SELECT * FROM read_parquet({files}) WHERE {s} = {copy.Param(codes[i])} ORDER BY {k}) TO {SqlStatement.Literal(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)");
            using var command = DuckDbCommands.Create(session.Connection, copy);
            DuckDbCommands.Run(command, c => c.ExecuteNonQuery(), cancellationToken);
            paths.Add(path);
        }
        return new ScopeSlices(folder, codes, paths);
    }
}
