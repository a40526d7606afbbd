using System.Collections.Concurrent;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Metadata;
using DataHub.Core.Access;
using DataHub.Core.Schema;
using DataHub.Host.Composition;

namespace DataHub.Host.Web.Ui;

/// <summary>
/// A dataset as the UI shows it: the catalog entry, its schema, its current version (if published)
/// and its catalog metadata as the stewards last edited it (<see cref="MetadataCatalog"/>).
/// </summary>
internal sealed record DatasetCard(DatasetEntry Entry, DatasetSchema Schema, DatasetVersion? Current, ResourceMetadata Catalog)
{
    public string Name => Entry.Name;

    /// <summary>The text the catalog search looks in: name, title, abstract, department, theme and classification, share terms and every field.</summary>
    public IEnumerable<string> SearchText()
    {
        yield return Entry.Name;
        yield return Entry.Title;
        yield return Entry.Description;
        yield return Catalog.Abstract;
        yield return Catalog.ProviderName;
        yield return Catalog.Theme;
        yield return Catalog.Classification;
        yield return Catalog.ShareType;
        yield return Catalog.UpdateCycle;
        foreach (var f in Schema.Fields)
        {
            yield return f.Title;
            yield return f.Name;
        }
    }
}

/// <summary>
/// The catalog as one principal may see it in the UI. A dataset the principal may not see does not
/// exist here, exactly as in the feeds (<see cref="UiVisibility"/> decides, the same rule as serving).
/// </summary>
internal sealed class UiCatalog(DataHubEngine engine, UiVisibility visibility)
{
    private readonly ConcurrentDictionary<(string Dataset, string Version), DatasetSchema> _schemas = new();

    public async Task<IReadOnlyList<DatasetCard>> VisibleAsync(Principal principal, CancellationToken cancellationToken)
    {
        var cards = new List<DatasetCard>();
        foreach (var entry in await engine.Catalog.Datasets.ListAsync(cancellationToken))
        {
            if (!await visibility.CanSeeAsync(principal, entry.Name, cancellationToken)) continue;
            cards.Add(await CardAsync(entry, cancellationToken));
        }
        return cards;
    }

    public async Task<DatasetCard?> FindAsync(Principal principal, string name, CancellationToken cancellationToken)
    {
        var entry = await engine.Catalog.Datasets.GetAsync(name, cancellationToken);
        if (entry is null || !await visibility.CanSeeAsync(principal, name, cancellationToken)) return null;
        return await CardAsync(entry, cancellationToken);
    }

    private async Task<DatasetCard> CardAsync(DatasetEntry entry, CancellationToken cancellationToken)
    {
        var current = entry.CurrentVersion is { } v ? await engine.Catalog.Datasets.GetVersionAsync(entry.Name, v, cancellationToken) : null;
        var schemaVersion = current?.SchemaVersion ?? entry.SchemaVersion;
        if (!_schemas.TryGetValue((entry.Name, schemaVersion), out var schema))
        {
            var json = await engine.Catalog.Datasets.GetSchemaJsonAsync(entry.Name, schemaVersion, cancellationToken)
                ?? throw new InvalidOperationException($"The catalog has no schema {entry.Name} {schemaVersion}.");
            schema = _schemas[(entry.Name, schemaVersion)] = SchemaLoader.Parse(json, $"catalog:{entry.Name}@{schemaVersion}");
        }
        var metadata = (await engine.Catalog.Metadata.GetAsync(entry.Name, cancellationToken))?.Metadata ?? ResourceMetadata.From(entry);
        return new DatasetCard(entry, schema, current, metadata);
    }
}

/// <summary>Catalog search: every whitespace-separated term must occur (case-insensitively) in the dataset's text.</summary>
internal static class CatalogSearch
{
    public static bool Matches(DatasetCard card, string? query)
    {
        if (string.IsNullOrWhiteSpace(query)) return true;
        var text = string.Join('\n', card.SearchText());
        return query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .All(term => text.Contains(term, StringComparison.OrdinalIgnoreCase));
    }
}
