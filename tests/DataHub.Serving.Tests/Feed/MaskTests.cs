using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>Masked values come out masked (the mask runs in DuckDB), and masked or hidden columns cannot be queried.</summary>
public sealed class MaskTests(TestLake lake) : IClassFixture<TestLake>
{
    private async Task<Dictionary<string, JsonElement>> AllRowsAsync(Core.Access.Principal principal, string set, string key)
    {
        var pages = await lake.Client.GetAllPagesAsync(principal, set, pageSize: 2000);
        return Rows.All(pages).ToDictionary(r => r.GetProperty(key).GetString()!);
    }

    [Fact]
    public async Task Analyst_PersonalColumns_MaskedAsDocumented()
    {
        var rows = await AllRowsAsync(Principals.Analyst, "Population", "记录编号");
        var source = lake.Population.Where(Rows.InDistrict).ToDictionary(r => r.RecordId);

        Assert.Equal(source.Count, rows.Count);
        foreach (var (key, row) in rows)
        {
            var r = source[key];
            Assert.Equal(r.Name[0] + new string('*', r.Name.Length - 1), Rows.Text(row, "姓名"));
            Assert.Equal($"{r.BirthDate.Year:D4}-01-01", Rows.Text(row, "出生日期"));
            Assert.Equal(r.Phone is null ? null : r.Phone[..3] + "****" + r.Phone[^4..], Rows.Text(row, "联系电话"));
            Assert.Equal(Address(r.HouseholdAddress), Rows.Text(row, "户籍地址"));
            Assert.Equal(Address(r.CurrentAddress), Rows.Text(row, "现住址"));
            Assert.Equal(r.Gender, Rows.Text(row, "性别"));
            Assert.False(row.TryGetProperty("公民身份号码", out _));
            Assert.False(row.TryGetProperty("民族", out _));
            Assert.False(row.TryGetProperty("迁入日期", out _));
        }
    }

    [Fact]
    public async Task CommunityWorker_IdNumberMaskedAndEthnicitySuppressed()
    {
        var rows = await AllRowsAsync(Principals.CommunityWorkerA1, "Population", "记录编号");
        var source = lake.Population.ToDictionary(r => r.RecordId);

        foreach (var (key, row) in rows)
        {
            var id = source[key].IdNumber;
            Assert.Equal(id[..6] + "********" + id[^4..], Rows.Text(row, "公民身份号码"));
            Assert.Equal(JsonValueKind.Null, row.GetProperty("民族").ValueKind);
            Assert.Equal(source[key].Name, Rows.Text(row, "姓名"));
        }
    }

    [Fact]
    public async Task Analyst_HashMask_KeyedMd5SoValuesStillJoin()
    {
        var rows = await AllRowsAsync(Principals.Analyst, "Housing", "房屋编号");
        var source = lake.Housing.ToDictionary(r => r.HouseId);

        foreach (var (key, row) in rows)
        {
            var phone = source[key].OwnerPhone;
            var expected = phone is null ? null : Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(TestLake.Secret + phone)));
            Assert.Equal(expected, Rows.Text(row, "产权人电话"));
        }
    }

    [Theory]
    [InlineData("$filter=姓名 eq '张三'", "姓名")]
    [InlineData("$filter=startswith(联系电话,'138')", "联系电话")]
    [InlineData("$filter=year(出生日期) eq 1980", "出生日期")]
    [InlineData("$orderby=姓名", "姓名")]
    [InlineData("$orderby=tolower(现住址) desc", "现住址")]
    [InlineData("$filter=not (户籍地址 eq null)", "户籍地址")]
    public async Task Analyst_QueryOnMaskedColumn_400NamingTheColumn(string options, string column)
    {
        var (name, value) = (options[..options.IndexOf('=', StringComparison.Ordinal)], options[(options.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var response = await lake.Client.GetAsync(Principals.Analyst, $"Population?{name}={Uri.EscapeDataString(value)}");

        Assert.Equal(400, response.Status);
        Assert.Equal("COLUMN_MASKED", response.ErrorCode());
        Assert.Equal($"字段“{column}”已脱敏，不能用于筛选或排序。", response.ErrorMessage());
    }

    [Fact]
    public async Task CommunityWorker_CountWithFilterOnMaskedColumn_400()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population/$count?$filter=" + Uri.EscapeDataString("公民身份号码 eq '320113198001010015'"));
        Assert.Equal(400, response.Status);
        Assert.Equal("COLUMN_MASKED", response.ErrorCode());
    }

    [Theory]
    [InlineData("$select=公民身份号码")]
    [InlineData("$filter=公民身份号码 eq '320113198001010015'")]
    [InlineData("$orderby=民族")]
    [InlineData("$select=id_number")]
    public async Task Analyst_HiddenColumn_400AsUnknownProperty(string options)
    {
        var eq = options.IndexOf('=', StringComparison.Ordinal);
        var response = await lake.Client.GetAsync(Principals.Analyst, $"Population?{options[..(eq + 1)]}{Uri.EscapeDataString(options[(eq + 1)..])}");
        Assert.Equal(400, response.Status);
        Assert.Equal("QUERY_INVALID", response.ErrorCode());
    }

    [Fact]
    public async Task Analyst_SelectMaskedColumn_AllowedAndMasked()
    {
        var response = await lake.Client.GetAsync(Principals.Analyst, "Population?$select=%E5%A7%93%E5%90%8D&$top=5");
        Assert.Equal(200, response.Status);
        Assert.All(response.Rows(), r => Assert.EndsWith("*", Rows.Text(r, "姓名"), StringComparison.Ordinal));
    }

    private static string? Address(string? value) => value switch
    {
        null => null,
        { Length: <= 9 } => "…",
        _ => value[..9] + "…",
    };
}
