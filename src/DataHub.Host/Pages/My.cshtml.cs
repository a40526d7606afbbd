using DataHub.Host.Web.Ui;
using DataHub.Serving;
using DataHub.Serving.Access;

namespace DataHub.Host.Pages;

/// <summary>
/// "我的数据": the datasets the open list opens to the signed-in principal's unit, each with its feed
/// address and, field by field, what is masked or withheld and why (the access policy for the role,
/// or the open-list entry opening only some fields).
/// </summary>
public sealed class MyModel : UiPage
{
    internal IReadOnlyList<(DatasetCard Card, DatasetGrant Grant, IReadOnlyList<FieldAccessExplained> Limited)> Datasets { get; private set; } = [];

    public string ScopeName { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var policy = Service<AccessPolicy>();
        var visibility = Service<UiVisibility>();
        ScopeName = Service<Composition.DataHubEngine>().Catalog.Divisions.Find(Me.ScopeCode)?.Name ?? Me.ScopeCode;
        var list = new List<(DatasetCard, DatasetGrant, IReadOnlyList<FieldAccessExplained>)>();
        foreach (var card in (await Service<UiCatalog>().VisibleAsync(Me, cancellationToken)).Where(c => c.Current is not null).OrderBy(c => c.Entry.Title, StringComparer.Ordinal))
        {
            if (await visibility.GrantAsync(Me, card.Name, cancellationToken) is not { } grant) continue;
            var limited = FieldAccessExplained.ForAll(policy, Me.Role, card.Schema)
                .Select(f => grant.Fields is { } open && f.Action != AccessAction.Hide && f.Field.Name != card.Schema.KeyField && !open.Contains(f.Field.Name)
                    ? f with { Action = AccessAction.Hide, What = "不提供", Why = "开放清单只向您的单位开放了部分字段" }
                    : f)
                .Where(f => f.Action != AccessAction.Show)
                .ToList();
            list.Add((card, grant, limited));
        }
        Datasets = list;
    }
}
