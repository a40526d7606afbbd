using System.Text.Json;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Runs;
using DataHub.Core.Access;
using DataHub.Host.Web.Ui;
using DataHub.Pipelines.Ingestion;
using DataHub.Serving.Access;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages.Datasets;

/// <summary>
/// One dataset: catalog metadata, schema with sensitivity and masks (and what the viewer gets),
/// freshness against the update cycle, rows per community in the viewer's scope, the feed address
/// with Excel steps; for stewards, operators and analysts also versions and run history with the
/// run reports and quarantine counts by reason. A dataset the viewer may not see is a 404.
/// </summary>
public sealed class DetailModel : UiPage
{
    internal DatasetCard Card { get; private set; } = null!;

    internal IReadOnlyList<FieldAccessExplained> Fields { get; private set; } = [];

    internal IReadOnlyList<CommunityCount> Communities { get; private set; } = [];

    internal IReadOnlyList<DatasetVersion> Versions { get; private set; } = [];

    internal IReadOnlyList<(RunEntry Run, RunReport? Report)> Runs { get; private set; } = [];

    internal FreshnessView Freshness { get; private set; } = null!;

    /// <summary>Versions and runs are operational detail: for those who run the platform and analyse it.</summary>
    public bool SeesOperations => Me.Role is Role.Steward or Role.Operator or Role.Analyst;

    public string FeedUrl => ServiceRoot + Card.Schema.EntitySetName;

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken cancellationToken)
    {
        var card = await Service<UiCatalog>().FindAsync(Me, name, cancellationToken);
        if (card is null) return NotFound();
        Card = card;
        var engine = Service<Composition.DataHubEngine>();
        Fields = FieldAccessExplained.ForAll(Service<AccessPolicy>(), Me.Role, card.Schema);
        var judged = (await engine.Catalog.Datasets.FreshnessAsync(cancellationToken)).FirstOrDefault(f => f.Dataset == name);
        Freshness = FreshnessView.Of(judged, engine.Time.GetUtcNow());
        if (card.Current is not null && Me.Role != Role.Operator)
            Communities = Service<RowsPerCommunity>().Count(card.Current, card.Schema, Me.ScopeCode, cancellationToken);
        if (SeesOperations)
        {
            Versions = await engine.Catalog.Datasets.VersionsAsync(name, cancellationToken);
            Runs = (await engine.Catalog.Runs.RecentAsync(name, 20, cancellationToken)).Select(r => (r, Parse(r.ReportJson))).ToList();
        }
        return Page();
    }

    private static RunReport? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize<RunReport>(json, RunReport.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
