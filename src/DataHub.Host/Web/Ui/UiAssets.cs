namespace DataHub.Host.Web.Ui;

/// <summary>
/// Serves the UI's one stylesheet from the assembly: the host's content root is the data folder, so
/// there is no wwwroot to serve from, and nothing to build or copy.
/// </summary>
internal static class UiAssets
{
    public const string StylesheetPath = "/ui/site.css";

    private static readonly Lazy<byte[]> Stylesheet = new(() =>
    {
        using var stream = typeof(UiAssets).Assembly.GetManifestResourceStream("ui/site.css")
            ?? throw new InvalidOperationException("The UI stylesheet is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static void MapUiAssets(this IEndpointRouteBuilder app) =>
        app.MapGet(StylesheetPath, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(Stylesheet.Value, "text/css; charset=utf-8");
        });
}
