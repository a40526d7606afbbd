using System.Runtime.CompilerServices;
using DataHub.Serving.Access;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace DataHub.Serving.Query;

/// <summary>
/// Translates the OData query AST ($filter and $orderby expressions) into DuckDB SQL over the raw
/// columns, binding every literal as a parameter of <paramref name="statement"/>.
/// <para>
/// Null semantics follow OData: <c>eq</c>/<c>ne</c> treat null as a value (null eq null is true),
/// <c>gt</c>/<c>ge</c>/<c>lt</c>/<c>le</c> are false when an operand is null, arithmetic and functions
/// propagate null, and/or/not are three-valued. In predicate position (the WHERE clause itself, or an
/// operand of and/or there) SQL's NULL already means "row excluded", so plain comparisons are used,
/// which DuckDB can push into the Parquet scan; under <c>not</c> or as values the exact two-valued
/// forms are used (<c>IS [NOT] DISTINCT FROM</c>, <c>COALESCE(.., FALSE)</c>).
/// </para>
/// A column masked for the principal may not appear anywhere: filtering or sorting on it would
/// reveal it one comparison at a time.
/// </summary>
/// <param name="apply">Inside <c>$apply</c> after a <c>groupby</c>/<c>aggregate</c>: the columns and aliases that still exist (null: the dataset's rows).</param>
internal sealed class ExpressionTranslator(DatasetView view, SqlStatement statement, ApplyScope? apply = null)
{
    /// <summary>SQL for a boolean expression used as (part of) a WHERE condition.</summary>
    public string Predicate(SingleValueNode node)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return Unwrap(node) switch
        {
            BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And or BinaryOperatorKind.Or } b => Junction(b, predicate: true),
            BinaryOperatorNode b when IsComparison(b.OperatorKind) => Compare(b, predicate: true),
            InNode i => In(i, predicate: true),
            _ => Value(node),
        };
    }

    /// <summary>
    /// The conjuncts of a filter's top-level <c>and</c> chain that cannot fail on any row: a plain
    /// column compared with (or <c>in</c>) literals of the column's own type, or with null. Evaluating
    /// them outside the scope guard can neither fail nor reveal anything, and there DuckDB pushes them
    /// into the Parquet scan: row groups are skipped by their statistics (a street's rows in the
    /// community-sorted lake) and the other columns are read only for the rows that pass.
    /// </summary>
    public IReadOnlyList<string> Infallible(SingleValueNode filter)
    {
        var found = new List<string>();
        var pending = new Stack<SingleValueNode>();
        pending.Push(filter);
        while (pending.Count > 0)
        {
            var node = Unwrap(pending.Pop());
            if (node is BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } and)
            {
                pending.Push(and.Right);
                pending.Push(and.Left);
            }
            else if (IsInfallible(node))
            {
                found.Add(Predicate(node));
            }
        }
        return found;
    }

    private static bool IsInfallible(SingleValueNode node) => node switch
    {
        BinaryOperatorNode b when IsComparison(b.OperatorKind) =>
            (ColumnKind(b.Left) is { } left && LiteralFits(b.Right, left)) || (ColumnKind(b.Right) is { } right && LiteralFits(b.Left, right)),
        InNode { Right: CollectionConstantNode list } i => ColumnKind(i.Left) is { } kind && list.Collection.All(c => c.Value is null || LiteralKind(c) == kind),
        _ => false,
    };

    /// <summary>
    /// The Edm kind of a bare column of the rows (no conversion, no function), else null. Decimals and
    /// doubles are left out: a decimal literal binds with its own scale, and DuckDB compares in the
    /// wider of the two decimal types, whose cast of a large column value could overflow.
    /// </summary>
    private static EdmPrimitiveTypeKind? ColumnKind(SingleValueNode node) =>
        node is SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode } p
        && p.TypeReference?.PrimitiveKind() is EdmPrimitiveTypeKind.String or EdmPrimitiveTypeKind.Boolean or EdmPrimitiveTypeKind.Int32
            or EdmPrimitiveTypeKind.Int64 or EdmPrimitiveTypeKind.Date or EdmPrimitiveTypeKind.DateTimeOffset
            ? p.TypeReference.PrimitiveKind()
            : null;

    /// <summary>A null literal, or a literal whose own type is <paramref name="kind"/> (bound as a parameter of that type).</summary>
    private static bool LiteralFits(SingleValueNode node, EdmPrimitiveTypeKind kind) =>
        IsNullConstant(node) || (node is ConstantNode { Value: not null } c && LiteralKind(c) == kind);

    private static EdmPrimitiveTypeKind? LiteralKind(ConstantNode node) => node.TypeReference?.PrimitiveKind();

    /// <summary>SQL for an expression whose exact value matters (operands, functions, sort keys).</summary>
    public string Value(SingleValueNode node)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case ConstantNode c:
                return Constant(c);
            case ConvertNode c:
                return Convert(c);
            case SingleValuePropertyAccessNode p:
                return Column(p);
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And or BinaryOperatorKind.Or } b:
                return Junction(b, predicate: false);
            case BinaryOperatorNode b when IsComparison(b.OperatorKind):
                return Compare(b, predicate: false);
            case BinaryOperatorNode b:
                return Arithmetic(b);
            case UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } u:
                return $"(NOT {Value(u.Operand)})";
            case UnaryOperatorNode u:
                return $"(- {Value(u.Operand)})";
            case InNode i:
                return In(i, predicate: false);
            case SingleValueFunctionCallNode f:
                return FunctionTranslator.Translate(f, Value);
            case SingleValueOpenPropertyAccessNode open when apply?.Alias(open.Name) is { } alias:
                return SqlStatement.Identifier(alias.Column);
            case SingleValueOpenPropertyAccessNode open:
                throw FeedError.BadRequest("QUERY_INVALID", $"没有名为“{open.Name}”的字段。", "$filter");
            default:
                throw FeedError.BadRequest("EXPRESSION_UNSUPPORTED", $"不支持此类查询表达式（{node.Kind}），请改用比较、and/or/not、in 和支持的函数。");
        }
    }

    private static SingleValueNode Unwrap(SingleValueNode node) =>
        node is ConvertNode { TypeReference: { } t } c && t.IsBoolean() ? Unwrap(c.Source) : node;

    // and/or chains are left-deep in the AST (a or b or c ...); flattening them iteratively keeps
    // long Power Query filters (hundreds of alternatives) off the call stack and out of DuckDB's
    // expression-depth limit.
    private string Junction(BinaryOperatorNode node, bool predicate)
    {
        var kind = node.OperatorKind;
        var parts = new List<string>();
        var pending = new Stack<SingleValueNode>();
        pending.Push(node);
        while (pending.Count > 0)
        {
            var next = Unwrap(pending.Pop());
            if (next is BinaryOperatorNode b && b.OperatorKind == kind)
            {
                pending.Push(b.Right);
                pending.Push(b.Left);
                continue;
            }
            parts.Add(predicate ? Predicate(next) : Value(next));
        }
        return "(" + string.Join(kind == BinaryOperatorKind.And ? " AND " : " OR ", parts) + ")";
    }

    private string Compare(BinaryOperatorNode node, bool predicate)
    {
        var leftNull = IsNullConstant(node.Left);
        var rightNull = IsNullConstant(node.Right);
        if (node.OperatorKind is BinaryOperatorKind.Equal or BinaryOperatorKind.NotEqual)
        {
            var isNull = node.OperatorKind == BinaryOperatorKind.Equal ? "IS NULL" : "IS NOT NULL";
            if (leftNull && rightNull) return node.OperatorKind == BinaryOperatorKind.Equal ? "TRUE" : "FALSE";
            if (rightNull) return $"({Value(node.Left)} {isNull})";
            if (leftNull) return $"({Value(node.Right)} {isNull})";
        }
        else if (leftNull || rightNull)
        {
            return "FALSE";
        }

        var left = Value(node.Left);
        var right = Value(node.Right);
        var comparedToLiteral = IsConstant(node.Left) || IsConstant(node.Right);
        return node.OperatorKind switch
        {
            // With a non-null literal on one side, '=' is NULL only when the column is null, and NULL
            // excludes the row exactly as OData's false does.
            BinaryOperatorKind.Equal when predicate && comparedToLiteral => $"({left} = {right})",
            BinaryOperatorKind.Equal => $"({left} IS NOT DISTINCT FROM {right})",
            BinaryOperatorKind.NotEqual => $"({left} IS DISTINCT FROM {right})",
            _ when predicate => $"({left} {Operator(node.OperatorKind)} {right})",
            _ => $"COALESCE({left} {Operator(node.OperatorKind)} {right}, FALSE)",
        };
    }

    private string Arithmetic(BinaryOperatorNode node)
    {
        if (node.TypeReference is { } t && t.IsDuration() || IsDuration(node.Left) || IsDuration(node.Right))
        {
            throw FeedError.BadRequest("EXPRESSION_UNSUPPORTED", "不支持日期时间间隔（Duration）运算，请直接与日期或时间常量比较。", "$filter");
        }
        var left = Value(node.Left);
        var right = Value(node.Right);
        return node.OperatorKind switch
        {
            BinaryOperatorKind.Add => $"({left} + {right})",
            BinaryOperatorKind.Subtract => $"({left} - {right})",
            BinaryOperatorKind.Multiply => $"({left} * {right})",
            // OData's div on two integers truncates toward zero, as DuckDB's // does; '/' would give a double.
            BinaryOperatorKind.Divide when IsIntegral(node.Left) && IsIntegral(node.Right) => $"({left} // {right})",
            BinaryOperatorKind.Divide => $"({left} / {right})",
            BinaryOperatorKind.Modulo => $"({left} % {right})",
            // The schemas declare no enumeration (flags) types: has has nothing to apply to.
            BinaryOperatorKind.Has => throw FeedError.BadRequest("EXPRESSION_UNSUPPORTED", "has 运算符只适用于枚举（标志）类型，本数据集没有这类字段；请用 eq 或 in 比较。", "$filter"),
            var other => throw FeedError.BadRequest("EXPRESSION_UNSUPPORTED", $"不支持运算符 {other}。", "$filter"),
        };
    }

    private string In(InNode node, bool predicate)
    {
        if (node.Right is not CollectionConstantNode list)
        {
            throw FeedError.BadRequest("EXPRESSION_UNSUPPORTED", "in 运算符右侧只能是常量列表，如 ('a','b')。", "$filter");
        }
        var left = Value(node.Left);
        var values = list.Collection.Where(c => c.Value is not null).Select(Constant).ToArray();
        var hasNull = list.Collection.Any(c => c.Value is null);
        var test = (values.Length, hasNull) switch
        {
            (0, false) => "FALSE",
            (0, true) => $"({left} IS NULL)",
            (_, false) => $"({left} IN ({string.Join(", ", values)}))",
            (_, true) => $"({left} IN ({string.Join(", ", values)}) OR {left} IS NULL)",
        };
        return predicate ? test : $"COALESCE({test}, FALSE)";
    }

    private string Column(SingleValuePropertyAccessNode node)
    {
        if (node.Source is not ResourceRangeVariableReferenceNode)
        {
            throw FeedError.BadRequest("EXPRESSION_UNSUPPORTED", "不支持访问嵌套属性。", "$filter");
        }
        var column = view.FindProperty(node.Property.Name)
            ?? throw FeedError.BadRequest("QUERY_INVALID", $"没有名为“{node.Property.Name}”的字段。", "$filter");
        if (column.IsMasked)
        {
            throw apply is null
                ? FeedError.BadRequest("COLUMN_MASKED", $"字段“{column.Property}”已脱敏，不能用于筛选或排序。")
                : FeedError.BadRequest("COLUMN_MASKED", $"字段“{column.Property}”已脱敏，不能用于筛选、排序、分组或汇总。", "$apply");
        }
        if (apply is not null && !apply.HasColumn(column.Column))
        {
            throw FeedError.BadRequest("QUERY_INVALID", $"字段“{column.Property}”在 $apply 分组之后已不存在：只能使用分组字段和汇总结果的别名。", "$apply");
        }
        return SqlStatement.Identifier(column.Column);
    }

    private string Convert(ConvertNode node)
    {
        var target = node.TypeReference?.PrimitiveKind() ?? EdmPrimitiveTypeKind.None;
        if (node.Source is ConstantNode { Value: null })
        {
            return DuckTypes.Of(target) is { } nullType ? $"CAST(NULL AS {nullType})" : "NULL";
        }
        // A literal keeps its own parameter type; DuckDB's implicit casts compare it correctly.
        if (node.Source is ConstantNode constant) return Constant(constant);

        var inner = Value(node.Source);
        var source = node.Source.TypeReference?.PrimitiveKind() ?? EdmPrimitiveTypeKind.None;
        if (source == target || target is EdmPrimitiveTypeKind.Boolean or EdmPrimitiveTypeKind.None) return inner;
        return DuckTypes.Of(target) is { } type ? $"CAST({inner} AS {type})" : inner;
    }

    private string Constant(ConstantNode node) =>
        node.Value is null
            ? (node.TypeReference?.PrimitiveKind() is { } kind && DuckTypes.Of(kind) is { } type ? $"CAST(NULL AS {type})" : "NULL")
            : statement.Param(Literals.ToParameter(node.Value));

    private static bool IsNullConstant(SingleValueNode node) => node switch
    {
        ConstantNode { Value: null } => true,
        ConvertNode c => IsNullConstant(c.Source),
        _ => false,
    };

    private static bool IsConstant(SingleValueNode node) => node switch
    {
        ConstantNode { Value: not null } => true,
        ConvertNode c => IsConstant(c.Source),
        _ => false,
    };

    private static bool IsIntegral(SingleValueNode node) =>
        node.TypeReference?.PrimitiveKind() is { } kind && DuckTypes.IsIntegral(kind);

    private static bool IsDuration(SingleValueNode node) => node.TypeReference is { } t && t.IsDuration();

    private static bool IsComparison(BinaryOperatorKind kind) => kind is BinaryOperatorKind.Equal or BinaryOperatorKind.NotEqual
        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
        or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual;

    private static string Operator(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.GreaterThan => ">",
        BinaryOperatorKind.GreaterThanOrEqual => ">=",
        BinaryOperatorKind.LessThan => "<",
        BinaryOperatorKind.LessThanOrEqual => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an ordering comparison."),
    };
}
