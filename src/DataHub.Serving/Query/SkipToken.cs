namespace DataHub.Serving.Query;

/// <summary>
/// Where the next page starts. Pins the dataset <see cref="Version"/> the first page read, so a
/// refresh that spans a publish still reads one consistent version.
/// </summary>
/// <param name="Returned">Rows returned by earlier pages, so <c>$top</c> holds across pages.</param>
/// <param name="Values">The last returned row's order-key values (the key last), typed as DuckDB returned them.</param>
/// <param name="Fingerprint">Binds the token to the query's entity set, $filter and $orderby.</param>
internal sealed record SkipToken(long Version, long Returned, IReadOnlyList<object?> Values, string Fingerprint);
