namespace DataHub.Serving.Query;

/// <summary>A translated sort key. OData sorts null first ascending and last descending; the SQL says so explicitly.</summary>
internal sealed record OrderKey(string Sql, bool Descending)
{
    public string OrderBySql(string alias) => Descending ? $"{alias} DESC NULLS LAST" : $"{alias} ASC NULLS FIRST";
}
