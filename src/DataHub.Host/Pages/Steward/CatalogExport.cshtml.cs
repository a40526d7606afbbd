using DataHub.Host.Composition;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages.Steward;

/// <summary>
/// The catalog's exports for stewards (the same writers as <c>datahub catalog export</c>): DCAT-AP
/// (JSON-LD) of what is open, with access URLs at this host's feed root, and the catalog spreadsheet
/// (.xlsx). Both are streamed to the response; they hold catalog metadata only, never row values.
/// </summary>
public sealed class CatalogExportModel : UiPage
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnGetDcatAsync(CancellationToken cancellationToken)
    {
        var engine = Service<DataHubEngine>();
        Attachment(engine, "application/ld+json; charset=utf-8", "jsonld");
        await engine.Catalog.Exports.WriteDcatAsync(Response.Body, new Uri(ServiceRoot), cancellationToken);
        return new EmptyResult();
    }

    public async Task<IActionResult> OnGetXlsxAsync(CancellationToken cancellationToken)
    {
        var engine = Service<DataHubEngine>();
        Attachment(engine, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");
        // MiniExcel writes the zip through a synchronous-capable stream; buffer it in a temp file, not in memory.
        var path = Path.Combine(Path.GetTempPath(), $"datahub-catalog-{Guid.NewGuid():N}.xlsx");
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                await engine.Catalog.Exports.WriteXlsxAsync(file, cancellationToken);
            await using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
            Response.ContentLength = read.Length;
            await read.CopyToAsync(Response.Body, cancellationToken);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
        return new EmptyResult();
    }

    private void Attachment(DataHubEngine engine, string contentType, string extension)
    {
        Response.ContentType = contentType;
        Response.Headers.ContentDisposition = $"attachment; filename=\"catalog-{engine.Time.GetUtcNow():yyyyMMdd-HHmmss}.{extension}\"";
    }
}
