using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace DataHub.Serving.Query;

/// <summary>
/// One SQL statement under construction with its parameters. Every value that comes from a request
/// (literals, skiptoken values, scope bounds) goes through <see cref="Param"/>; SQL text holds only
/// identifiers and keywords we produced ourselves.
/// </summary>
internal sealed class SqlStatement
{
    private readonly StringBuilder text = new();
    private readonly List<DuckDBParameter> parameters = [];

    public string Text => text.ToString();

    public IReadOnlyList<DuckDBParameter> Parameters => parameters;

    public SqlStatement Append(string sql)
    {
        text.Append(sql);
        return this;
    }

    /// <summary>Binds <paramref name="value"/> and returns its placeholder (<c>$p0</c>, <c>$p1</c>, ...).</summary>
    public string Param(object value)
    {
        var name = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters.Add(new DuckDBParameter(name, value));
        return "$" + name;
    }

    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A string literal for server-side values only (file paths from the catalog), never request values.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
