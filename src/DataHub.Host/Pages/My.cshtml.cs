using DataHub.Host.Web.Ui;
using DataHub.Serving.Access;

namespace DataHub.Host.Pages;

/// <summary>
/// "我的数据": the datasets opened to the signed-in principal's unit, each with its feed address and,
/// field by field, what is masked or withheld and why.
/// </summary>
public sealed class MyModel : UiPage
{
    internal IReadOnlyList<(DatasetCard Card, IReadOnlyList<FieldAccessExplained> Limited)> Datasets { get; private set; } = [];

    public string ScopeName { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var policy = Service<AccessPolicy>();
        ScopeName = Service<Composition.DataHubEngine>().Catalog.Divisions.Find(Me.ScopeCode)?.Name ?? Me.ScopeCode;
        Datasets = (await Service<UiCatalog>().VisibleAsync(Me, cancellationToken))
            .Where(c => c.Current is not null)
            .OrderBy(c => c.Entry.Title, StringComparer.Ordinal)
            .Select(c => (c, (IReadOnlyList<FieldAccessExplained>)FieldAccessExplained.ForAll(policy, Me.Role, c.Schema).Where(f => f.Action != AccessAction.Show).ToList()))
            .ToList();
    }
}
