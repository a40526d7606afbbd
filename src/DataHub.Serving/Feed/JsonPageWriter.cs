using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Feed;

/// <summary>
/// Writes one page as OData JSON with minimal metadata directly with <see cref="Utf8JsonWriter"/>,
/// reading each value with the typed reader of its column: no <c>ODataResource</c> or property array
/// per row, no boxing per value. The output is what Microsoft.OData's writer produces for the same
/// rows (<c>JsonPageWriterTests</c> compares the two):
/// <code>{"@odata.context":"…","@odata.count":N,"value":[{…},…],"@odata.nextLink":"…"}</code>
/// with Int64 and Decimal as JSON numbers (IEEE754Compatible=false), Edm.Date as <c>yyyy-MM-dd</c>,
/// Edm.DateTimeOffset in UTC with <c>Z</c>, Edm.Double as the shortest round-trip number (<c>1.0</c>
/// for whole values, <c>"INF"</c>, <c>"-INF"</c>, <c>"NaN"</c> as strings), nulls written explicitly.
/// </summary>
internal static class JsonPageWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Chinese text unescaped (half the bytes of \uXXXX); markup characters still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        SkipValidation = true,
    };

    private static readonly JsonEncodedText Context = JsonEncodedText.Encode("@odata.context");
    private static readonly JsonEncodedText CountName = JsonEncodedText.Encode("@odata.count");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText NextLinkName = JsonEncodedText.Encode("@odata.nextLink");

    private delegate void WriteValue(Utf8JsonWriter json, DuckDBDataReader reader, int ordinal);

    /// <summary>The outcome of writing: rows written and the token of the next page, if any.</summary>
    public readonly record struct Written(long Rows, SkipToken? Next);

    /// <param name="columns">The projected columns, in result order <c>__c0..</c>.</param>
    /// <param name="sortKeyCount">Sort keys after them, <c>__o0..</c>, read from the last row for the token.</param>
    /// <param name="maxBytes">A page that reaches this size ends after the current row, with a nextLink when rows remain.</param>
    public static Written Write(PooledBuffer buffer, DuckDBDataReader reader, IReadOnlyList<ViewColumn> columns, int sortKeyCount,
        string contextUrl, long? count, PagePlan plan, long version, string fingerprint, Func<SkipToken, Uri> nextLink, long maxBytes,
        CancellationToken cancellationToken)
    {
        var writers = new WriteValue[columns.Count];
        for (var i = 0; i < columns.Count; i++) writers[i] = For(columns[i].Kind, reader.GetFieldType(i));
        var sortOrdinals = new int[sortKeyCount];
        for (var j = 0; j < sortKeyCount; j++) sortOrdinals[j] = reader.GetOrdinal(PageSql.OrderAlias(j));
        return Write(new ReaderRows(reader, writers, sortOrdinals), buffer, columns, contextUrl, count, plan, version, fingerprint, nextLink, maxBytes, cancellationToken);
    }

    /// <summary>The same page from a result read straight from DuckDB's vectors (<see cref="Accepts"/> said yes to each of its columns).</summary>
    public static Written Write(PooledBuffer buffer, NativeResult result, IReadOnlyList<ViewColumn> columns, int sortKeyCount,
        string contextUrl, long? count, PagePlan plan, long version, string fingerprint, Func<SkipToken, Uri> nextLink, long maxBytes,
        CancellationToken cancellationToken)
    {
        if (result.ColumnCount != columns.Count + sortKeyCount) throw new InvalidOperationException("The page result has unexpected columns.");
        var kinds = new NativeKind[columns.Count];
        for (var i = 0; i < kinds.Length; i++) kinds[i] = NativeKindOf(columns[i].Kind, result.Type(i)) ?? throw new InvalidOperationException("A page column has a type the native writer does not read.");
        return Write(new NativeRows(result, kinds, columns.Count, sortKeyCount), buffer, columns, contextUrl, count, plan, version, fingerprint, nextLink, maxBytes, cancellationToken);
    }

    /// <summary>
    /// Whether the native writer reads result column <paramref name="ordinal"/> of this type: a
    /// projected column of a type it writes exactly as the reader path does, or a sort key it turns
    /// into the same skiptoken value (text and integers; dates, instants and decimals take the reader path).
    /// </summary>
    public static bool Accepts(IReadOnlyList<ViewColumn> columns, int ordinal, DuckDBType type) =>
        ordinal < columns.Count ? NativeKindOf(columns[ordinal].Kind, type) is not null
        : type is DuckDBType.Varchar or DuckDBType.TinyInt or DuckDBType.SmallInt or DuckDBType.Integer or DuckDBType.BigInt;

    private static Written Write<TRows>(TRows rows, PooledBuffer buffer, IReadOnlyList<ViewColumn> columns,
        string contextUrl, long? count, PagePlan plan, long version, string fingerprint, Func<SkipToken, Uri> nextLink, long maxBytes,
        CancellationToken cancellationToken) where TRows : IPageRows
    {
        var names = new JsonEncodedText[columns.Count];
        for (var i = 0; i < columns.Count; i++) names[i] = JsonEncodedText.Encode(columns[i].Property, Options.Encoder);

        using var json = new Utf8JsonWriter(buffer, Options);
        json.WriteStartObject();
        json.WriteString(Context, contextUrl);
        if (count is { } n) json.WriteNumber(CountName, n);
        json.WriteStartArray(ValueName);

        long written = 0;
        var more = false;
        object?[]? lastKeys = null;
        while (rows.Read())
        {
            if (written == plan.Limit)
            {
                more = true;
                break;
            }
            json.WriteStartObject();
            rows.WriteRow(json, names);
            json.WriteEndObject();
            written++;

            if ((written & 63) == 0)
            {
                json.Flush();
                cancellationToken.ThrowIfCancellationRequested();
            }
            var full = buffer.Length + json.BytesPending >= maxBytes;
            if (written == plan.Limit || full) lastKeys = rows.SortKeys();
            if (full && written < plan.Limit)
            {
                // Server-driven paging: bounded buffering per response, the rest on the next page.
                more = rows.Read();
                break;
            }
        }

        SkipToken? next = null;
        json.WriteEndArray();
        if (more && lastKeys is not null)
        {
            // Checkpoint: the token holds the pinned version, the rows returned so far (for $top)
            // and the last written row's sort keys; the next page starts strictly after that row.
            next = new SkipToken(version, plan.ReturnedBefore + written, lastKeys, fingerprint);
            json.WriteString(NextLinkName, nextLink(next).AbsoluteUri);
        }
        json.WriteEndObject();
        json.Flush();
        return new Written(written, next);
    }

    /// <summary>A page's rows: advance, write the current row's properties, read its sort keys.</summary>
    private interface IPageRows
    {
        bool Read();

        void WriteRow(Utf8JsonWriter json, JsonEncodedText[] names);

        object?[] SortKeys();
    }

    private readonly struct ReaderRows(DuckDBDataReader reader, WriteValue[] writers, int[] sortOrdinals) : IPageRows
    {
        public bool Read() => reader.Read();

        public void WriteRow(Utf8JsonWriter json, JsonEncodedText[] names)
        {
            for (var i = 0; i < writers.Length; i++)
            {
                json.WritePropertyName(names[i]);
                if (reader.IsDBNull(i)) json.WriteNullValue();
                else writers[i](json, reader, i);
            }
        }

        public object?[] SortKeys()
        {
            var keys = new object?[sortOrdinals.Length];
            for (var j = 0; j < keys.Length; j++) keys[j] = ColumnReaders.SortValue(reader, sortOrdinals[j]);
            return keys;
        }
    }

    private enum NativeKind : byte { Text, Boolean, Integer, Double, Date, Instant }

    private static NativeKind? NativeKindOf(EdmPrimitiveTypeKind kind, DuckDBType type) => (kind, type) switch
    {
        (EdmPrimitiveTypeKind.String, DuckDBType.Varchar) => NativeKind.Text,
        (EdmPrimitiveTypeKind.Boolean, DuckDBType.Boolean) => NativeKind.Boolean,
        (EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int64, DuckDBType.TinyInt or DuckDBType.SmallInt or DuckDBType.Integer or DuckDBType.BigInt) => NativeKind.Integer,
        (EdmPrimitiveTypeKind.Double, DuckDBType.Double or DuckDBType.Float) => NativeKind.Double,
        (EdmPrimitiveTypeKind.Date, DuckDBType.Date) => NativeKind.Date,
        (EdmPrimitiveTypeKind.DateTimeOffset, DuckDBType.TimestampTz) => NativeKind.Instant,
        _ => null,
    };

    private readonly struct NativeRows(NativeResult result, NativeKind[] kinds, int firstSortKey, int sortKeyCount) : IPageRows
    {
        public bool Read() => result.Read();

        public void WriteRow(Utf8JsonWriter json, JsonEncodedText[] names)
        {
            for (var i = 0; i < kinds.Length; i++)
            {
                json.WritePropertyName(names[i]);
                if (result.IsNull(i))
                {
                    json.WriteNullValue();
                    continue;
                }
                switch (kinds[i])
                {
                    case NativeKind.Text: json.WriteStringValue(result.Utf8(i)); break;
                    case NativeKind.Boolean: json.WriteBooleanValue(result.Boolean(i)); break;
                    case NativeKind.Integer: json.WriteNumberValue(result.Integer(i)); break;
                    case NativeKind.Double: Double(json, result.Double(i)); break;
                    case NativeKind.Date: Date(json, result.Date(i)); break;
                    default: Instant(json, result.Instant(i)); break;
                }
            }
        }

        /// <summary>The values ColumnReaders.SortValue gives for the same columns: string, int (up to INTEGER) or long.</summary>
        public object?[] SortKeys()
        {
            var keys = new object?[sortKeyCount];
            for (var j = 0; j < keys.Length; j++)
            {
                var at = firstSortKey + j;
                keys[j] = result.IsNull(at) ? null : result.Type(at) switch
                {
                    DuckDBType.Varchar => result.String(at),
                    DuckDBType.BigInt => result.Integer(at),
                    _ => (object)(int)result.Integer(at),
                };
            }
            return keys;
        }
    }

    /// <summary>The value writer for a column's Edm type, reading the CLR type DuckDB returns for it.</summary>
    private static WriteValue For(EdmPrimitiveTypeKind kind, Type clr) => kind switch
    {
        EdmPrimitiveTypeKind.String => static (j, r, i) => j.WriteStringValue(r.GetString(i)),
        EdmPrimitiveTypeKind.Boolean => static (j, r, i) => j.WriteBooleanValue(r.GetBoolean(i)),
        EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int64 => Integer(clr),
        EdmPrimitiveTypeKind.Decimal => clr == typeof(decimal)
            ? static (j, r, i) => j.WriteNumberValue(r.GetDecimal(i))
            : static (j, r, i) => j.WriteNumberValue(Convert.ToDecimal(r.GetValue(i), CultureInfo.InvariantCulture)),
        EdmPrimitiveTypeKind.Double => clr == typeof(double)
            ? static (j, r, i) => Double(j, r.GetDouble(i))
            : static (j, r, i) => Double(j, Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture)),
        EdmPrimitiveTypeKind.Date => static (j, r, i) => Date(j, r.GetFieldValue<DateOnly>(i)),
        EdmPrimitiveTypeKind.DateTimeOffset => static (j, r, i) => Instant(j, r.GetFieldValue<DateTimeOffset>(i)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No writer for this Edm type."),
    };

    private static WriteValue Integer(Type clr) =>
        clr == typeof(long) ? static (j, r, i) => j.WriteNumberValue(r.GetInt64(i))
        : clr == typeof(int) ? static (j, r, i) => j.WriteNumberValue(r.GetInt32(i))
        : clr == typeof(short) ? static (j, r, i) => j.WriteNumberValue(r.GetInt16(i))
        : static (j, r, i) => j.WriteNumberValue(Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture));

    private static void Double(Utf8JsonWriter json, double value)
    {
        if (double.IsNaN(value)) json.WriteStringValue("NaN");
        else if (double.IsPositiveInfinity(value)) json.WriteStringValue("INF");
        else if (double.IsNegativeInfinity(value)) json.WriteStringValue("-INF");
        else
        {
            Span<byte> text = stackalloc byte[40];
            value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
            // Microsoft.OData marks a whole double as a double: 3 is written 3.0.
            if (text[..length].IndexOfAny(".Ee"u8) < 0)
            {
                ".0"u8.CopyTo(text[length..]);
                length += 2;
            }
            json.WriteRawValue(text[..length], skipInputValidation: true);
        }
    }

    private static void Date(Utf8JsonWriter json, DateOnly value)
    {
        Span<byte> text = stackalloc byte[16];
        value.TryFormat(text, out var length, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        json.WriteStringValue(text[..length]);
    }

    private static void Instant(Utf8JsonWriter json, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[40];
        value.UtcDateTime.TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        json.WriteStringValue(text[..length]);
    }
}
