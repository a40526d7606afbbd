using DataHub.Core.Schema;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Feed;
using DataHub.Serving.Query;
using Microsoft.OData.Edm;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// The page writer that reads DuckDB's vectors directly (NativeResult) against the one that reads
/// through DuckDBDataReader: for the same statement, byte for byte the same JSON page and the same
/// skiptoken values, over every type it takes (Chinese text, characters JSON escapes, nulls, dates,
/// instants, integers of each width, booleans, doubles whole and fractional, NaN and infinities),
/// more rows than one DuckDB chunk, and a page cut short by the byte budget. Types it does not take
/// (DECIMAL, a DATE sort key) make it step aside so the reader path serves them.
/// </summary>
public sealed class NativePageWriterTests : IDisposable
{
    private readonly DuckDbEngine engine = new(new ServingOptions { Secret = new string('s', 40) });
    private readonly QuerySession session;

    public NativePageWriterTests() => session = engine.NewSession();

    private static readonly ViewColumn[] Columns =
    [
        Column("text", EdmPrimitiveTypeKind.String),
        Column("flag", EdmPrimitiveTypeKind.Boolean),
        Column("small", EdmPrimitiveTypeKind.Int32),
        Column("whole", EdmPrimitiveTypeKind.Int32),
        Column("big", EdmPrimitiveTypeKind.Int64),
        Column("ratio", EdmPrimitiveTypeKind.Double),
        Column("day", EdmPrimitiveTypeKind.Date),
        Column("at", EdmPrimitiveTypeKind.DateTimeOffset),
    ];

    // 5,000 rows (more than two DuckDB chunks of 2,048) with nulls in every column.
    private const string Rows = """
        SELECT
          CASE WHEN i % 7 = 0 THEN NULL WHEN i % 5 = 0 THEN '引号"与<b>&''转义\' || i ELSE '南京市栖霞区马群街道' || i END AS __c0,
          CASE WHEN i % 11 = 0 THEN NULL ELSE i % 2 = 0 END AS __c1,
          CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 300 - 150)::SMALLINT END AS __c2,
          CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 7919 - 2000000)::INTEGER END AS __c3,
          CASE WHEN i % 19 = 0 THEN NULL ELSE i * 1000000007::BIGINT - 4000000000000 END AS __c4,
          CASE WHEN i % 23 = 0 THEN NULL WHEN i % 29 = 0 THEN 'NaN'::DOUBLE WHEN i % 31 = 0 THEN 'inf'::DOUBLE WHEN i % 37 = 0 THEN '-inf'::DOUBLE
               WHEN i % 3 = 0 THEN (i * 2)::DOUBLE ELSE i / 7.0 END AS __c5,
          CASE WHEN i % 41 = 0 THEN NULL ELSE DATE '1900-01-01' + (i * 13)::INTEGER END AS __c6,
          CASE WHEN i % 43 = 0 THEN NULL ELSE TIMESTAMPTZ '1969-12-31 23:59:59.123456+00' + to_microseconds(i * 987654321) END AS __c7,
          lpad(i::VARCHAR, 6, '0') AS __o0,
          i AS __o1
        FROM range(5000) t(i)
        WHERE i >= $p0 AND lpad(i::VARCHAR, 6, '0') >= $p1
        ORDER BY i
        """;

