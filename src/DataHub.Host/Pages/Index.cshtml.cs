using DataHub.Host.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages;

/// <summary>
/// The catalog home: datasets the principal may see, searched over Chinese text (name, department,
/// field titles…) and narrowed by facets (department, share type, update cycle). The query and the
/// facets are catalog words, never personal values, so they may travel in the URL (GET).
/// </summary>
public sealed class IndexModel : UiPage
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true, Name = "dept")]
    public string? Department { get; set; }

    [BindProperty(SupportsGet = true, Name = "share")]
    public string? ShareType { get; set; }

    [BindProperty(SupportsGet = true, Name = "cycle")]
    public string? UpdateCycle { get; set; }

    internal IReadOnlyList<DatasetCard> Results { get; private set; } = [];

    internal IReadOnlyList<Facet> Facets { get; private set; } = [];

    public int VisibleCount { get; private set; }

    /// <summary>The datasets past their 更新周期 (names), for the badge on each card.</summary>
    internal IReadOnlySet<string> Stale { get; private set; } = new HashSet<string>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var visible = await Service<UiCatalog>().VisibleAsync(Me, cancellationToken);
        VisibleCount = visible.Count;
        var engine = Service<Composition.DataHubEngine>();
        Stale = (await engine.Catalog.Datasets.FreshnessAsync(cancellationToken)).Where(f => f.Stale).Select(f => f.Dataset).ToHashSet(StringComparer.Ordinal);
        var searched = visible.Where(c => CatalogSearch.Matches(c, Query)).ToList();
        Results = searched.Where(c => Selected(c, null)).OrderBy(c => c.Entry.Title, StringComparer.Ordinal).ToList();
        Facets =
        [
            BuildFacet("dept", "提供部门", searched, c => c.Catalog.ProviderName, Department),
            BuildFacet("share", "共享类型", searched, c => c.Catalog.ShareType, ShareType),
            BuildFacet("cycle", "更新周期", searched, c => c.Catalog.UpdateCycle, UpdateCycle),
        ];
    }

    /// <summary>Whether a dataset passes every selected facet except <paramref name="ignore"/> (a facet counts as if itself were unselected).</summary>
    private bool Selected(DatasetCard c, string? ignore) =>
        (ignore == "dept" || Department is not { Length: > 0 } || c.Catalog.ProviderName == Department)
        && (ignore == "share" || ShareType is not { Length: > 0 } || c.Catalog.ShareType == ShareType)
        && (ignore == "cycle" || UpdateCycle is not { Length: > 0 } || c.Catalog.UpdateCycle == UpdateCycle);

    private Facet BuildFacet(string key, string title, IEnumerable<DatasetCard> cards, Func<DatasetCard, string> value, string? selected) =>
        new(key, title, cards.Where(c => Selected(c, key)).GroupBy(value).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FacetValue(g.Key, g.Count(), g.Key == selected, Link(key, g.Key == selected ? null : g.Key))).ToList());

    /// <summary>The current search with one facet set (or cleared).</summary>
    public string Link(string key, string? value)
    {
        var values = new Dictionary<string, string?> { ["q"] = Query, ["dept"] = Department, ["share"] = ShareType, ["cycle"] = UpdateCycle };
        values[key] = value;
        var query = string.Join('&', values.Where(kv => !string.IsNullOrEmpty(kv.Value)).Select(kv => kv.Key + "=" + Uri.EscapeDataString(kv.Value!)));
        return query.Length == 0 ? "/" : "/?" + query;
    }
}

internal sealed record Facet(string Key, string Title, IReadOnlyList<FacetValue> Values);

internal sealed record FacetValue(string Value, int Count, bool Selected, string Link);
