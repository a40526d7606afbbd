namespace DataHub.Host.Pages;

public sealed class DeniedModel : UiPage
{
    public void OnGet()
    {
    }
}
