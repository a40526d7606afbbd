using DataHub.Core.Access;
using DataHub.Core.Standards;

namespace DataHub.Catalog.OpenList;

/// <summary>
/// The one rule of who sees what: a steward sees every dataset of its district without a grant;
/// every other principal sees a dataset only through entries of the open list in force that cover
/// its unit. Several covering entries add up: rows with the union of the row entries' fields (an
/// entry without a field subset opens all); only when every covering entry is aggregate-only is
/// the answer aggregate-only. Pure and
/// in-memory, so the serving layer can ask it on every request.
/// </summary>
public static class OpenListAccess
{
    /// <summary>What <paramref name="principal"/> may open of <paramref name="dataset"/> at <paramref name="now"/>, or null: the dataset does not exist for it.</summary>
    public static GrantDecision? Decide(IEnumerable<Grant> grants, Principal principal, string dataset, DateTimeOffset now)
    {
        if (principal.Role == Role.Steward && DivisionCode.LevelOf(principal.ScopeCode ?? "") == DivisionLevel.District) return GrantDecision.Full;
        var covering = grants.Where(g => g.Dataset == dataset && g.IsInForce(now) && g.Covers(principal)).ToList();
        if (covering.Count == 0) return null;
        // Rows come only from row entries, with only their fields: an aggregate-only entry must
        // not widen what a row entry shows.
        var rowEntries = covering.Where(g => !g.AggregateOnly).ToList();
        var used = rowEntries.Count > 0 ? rowEntries : covering;
        return new GrantDecision(UnionFields(used), AggregateOnly: rowEntries.Count == 0);
    }

    private static HashSet<string>? UnionFields(IEnumerable<Grant> grants)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in grants)
        {
            if (g.Fields is null) return null;
            fields.UnionWith(g.Fields);
        }
        return fields;
    }
}
