using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Sql;

/// <summary>
/// A cursor value as it travels in the connector state: its CLR kind and an invariant text that
/// turns back into the same value, so the next run binds it as a parameter of the column's type
/// (a PostgreSQL timestamp stays a timestamp, an SQLite text stays text).
/// </summary>
internal sealed record SqlCursorValue(string Kind, string Value)
{
    public static SqlCursorValue? From(object? value) => value switch
    {
        null or DBNull => null,
        DateTime d => new("datetime", d.ToString("o", CultureInfo.InvariantCulture)),
        DateTimeOffset d => new("datetimeoffset", d.ToString("o", CultureInfo.InvariantCulture)),
        DateOnly d => new("date", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        long or int or short or byte => new("int64", Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)),
        decimal m => new("decimal", m.ToString(CultureInfo.InvariantCulture)),
        double or float => new("double", Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
        string s => new("string", s),
        _ => throw new ConnectorException(ConnectorFailure.Config, "SQL_CURSOR_TYPE",
            $"增量游标列的类型（{value.GetType().Name}）不能用作游标", fix: "游标列应为时间、日期、整数或文本（如 更新时间、自增编号）"),
    };

    public object ToValue() => Kind switch
    {
        "datetime" => DateTime.Parse(Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        "datetimeoffset" => DateTimeOffset.Parse(Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        "date" => DateOnly.ParseExact(Value, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        "int64" => long.Parse(Value, CultureInfo.InvariantCulture),
        "decimal" => decimal.Parse(Value, CultureInfo.InvariantCulture),
        "double" => double.Parse(Value, CultureInfo.InvariantCulture),
        _ => Value,
    };

    /// <summary>The larger of two cursor values of the same column (null counts as smallest).</summary>
    public static object? Max(object? current, object? candidate)
    {
        if (candidate is null or DBNull) return current;
        if (current is null) return candidate;
        return current is IComparable c && current.GetType() == candidate.GetType() && c.CompareTo(candidate) < 0 ? candidate : current;
    }
}

/// <summary>What an incremental database source commits with a version: the highest cursor of the rows and of the tombstones read.</summary>
internal sealed record SqlState(
    [property: JsonPropertyName("cursor")] SqlCursorValue? Cursor,
    [property: JsonPropertyName("tombstone_cursor")] SqlCursorValue? TombstoneCursor,
    [property: JsonPropertyName("rows")] long Rows)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ConnectorState ToState() => new(JsonSerializer.Serialize(this, Json));

    /// <summary>The previous state, or null when there is none or it is not a database state (then the read is a full one).</summary>
    public static SqlState? From(ConnectorState? state)
    {
        if (state is null) return null;
        try
        {
            return JsonSerializer.Deserialize<SqlState>(state.Json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
