using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using Microsoft.EntityFrameworkCore;

namespace DataHub.Bench.Textbook;

/// <summary>
/// The textbook endpoint: <c>[EnableQuery]</c> over an EF Core <see cref="IQueryable{T}"/>, server-driven
/// paging with key-based skiptokens. The caller's division (header <c>X-Scope</c>) becomes a range
/// predicate on the indexed community code, as DataHub's row scope is, so both answer the same rows.
/// No authentication or audit: the textbook side gets those for free.
/// </summary>
public sealed class ResidentsController(TextbookDb db) : ODataController
{
    public const int PageSize = 5000;

    [EnableQuery(PageSize = PageSize, MaxTop = 10_000_000, MaxNodeCount = 1000)]
    public IQueryable<Resident> Get()
    {
        var scope = Request.Headers["X-Scope"].ToString();
        var high = scope + "~";
        return db.Residents.AsNoTracking().Where(r => string.Compare(r.CommunityCode, scope) >= 0 && string.Compare(r.CommunityCode, high) < 0);
    }
}
