using DataHub.Serving.Engine;
using Xunit;

namespace DataHub.Serving.Tests.Engine;

/// <summary>Which slices a page lists: the codes of its scope from the token's code to the bound, or none (the lake's files).</summary>
public sealed class ScopeSlicesTests
{
    private static readonly string[] Codes = ["320113001001", "320113001002", "320113002001", "320113002002", "320114001001"];

    private static readonly ScopeSlices Slices = new("/nowhere", Codes, Codes.Select(c => c + ".parquet").ToList());

    [Theory]
    [InlineData("320113001001", null, null, "320113001001")]
    [InlineData("320113001", null, null, "320113001001,320113001002")]
    [InlineData("320113", null, null, "320113001001,320113001002,320113002001,320113002002")]
    [InlineData("320113", "320113001002", null, "320113001002,320113002001,320113002002")]
    [InlineData("320113", "320113001002", "320113002001", "320113001002,320113002001")]
    [InlineData("320113", null, "320113001001", "320113001001")]
    [InlineData("320113", "320113001001", "320113001001", "320113001001")]
    [InlineData("32011", null, null, "320113001001,320113001002,320113002001,320113002002,320114001001")]
    public void Select_ListsTheCodesThePageCanReach(string scope, string? after, string? bound, string expected)
    {
        var files = Slices.Select(scope, scope + "~", after, bound);

        Assert.Equal(expected.Split(',').Select(c => c + ".parquet"), files);
    }

    [Theory]
    [InlineData("320113003", null, null)]
    [InlineData("320113001", "320113002001", null)]
    [InlineData("320115", null, null)]
    public void Select_NoCodeInReach_IsNull(string scope, string? after, string? bound)
    {
        Assert.Null(Slices.Select(scope, scope + "~", after, bound));
    }

    [Fact]
    public void Select_MoreFilesThanAPageMayList_IsNull()
    {
        var codes = Enumerable.Range(0, ScopeSlices.MaxFilesPerPage + 1).Select(i => "320113001" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var slices = new ScopeSlices("/nowhere", codes, codes);

        Assert.Null(slices.Select("320113001", "320113001~", null, null));
        Assert.Equal(ScopeSlices.MaxFilesPerPage, slices.Select("320113001", "320113001~", "320113001001", null)!.Count);
    }
}
