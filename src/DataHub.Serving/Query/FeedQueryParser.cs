using DataHub.Serving.Access;
using DataHub.Serving.Feed;
using DataHub.Serving.Model;
using Microsoft.OData;
using Microsoft.OData.UriParser;

namespace DataHub.Serving.Query;

/// <summary>
/// Parses the query options with Microsoft.OData's <see cref="ODataUriParser"/> against the
/// principal's model (so hidden columns simply do not exist) and checks what the AST may contain.
/// Parser failures become 400 answers that quote only the parser's words about the user's own text.
/// </summary>
internal static class FeedQueryParser
{
    public static FeedQuery Parse(FeedModel model, Uri serviceRoot, Uri requestUri, RawQuery raw, SkipToken? token, ServingOptions options)
    {
        var parser = new ODataUriParser(model.Model, serviceRoot, requestUri)
        {
            Resolver = new ODataUriResolver { EnableCaseInsensitive = false },
            // Only '$'-prefixed names are system options; RawQuery refuses look-alikes without '$'.
            EnableNoDollarQueryOptions = false,
        };

        var path = Step("", parser.ParsePath);
        // $apply first: the parser binds $filter and $orderby to its result (grouped properties, aliases).
        var apply = Step("$apply", parser.ParseApply);
        var filter = Step("$filter", parser.ParseFilter);
        var orderBy = Step("$orderby", parser.ParseOrderBy);
        var select = Step("$select", parser.ParseSelectAndExpand);
        var top = Step("$top", parser.ParseTop);
        var skip = Step("$skip", parser.ParseSkip);
        var count = Step("$count", parser.ParseCount) ?? false;

        var fingerprint = SkipTokenCodec.Fingerprint(model.Set.Name, raw);
        if (token is not null && token.Fingerprint != fingerprint) throw SkipTokenCodec.Invalid();

        (apply, filter) = ApplyParsing.FoldFilters(apply, filter);
        if (apply is not null && select is { AllSelected: false })
        {
            throw FeedError.BadRequest("QUERY_INVALID", "$apply 与 $select 不能同时使用：$apply 的结果只含分组字段和汇总别名。", "$select");
        }
        return new FeedQuery(model, path, filter, OrderItems(orderBy, options), Columns(model.View, select), select, top, skip, count, token, fingerprint)
        {
            Apply = apply,
        };
    }

    private static T Step<T>(string option, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ODataException ex)
        {
            throw FeedError.BadRequest("QUERY_INVALID", $"{What(option)}无法解析：{ex.Message}", option.Length == 0 ? null : option);
        }
        catch (Exception ex) when (ex is not FeedError and not OperationCanceledException)
        {
            // The parser only reads the caller's own text against the caller's model, so any failure
            // in it is a bad request; some odd inputs make Microsoft.OData throw other exception
            // types (e.g. InvalidCastException for "$select=姓名($select=x)").
            throw FeedError.BadRequest("QUERY_INVALID", $"{What(option)}无法解析，请检查语法。", option.Length == 0 ? null : option);
        }
    }

    private static string What(string option) => option.Length == 0 ? "请求地址" : $"查询参数 {option} ";

    private static List<OrderItem> OrderItems(OrderByClause? clause, ServingOptions options)
    {
        var items = new List<OrderItem>();
        for (var c = clause; c is not null; c = c.ThenBy)
        {
            items.Add(new OrderItem(c.Expression, c.Direction == OrderByDirection.Descending));
        }
        if (items.Count > options.MaxOrderByKeys)
        {
            throw FeedError.BadRequest("QUERY_INVALID", $"$orderby 最多支持 {options.MaxOrderByKeys} 个排序字段。", "$orderby");
        }
        return items;
    }

    private static IReadOnlyList<ViewColumn> Columns(DatasetView view, SelectExpandClause? clause)
    {
        if (clause is null || clause.AllSelected) return view.Columns;
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in clause.SelectedItems)
        {
            switch (item)
            {
                case WildcardSelectItem:
                    return view.Columns;
                case PathSelectItem { SelectedPath: { Count: 1, FirstSegment: PropertySegment p }, HasOptions: false }:
                    wanted.Add(p.Property.Name);
                    break;
                case ExpandedNavigationSelectItem or ExpandedReferenceSelectItem:
                    throw FeedError.BadRequest("QUERY_OPTION_UNSUPPORTED", "不支持 $expand：数据集是扁平表，没有导航属性；请去掉“展开”步骤，直接使用各字段。", "$expand");
                default:
                    throw FeedError.BadRequest("QUERY_INVALID", "$select 只能列出字段名（用逗号分隔）或 *。", "$select");
            }
        }
        return view.Columns.Where(c => wanted.Contains(c.Property)).ToArray();
    }
}
