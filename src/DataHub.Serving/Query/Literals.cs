using Microsoft.OData;

namespace DataHub.Serving.Query;

/// <summary>Turns literal values from the OData AST into values DuckDB.NET binds as parameters.</summary>
internal static class Literals
{
    public static object ToParameter(object value) => value switch
    {
        string or bool or int or long or decimal or double or DateOnly or DateTimeOffset => value,
        short s => (int)s,
        byte b => (int)b,
        sbyte sb => (int)sb,
        float f => (double)f,
#pragma warning disable CS0618 // ODL 8 still parses Date and TimeOfDay literals into its obsolete types.
        Microsoft.OData.Edm.Date d => new DateOnly(d.Year, d.Month, d.Day),
        Microsoft.OData.Edm.TimeOfDay => throw Unsupported("时刻（TimeOfDay）"),
#pragma warning restore CS0618
        ODataEnumValue => throw Unsupported("枚举"),
        TimeSpan => throw Unsupported("时间间隔（Duration）"),
        Guid => throw Unsupported("Guid"),
        _ => throw Unsupported(value.GetType().Name),
    };

    private static FeedError Unsupported(string what) =>
        FeedError.BadRequest("LITERAL_UNSUPPORTED", $"不支持{what}类型的常量，请改用字符串、数字、布尔、日期或带时区的日期时间常量。", "$filter");
}
