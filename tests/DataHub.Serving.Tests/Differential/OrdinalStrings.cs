using System.Linq.Expressions;
using System.Reflection;

namespace DataHub.Serving.Tests.Differential;

/// <summary>
/// Rewrites a LINQ-to-objects query so strings sort and compare by code point, as DuckDB does:
/// <c>OrderBy</c>/<c>ThenBy</c> on a string key get <see cref="StringComparer.Ordinal"/>, and
/// <see cref="string.Compare(string, string)"/> becomes <see cref="string.CompareOrdinal(string, string)"/>,
/// and min/max of strings compare ordinally.
/// OData leaves collation to the service; DataHub's is code-point order (documented), while
/// LINQ-to-objects defaults to the current culture's. Everything else is left as Microsoft built it.
/// </summary>
internal sealed class OrdinalStrings : ExpressionVisitor
{
    private static readonly MethodInfo CultureCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo OrdinalCompare = typeof(string).GetMethod(nameof(string.CompareOrdinal), [typeof(string), typeof(string)])!;

    public static IQueryable Apply(IQueryable query) => query.Provider.CreateQuery(new OrdinalStrings().Visit(query.Expression));

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var visited = (MethodCallExpression)base.VisitMethodCall(node);
        if (visited.Method == CultureCompare) return Expression.Call(OrdinalCompare, visited.Arguments);
        if (visited.Method.DeclaringType == typeof(Queryable) && visited.Arguments.Count == 2
            && visited.Method.Name is nameof(Queryable.OrderBy) or nameof(Queryable.OrderByDescending) or nameof(Queryable.ThenBy) or nameof(Queryable.ThenByDescending)
            && visited.Method.GetGenericArguments() is [var source, var key] && key == typeof(string))
        {
            var withComparer = typeof(Queryable).GetMethods()
                .Single(m => m.Name == visited.Method.Name && m.GetParameters().Length == 3)
                .MakeGenericMethod(source, key);
            return Expression.Call(withComparer, visited.Arguments[0], visited.Arguments[1], Expression.Constant(StringComparer.Ordinal, typeof(IComparer<string>)));
        }
        // $apply's min/max of a string column: Enumerable.Min/Max(source, selector) compares with the culture.
        if (visited.Method.DeclaringType == typeof(Enumerable) && visited.Arguments.Count == 2
            && visited.Method.Name is nameof(Enumerable.Min) or nameof(Enumerable.Max)
            && visited.Method.GetGenericArguments() is [var element, var result] && result == typeof(string))
        {
            var select = typeof(Enumerable).GetMethods()
                .Single(m => m.Name == nameof(Enumerable.Select) && m.GetParameters()[1].ParameterType.GetGenericArguments().Length == 2)
                .MakeGenericMethod(element, typeof(string));
            var withComparer = typeof(Enumerable).GetMethods()
                .Single(m => m.Name == visited.Method.Name && m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 1
                    && m.GetParameters() is [_, { ParameterType.IsGenericType: true } p] && p.ParameterType.GetGenericTypeDefinition() == typeof(IComparer<>))
                .MakeGenericMethod(typeof(string));
            return Expression.Call(withComparer, Expression.Call(select, visited.Arguments[0], visited.Arguments[1]),
                Expression.Constant(StringComparer.Ordinal, typeof(IComparer<string>)));
        }
        return visited;
    }
}
