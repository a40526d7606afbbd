using System.Text.Json;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Metadata;
using DataHub.Catalog.Runs;
using DataHub.Core.Access;
using DataHub.Core.Failures;
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
/// Stewards also edit the catalog metadata here: each save is a new metadata version (who, when,
/// which items), through the same <see cref="MetadataCatalog"/> the CLI uses.
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

    internal MetadataVersion Metadata { get; private set; } = null!;

    internal IReadOnlyList<MetadataVersion> MetadataHistory { get; private set; } = [];

    /// <summary>The edit form's values: the current metadata, or what the steward typed when a save was refused.</summary>
    internal IReadOnlyDictionary<string, string> MetadataForm { get; private set; } = new Dictionary<string, string>();

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    /// <summary>Form field name of one metadata key (<see cref="MetadataCatalog.Keys"/>).</summary>
    public static string FieldName(string key) => "meta-" + key;

    /// <summary>The name asked for, when there is no such dataset or it is not open to the viewer (one answer for both).</summary>
    public string? Missing { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken cancellationToken) =>
        await LoadAsync(name, cancellationToken) ? Page() : NotFoundPage(name);

    /// <summary>A steward saves the metadata form: the items that differ from the current version become a new version.</summary>
    public async Task<IActionResult> OnPostMetadataAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken)) return NotFoundPage(name);
        if (!IsSteward) return Forbid();
        var typed = MetadataCatalog.Keys.Keys.ToDictionary(k => k, k => Request.Form[FieldName(k)].ToString().Trim());
        var changed = typed.Where(kv => kv.Value != MetadataCatalog.ValueOf(Metadata.Metadata, kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        try
        {
            if (changed.Count == 0) throw new DataHubException(FailureKind.Config, "UI_NOTHING_CHANGED", "没有修改任何目录项。", fix: "修改至少一项后再保存。");
            var saved = await Service<Composition.DataHubEngine>().Catalog.Metadata.SetAsync(name, changed, Me, cancellationToken);
            Done = $"已保存目录信息第 {saved.Version} 版（{string.Join("、", changed.Keys.Select(k => MetadataCatalog.Keys[k]))}）。";
            await LoadAsync(name, cancellationToken);
        }
        catch (DataHubException e)
        {
            Error = e.Fix is null ? e.UserMessage : $"{e.UserMessage} {e.Fix}";
            MetadataForm = typed;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }

    /// <summary>A 404 with a zh-CN page (a browser shows its own error page for an empty 404).</summary>
    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult NotFoundPage(string name)
    {
        Missing = name.Length > 60 ? name[..60] + "…" : name;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<bool> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var card = await Service<UiCatalog>().FindAsync(Me, name, cancellationToken);
        if (card is null) return false;
        Card = card;
        var engine = Service<Composition.DataHubEngine>();
        Fields = FieldAccessExplained.ForAll(Service<AccessPolicy>(), Me.Role, card.Schema);
        Metadata = (await engine.Catalog.Metadata.GetAsync(name, cancellationToken))!;
        MetadataForm = MetadataCatalog.Keys.Keys.ToDictionary(k => k, k => MetadataCatalog.ValueOf(Metadata.Metadata, k));
        var judged = (await engine.Catalog.Datasets.FreshnessAsync(cancellationToken)).FirstOrDefault(f => f.Dataset == name);
        Freshness = FreshnessView.Of(judged, engine.Time.GetUtcNow());
        if (card.Current is not null && Me.Role != Role.Operator)
            Communities = Service<RowsPerCommunity>().Count(card.Current, card.Schema, Me.ScopeCode, cancellationToken);
        if (SeesOperations)
        {
            Versions = await engine.Catalog.Datasets.VersionsAsync(name, cancellationToken);
            Runs = (await engine.Catalog.Runs.RecentAsync(name, 20, cancellationToken)).Select(r => (r, Parse(r.ReportJson))).ToList();
        }
        if (IsSteward) MetadataHistory = await engine.Catalog.Metadata.HistoryAsync(name, cancellationToken);
        return true;
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