    [Theory]
    [InlineData(5000, 8 * 1024 * 1024)]
    [InlineData(1000, 8 * 1024 * 1024)]
    [InlineData(4999, 64 * 1024)]
    public void SamePageAsTheReaderPath(long limit, long maxBytes)
    {
        var statement = Statement(Rows);
        var plan = new PagePlan(limit, limit + 1, 0, 0);

        using var native = NativeResult.TryExecute(session, statement, (i, t) => JsonPageWriter.Accepts(Columns, i, t), CancellationToken.None);
        Assert.NotNull(native);
        using var nativeBuffer = new PooledBuffer();
        var nativeWritten = JsonPageWriter.Write(nativeBuffer, native, Columns, 2, "ctx", 5000, plan, 3, "fp", NextLink, maxBytes, CancellationToken.None);

        using var reader = DuckDbCommands.Reader(session.Command(Statement(Rows)), CancellationToken.None);
        using var readerBuffer = new PooledBuffer();
        var readerWritten = JsonPageWriter.Write(readerBuffer, reader, Columns, 2, "ctx", 5000, plan, 3, "fp", NextLink, maxBytes, CancellationToken.None);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(readerBuffer.ToArray()), System.Text.Encoding.UTF8.GetString(nativeBuffer.ToArray()));
        Assert.Equal(readerWritten.Rows, nativeWritten.Rows);
        Assert.Equal(readerWritten.Next?.Values, nativeWritten.Next?.Values);
        Assert.Equal(readerWritten.Next?.Values.Select(v => v?.GetType()), nativeWritten.Next?.Values.Select(v => v?.GetType()));
        if (limit < 5000 || maxBytes < 1024 * 1024) Assert.NotNull(nativeWritten.Next);
    }

    [Fact]
    public void DecimalColumnOrDateSortKey_StepsAsideForTheReaderPath()
    {
        var decimalColumn = new[] { Column("amount", EdmPrimitiveTypeKind.Decimal) };
        Assert.Null(NativeResult.TryExecute(session, Statement("SELECT 12.50::DECIMAL(18,2) AS __c0, 'a' AS __o0 WHERE $p0 = 1"),
            (i, t) => JsonPageWriter.Accepts(decimalColumn, i, t), CancellationToken.None));
        var textColumn = new[] { Column("text", EdmPrimitiveTypeKind.String) };
        Assert.Null(NativeResult.TryExecute(session, Statement("SELECT 'a' AS __c0, DATE '2020-01-01' AS __o0 WHERE $p0 = 1"),
            (i, t) => JsonPageWriter.Accepts(textColumn, i, t), CancellationToken.None));
        Assert.NotNull(NativeResult.TryExecute(session, Statement("SELECT 'a' AS __c0, 'b' AS __o0 WHERE $p0 = 1"),
            (i, t) => JsonPageWriter.Accepts(textColumn, i, t), CancellationToken.None));
    }

    [Fact]
    public void FailingStatement_ReturnsNull_SoDuckDbNetReportsIt()
    {
        var textColumn = new[] { Column("text", EdmPrimitiveTypeKind.String) };
        // A conversion error at execution, and a statement DuckDB cannot prepare.
        Assert.Null(NativeResult.TryExecute(session, Statement("SELECT (CASE WHEN $p0 = 1 THEN 'x' ELSE '1' END)::INTEGER::VARCHAR AS __c0"), (i, t) => JsonPageWriter.Accepts(textColumn, i, t), CancellationToken.None));
        Assert.Null(NativeResult.TryExecute(session, Statement("SELECT no_such_column AS __c0 WHERE $p0 = 1"), (i, t) => JsonPageWriter.Accepts(textColumn, i, t), CancellationToken.None));
        Assert.Throws<DuckDB.NET.Data.DuckDBException>(() => DuckDbCommands.Reader(session.Command(Statement("SELECT (CASE WHEN $p0 = 1 THEN 'x' ELSE '1' END)::INTEGER::VARCHAR AS __c0")), CancellationToken.None));
    }

    private static SqlStatement Statement(string sql)
    {
        var statement = new SqlStatement();
        statement.Param(sql.Contains("$p1", StringComparison.Ordinal) ? 0L : 1);
        if (sql.Contains("$p1", StringComparison.Ordinal)) statement.Param("000000");
        return statement.Append(sql);
    }

    private static Uri NextLink(SkipToken token) => new("http://127.0.0.1/odata/T?$skiptoken=" + string.Join("_", token.Values));

    private static ViewColumn Column(string name, EdmPrimitiveTypeKind kind) =>
        new(new FieldSpec(name, name, "", FieldType.String, false, Sensitivity.Public, MaskKind.None, null), name + "属性", MaskKind.None, kind, true);

    public void Dispose()
    {
        session.Dispose();
        engine.Dispose();
    }
}
