using DataHub.Catalog.Audit;
using Xunit;

namespace DataHub.Catalog.Tests.Audit;

public sealed class AuditRedactionTests
{
    [Theory]
    [InlineData("姓名 eq '张三'", "姓名 eq '***'")]
    [InlineData("公民身份号码 eq '32011319800101001X' and 年龄 gt 30", "公民身份号码 eq '***' and 年龄 gt ***")]
    [InlineData("出生日期 lt 1990-01-01 or 更新时间 ge 2024-01-31T08:00:00+08:00", "出生日期 lt *** or 更新时间 ge ***")]
    [InlineData("contains(姓名,'O''Brien') and 房屋编号 eq 0a1b2c3d-0000-4000-8000-000000000001", "contains(姓名,'***') and 房屋编号 eq ***")]
    [InlineData("租住人数 mul 2.5 gt -3", "租住人数 mul *** gt ***")]
    [InlineData("Field1 eq null and startswith(社区代码,'320113')", "Field1 eq null and startswith(社区代码,'***')")]
    public void Literals_AreRedacted_TheShapeStays(string filter, string expected) =>
        Assert.Equal(expected, AuditRedaction.RedactLiterals(filter));

    [Fact]
    public void Redact_DropsEveryApiKeySpelling_AndHidesSkiptokenAndSearch()
    {
        var query = "?$filter=" + Uri.EscapeDataString("姓名 eq '张三'") + "&api_key=dh_1&API_KEY=dh_2&Api-Key=dh_3&apikey=dh_4&$search=" + Uri.EscapeDataString("张三 13912345678")
            + "&$skiptoken=abc123&$select=姓名,性别&$top=10";
        var audited = AuditRedaction.Redact("/odata/Population", query);
        Assert.Equal("/odata/Population?$filter=姓名 eq '***'&$search=***&$skiptoken=***&$select=姓名,性别&$top=10", audited);
        Assert.DoesNotContain("dh_", audited, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", audited, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_KeySegmentLiteral()
    {
        Assert.Equal("/odata/Population('***')", AuditRedaction.Redact("/odata/Population('abc')", null));
        Assert.Equal("/odata/Housing(***)", AuditRedaction.Redact("/odata/Housing(42)", ""));
    }

    [Theory]
    [InlineData("api_key", true)]
    [InlineData("API_KEY", true)]
    [InlineData("Api_Key", true)]
    [InlineData("api-key", true)]
    [InlineData("apiKey", true)]
    [InlineData("api_keys", false)]
    [InlineData("$apply", false)]
    public void ApiKeyParameter_OneRuleForEverySpelling(string name, bool expected) =>
        Assert.Equal(expected, AuditRedaction.IsApiKeyName(name));
}
