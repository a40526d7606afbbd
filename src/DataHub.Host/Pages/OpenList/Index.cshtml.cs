namespace DataHub.Host.Pages.OpenList;

/// <summary>The open list (开放清单): every grant of a dataset to a level or unit, with its request/approval history.</summary>
public sealed class IndexModel : UiPage
{
    public void OnGet()
    {
    }
}
