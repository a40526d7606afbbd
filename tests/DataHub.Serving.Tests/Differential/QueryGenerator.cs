using System.Globalization;

namespace DataHub.Serving.Tests.Differential;

/// <summary>One queryable property: its name, CLR type (nullable stripped), whether it holds nulls, and values seen in the data (literal pool).</summary>
public sealed record PropertySpec(string Name, Type Type, bool Nullable, IReadOnlyList<object> Values);

/// <summary>
/// Generates query strings the way Power Query and Power BI combine options: <c>$filter</c> trees
/// over every type (comparisons with literals, other columns and null; <c>in</c>; string, date and
/// math functions; arithmetic; and/or/not), <c>$orderby</c>, <c>$select</c>, <c>$top</c>/<c>$skip</c>
/// (only with an order, as OData leaves the default order to the server), <c>$count</c> and
/// <c>$apply</c>. Deterministic for a seed, so a failing case is reproduced by its seed and index.
/// <para>
/// It leaves out the documented, deliberate differences from Microsoft's LINQ translation (all about
/// null, see src/DataHub.Serving/README.md): functions, arithmetic and <c>not</c> only over non-null
/// columns; <c>ne</c> and column-to-column comparisons on nullable value types; ordering comparisons
/// on nullable strings or with a null literal. The null semantics themselves are tested in FilterTests.
/// </para>
/// </summary>
public sealed class QueryGenerator(Random random, IReadOnlyList<PropertySpec> properties, string key)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Fragments = ["张", "欧阳", "社区", "仙林", "伟", "", "a", "'", "栋", "39", "H3201"];

    public string Next()
    {
        var options = new List<string>();
        if (random.Next(6) == 0) return Apply();
        if (random.Next(5) != 0) options.Add("$filter=" + Escape(Bool(random.Next(3))));
        var ordered = random.Next(2) == 0;
        if (ordered) options.Add("$orderby=" + Escape(OrderBy()));
        if (random.Next(3) == 0) options.Add("$select=" + Escape(Select()));
        if (ordered && random.Next(2) == 0) options.Add("$top=" + random.Next(0, 60).ToString(Inv));
        if (ordered && random.Next(3) == 0) options.Add("$skip=" + random.Next(0, 120).ToString(Inv));
        if (random.Next(3) == 0) options.Add("$count=true");
        return string.Join("&", options);
    }

    public static string Escape(string value) => Uri.EscapeDataString(value);

    private string Apply()
    {
        var prefix = random.Next(3) == 0 ? $"filter({Bool(1)})/" : "";
        var aggregates = Enumerable.Range(0, random.Next(1, 4)).Select(i => Aggregate("a" + i.ToString(Inv))).ToList();
        var groupable = properties.Where(p => p.Type != typeof(double) && p.Type != typeof(decimal)).ToList();
        string body;
        switch (random.Next(3))
        {
            case 0:
                body = $"aggregate({string.Join(",", aggregates)})";
                break;
            case 1:
                body = $"groupby(({string.Join(",", Pick(groupable, random.Next(1, 3)).Select(p => p.Name))}))";
                break;
            default:
                body = $"groupby(({string.Join(",", Pick(groupable, random.Next(1, 3)).Select(p => p.Name))}),aggregate({string.Join(",", aggregates)}))";
                break;
        }
        var options = new List<string> { "$apply=" + Escape(prefix + body) };
        if (random.Next(3) == 0) options.Add("$count=true");
        return string.Join("&", options);
    }

    private string Aggregate(string alias)
    {
        var numeric = properties.Where(p => IsNumeric(p.Type)).ToList();
        return random.Next(6) switch
        {
            0 => $"$count as {alias}",
            1 when numeric.Count > 0 => $"{Pick(numeric).Name} with sum as {alias}",
            2 when numeric.Count > 0 => $"{Pick(numeric).Name} with average as {alias}",
            3 => $"{Pick(properties.Where(p => p.Type != typeof(bool)).ToList()).Name} with min as {alias}",
            4 => $"{Pick(properties.Where(p => p.Type != typeof(bool)).ToList()).Name} with max as {alias}",
            _ => $"{Pick(properties).Name} with countdistinct as {alias}",
        };
    }

    private string OrderBy() => string.Join(",", Pick(properties, random.Next(1, 3)).Select(p => p.Name + (random.Next(2) == 0 ? " desc" : "")));

    private string Select()
    {
        var chosen = Pick(properties, random.Next(1, 4)).Select(p => p.Name).ToList();
        if (!chosen.Contains(key)) chosen.Add(key);
        return string.Join(",", chosen);
    }

    private string Bool(int depth)
    {
        switch (random.Next(depth <= 0 ? 7 : 10))
        {
            case 0 or 1: return Compare();
            case 2: return NullCompare();
            case 3: return In();
            case 4: return StringFunction() ?? Compare();
            case 5: return DateFunction() ?? Compare();
            case 6: return ArithmeticCompare() ?? Compare();
            case 7: return $"({Bool(depth - 1)}) and ({Bool(depth - 1)})";
            case 8: return $"({Bool(depth - 1)}) or ({Bool(depth - 1)})";
            default:
                var outer = negated;
                negated = true;
                var inner = Bool(depth - 1);
                negated = outer;
                return $"not ({inner})";
        }
    }

    private bool negated;

    /// <summary>Properties usable here: under <c>not</c> only non-null ones.</summary>
    private List<PropertySpec> Usable => properties.Where(p => !negated || !p.Nullable).ToList();

    private List<PropertySpec> NonNull => properties.Where(p => !p.Nullable).ToList();

    private string Compare()
    {
        var p = Pick(Usable);
        string[] ops = (p.Nullable, p.Type == typeof(string), p.Type == typeof(bool)) switch
        {
            (false, _, true) => ["eq", "ne"],
            (false, _, false) => ["eq", "ne", "gt", "ge", "lt", "le"],
            (true, true, _) => ["eq", "ne"],
            (true, false, true) => ["eq"],
            (true, false, false) => ["eq", "gt", "ge", "lt", "le"],
        };
        var op = Pick(ops);
        var peers = properties.Where(q => q.Type == p.Type && q != p && (!p.Nullable && !q.Nullable || p.Type == typeof(string) && op is "eq" or "ne")).ToList();
        var right = random.Next(10) switch
        {
            0 when op is "eq" or "ne" => "null",
            1 when peers.Count > 0 => Pick(peers).Name,
            _ => Literal(p),
        };
        return random.Next(4) == 0 ? $"{right} {op} {p.Name}" : $"{p.Name} {op} {right}";
    }

    private string NullCompare() => $"{Pick(properties).Name} {Pick(["eq", "ne"])} null";

    private string In()
    {
        var p = Pick(Usable);
        var values = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Literal(p)).ToList();
        if (random.Next(4) == 0) values.Add("null");
        return $"{p.Name} in ({string.Join(",", values)})";
    }

    private string? StringFunction()
    {
        var strings = NonNull.Where(p => p.Type == typeof(string)).ToList();
        if (strings.Count == 0) return null;
        var p = Pick(strings);
        var fragment = StringFragment(p);
        var n = random.Next(0, 8).ToString(Inv);
        return random.Next(11) switch
        {
            0 => $"contains({p.Name},{Quote(fragment)})",
            1 => $"startswith({p.Name},{Quote(fragment)})",
            2 => $"endswith({p.Name},{Quote(fragment)})",
            3 => $"length({p.Name}) {Pick(["eq", "gt", "le"])} {random.Next(0, 12).ToString(Inv)}",
            4 => $"indexof({p.Name},{Quote(fragment)}) {Pick(["eq", "ge", "lt"])} {random.Next(-1, 6).ToString(Inv)}",
            5 => $"substring({p.Name},{n}) eq {Quote(SubstringOf(p, int.Parse(n, Inv), null))}",
            6 => $"substring({p.Name},{n},2) eq {Quote(SubstringOf(p, int.Parse(n, Inv), 2))}",
            7 => $"tolower({p.Name}) eq {Quote(StringValue(p).ToLowerInvariant())}",
            8 => $"toupper({p.Name}) ne {Quote(StringValue(p).ToUpperInvariant())}",
            9 => $"trim({p.Name}) eq {Quote(StringValue(p))}",
            _ => $"concat({p.Name},{Quote(fragment)}) eq {Quote(StringValue(p) + fragment)}",
        };
    }

    private string? DateFunction()
    {
        var dates = NonNull.Where(p => p.Type == typeof(DateOnly) || p.Type == typeof(DateTimeOffset)).ToList();
        if (dates.Count == 0) return null;
        var p = Pick(dates);
        var op = Pick(["eq", "ne", "gt", "le"]);
        if (p.Type == typeof(DateTimeOffset) && random.Next(2) == 0)
        {
            return random.Next(4) switch
            {
                0 => $"hour({p.Name}) {op} {random.Next(0, 24).ToString(Inv)}",
                1 => $"minute({p.Name}) {op} {random.Next(0, 60).ToString(Inv)}",
                2 => $"second({p.Name}) {op} {random.Next(0, 60).ToString(Inv)}",
                _ => $"date({p.Name}) {op} {DateOnly.FromDateTime(((DateTimeOffset)Pick(p.Values)).UtcDateTime).ToString("yyyy-MM-dd", Inv)}",
            };
        }
        return random.Next(3) switch
        {
            0 => $"year({p.Name}) {op} {random.Next(1965, 2026).ToString(Inv)}",
            1 => $"month({p.Name}) {op} {random.Next(1, 13).ToString(Inv)}",
            _ => $"day({p.Name}) {op} {random.Next(1, 32).ToString(Inv)}",
        };
    }

    private string? ArithmeticCompare()
    {
        var numbers = NonNull.Where(p => IsNumeric(p.Type)).ToList();
        if (numbers.Count == 0) return null;
        var p = Pick(numbers);
        var operand = random.Next(1, 10).ToString(Inv);
        var op = Pick(["add", "sub", "mul", "div", "mod"]);
        var expression = random.Next(5) == 0 && p.Type != typeof(double)
            ? $"{Pick(["round", "floor", "ceiling"])}({p.Name})"
            : $"{p.Name} {op} {operand}";
        if (random.Next(5) == 0 && p.Type == typeof(double)) expression = $"{Pick(["round", "floor", "ceiling"])}({p.Name})";
        if (random.Next(6) == 0) expression = $"-{p.Name}";
        return $"{expression} {Pick(["eq", "ne", "gt", "ge", "lt", "le"])} {Literal(p)}";
    }

    private string Literal(PropertySpec p)
    {
        var value = random.Next(4) == 0 ? Boundary(p.Type) : Pick(p.Values);
        return value switch
        {
            string s => Quote(random.Next(5) == 0 ? Pick(Fragments) : s),
            bool b => b ? "true" : "false",
            int i => i.ToString(Inv),
            long l => l.ToString(Inv),
            decimal m => m.ToString(Inv),
            double d => d.ToString("0.0##########", Inv),
            DateOnly d => d.ToString("yyyy-MM-dd", Inv),
            DateTimeOffset t => random.Next(2) == 0
                ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", Inv) + "Z"
                : t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:sszzz", Inv),
            _ => throw new InvalidOperationException($"No literal for {value.GetType()}"),
        };
    }

    private object Boundary(Type type)
    {
        object[] values = type switch
        {
            _ when type == typeof(int) => [0, -1, 1, 7, 1_000_000, int.MaxValue, int.MinValue],
            _ when type == typeof(long) => [0L, 12L, 1_000_000_000L, 9_000_000_000_000L, long.MaxValue, long.MinValue],
            _ when type == typeof(decimal) => [0m, 20.00m, 100.5m, 219.99m, 99999999.99m, -0.01m],
            _ when type == typeof(double) => [0d, 1000.5, 7999.999, -1d, 1e15],
            _ when type == typeof(bool) => [true, false],
            _ when type == typeof(DateOnly) => [new DateOnly(1970, 1, 1), new DateOnly(2000, 2, 29), new DateOnly(1, 1, 1), new DateOnly(9999, 12, 31)],
            _ when type == typeof(DateTimeOffset) => [new DateTimeOffset(2024, 5, 20, 0, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero)],
            _ => Fragments,
        };
        return Pick(values);
    }

    private string StringValue(PropertySpec p) => p.Values.Count == 0 ? Pick(Fragments) : (string)Pick(p.Values);

    private string StringFragment(PropertySpec p)
    {
        if (random.Next(3) == 0 || p.Values.Count == 0) return Pick(Fragments);
        var s = StringValue(p);
        if (s.Length == 0) return s;
        var start = random.Next(s.Length);
        return s.Substring(start, random.Next(1, Math.Min(4, s.Length - start) + 1));
    }

    private string SubstringOf(PropertySpec p, int start, int? length)
    {
        var s = StringValue(p);
        if (start >= s.Length) return "";
        return length is { } l ? s.Substring(start, Math.Min(l, s.Length - start)) : s[start..];
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static bool IsNumeric(Type t) => t == typeof(int) || t == typeof(long) || t == typeof(decimal) || t == typeof(double);

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private List<T> Pick<T>(IReadOnlyList<T> items, int count) => items.OrderBy(_ => random.Next()).Take(count).ToList();
}
