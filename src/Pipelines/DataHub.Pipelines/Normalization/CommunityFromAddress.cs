using DataHub.Core.Schema;
using DataHub.Pipelines.Resolution;

namespace DataHub.Pipelines.Normalization;

/// <summary>
/// Fills a community code a record leaves empty from its address, when the address matches one
/// standard address certainly (exact or normalised text, ignoring which community the record claims,
/// since it claims none; several candidates are never a match). It runs at ingestion, not in the
/// derived rebuild: the community code is the row's scope, so a row without one cannot be published
/// (no principal could be scoped to it) and would never reach the derived datasets. The standard
/// addresses are those the lake holds when the run starts (docs/DERIVED.md); they are loaded on
/// first use, so a run whose rows all carry their code reads nothing.
/// </summary>
public sealed class CommunityFromAddress(Func<AddressMatcher> load)
{
    /// <summary>The free-text address field of the datasets a community code can be resolved for.</summary>
    private static readonly Dictionary<string, string> AddressFields = new(StringComparer.Ordinal)
    {
        ["population"] = "current_address",
        ["housing"] = "address",
        ["enterprise"] = "address",
    };

    /// <summary>The quality warning (and field-issue code) of a row whose community code was resolved from its address.</summary>
    public const string Warning = "COMMUNITY_FROM_ADDRESS";

    private readonly Lazy<AddressMatcher> _matcher = new(load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The field holding the dataset's address, when its community code can be resolved from it.</summary>
    public static string? AddressField(DatasetSchema schema) =>
        schema.ScopeField is not null && AddressFields.TryGetValue(schema.Name, out var field) && schema.FindField(field) is not null ? field : null;

    /// <summary>The certain match of <paramref name="address"/>, or null.</summary>
    public StandardAddress? Resolve(string? address) =>
        string.IsNullOrWhiteSpace(address) ? null : _matcher.Value.Match(address) is { IsCertain: true } m ? m.Address : null;
}
