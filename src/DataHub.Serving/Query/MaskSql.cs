using DataHub.Core.Schema;
using DataHub.Serving.Access;

namespace DataHub.Serving.Query;

/// <summary>
/// The projection of a column with its mask applied inside DuckDB, so an unmasked value never leaves
/// the engine. Rules (length in characters):
/// <list type="bullet">
/// <item><c>id_number</c>: first 6 + '*' for the middle + last 4 (<c>320113********0015</c>); 10 characters or fewer: all '*'.</item>
/// <item><c>phone</c>: first 3 + '*' for the middle + last 4 (<c>138****8000</c>); 7 characters or fewer: all '*'.</item>
/// <item><c>name</c>: first character + one '*' per further character, at least one (<c>张*</c>, <c>欧阳**</c>).</item>
/// <item><c>address</c>: first 9 characters + '…' (district and street of a standard address); a value of
/// 9 characters or fewer cannot be generalised safely and becomes '…'.</item>
/// <item><c>year</c>: the date (or instant) cut to 1 January of its year; the type stays the same.</item>
/// <item><c>hash</c>: <c>md5(secret || value)</c> as 32 hex characters: joins still work, guesses cannot be checked without the secret.</item>
/// <item><c>suppress</c>: NULL.</item>
/// </list>
/// A NULL stays NULL under every mask.
/// </summary>
internal static class MaskSql
{
    public static string Project(ViewColumn column, SqlStatement statement, string secret)
    {
        var c = SqlStatement.Identifier(column.Column);
        return column.Mask switch
        {
            MaskKind.None => c,
            MaskKind.IdNumber => $"CASE WHEN length({c}) <= 10 THEN repeat('*', length({c})) ELSE left({c}, 6) || repeat('*', length({c}) - 10) || right({c}, 4) END",
            MaskKind.Phone => $"CASE WHEN length({c}) <= 7 THEN repeat('*', length({c})) ELSE left({c}, 3) || repeat('*', length({c}) - 7) || right({c}, 4) END",
            MaskKind.Name => $"left({c}, 1) || repeat('*', greatest(length({c}) - 1, 1))",
            MaskKind.Address => $"CASE WHEN length({c}) <= 9 THEN '…' ELSE left({c}, 9) || '…' END",
            MaskKind.Year when column.Field.Type == FieldType.Date => $"CAST(date_trunc('year', {c}) AS DATE)",
            MaskKind.Year => $"date_trunc('year', {c})",
            MaskKind.Hash => $"md5({statement.Param(secret)} || CAST({c} AS VARCHAR))",
            MaskKind.Suppress => $"CAST(NULL AS {DuckTypes.Of(column.Field)})",
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Mask, "Unknown mask."),
        };
    }
}
