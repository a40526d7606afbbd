using DataHub.Host.Composition;
using DataHub.Host.Web.Auth;
using Microsoft.AspNetCore.DataProtection;

namespace DataHub.Host.Web.Ui;

/// <summary>
/// The catalog UI: server-rendered Razor Pages (zh-CN), no client build. Every page needs a signed-in
/// principal except the sign-in page; the steward's pages (principals, audit) need the steward role.
/// Razor Pages validate the antiforgery token on every POST.
/// </summary>
internal static class UiRegistration
{
    public static IServiceCollection AddDataHubUi(this IServiceCollection services, DataHubEngine engine)
    {
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AuthorizeFolder("/Steward", DataHubAuthentication.StewardPolicy);
        });
        // Cookies and antiforgery tokens stay valid across restarts: the keys live with the other secrets.
        var keys = Directory.CreateDirectory(Path.Combine(engine.Data.Root, "secrets", "ui-keys"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keys.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        services.AddDataProtection().SetApplicationName("DataHub").PersistKeysToFileSystem(keys);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "DataHub.Csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "__csrf";
        });
        services.AddSingleton<UiVisibility>();
        services.AddSingleton<UiCatalog>();
        services.AddSingleton<RowsPerCommunity>();
        return services;
    }

    public static void MapDataHubUi(this WebApplication app)
    {
        app.MapUiAssets();
        app.MapRazorPages();
    }
}
