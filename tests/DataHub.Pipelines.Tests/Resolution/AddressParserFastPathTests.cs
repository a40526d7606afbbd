using System.Text;
using DataHub.Pipelines.Resolution;
using Xunit;

namespace DataHub.Pipelines.Tests.Resolution;

/// <summary>
/// The parser's fast paths (docs/DERIVED.md, "Rebuild cost") must give exactly what the general
/// code gives: the place part read by hand against the pattern it replaces, the clean-text shortcut
/// of Normalize against the full rewrite, the matcher's reused parse against a fresh one. Texts are
/// drawn from the characters each rule turns on, with a fixed seed.
/// </summary>
public sealed class AddressParserFastPathTests
{
    private static readonly string[] Pieces =
        ["0", "1", "12", "9", "A", "Z", "a", "栋", "单元", "单", "元", "室", "号", "户", "区", "小区", "-", "幢", "号楼", "座", "二", "十", "路", "88号", "大道",
         " ", "\u3000", "#", "，", ",", "（", "）", "“", "”", "'", "１", "Ａ", "楼", "层", ";"];

    private static IEnumerable<string> Texts(int count, int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var sb = new StringBuilder(rng.Next(3) == 0 ? "江苏省南京市栖霞区马群街道马群社区" : "");
            for (var n = rng.Next(0, 14); n > 0; n--) sb.Append(Pieces[rng.Next(Pieces.Length)]);
            yield return sb.ToString();
        }
    }

    [Fact]
    public void ReadPlace_AgreesWithThePlacePattern()
    {
        var checkedTexts = 0;
        foreach (var text in Texts(50_000, 20261129).Select(ChineseAddressParser.Normalize).Append("").Append("3栋2单元1502室").Append("12345栋").Append("A1"))
        {
            var m = ChineseAddressParser.PlaceRegex().Match(text);
            Assert.True(m.Success);
            ChineseAddressParser.ReadPlace(text, out var area, out var building, out var unit, out var room);
            Assert.Equal(m.Groups["area"].Value.Length == 0 ? null : m.Groups["area"].Value, area);
            Assert.Equal(m.Groups["b"].Success ? m.Groups["b"].Value + "栋" : null, building);
            Assert.Equal(m.Groups["u"].Success ? m.Groups["u"].Value + "单元" : null, unit);
            Assert.Equal(m.Groups["r"].Value.Length == 0 ? null : m.Groups["r"].Value, room);
            checkedTexts++;
        }
        Assert.Equal(50_004, checkedTexts);
    }

    [Fact]
    public void Normalize_EqualsTheFullRewrite_AndKeepsCleanTextAsIs()
    {
        foreach (var text in Texts(50_000, 7))
            Assert.Equal(ChineseAddressParser.Rewrite(text), ChineseAddressParser.Normalize(text));
        const string clean = "南京市栖霞区尧化街道尧化社区燕子矶新村16栋4单元3304室";
        Assert.Same(clean, ChineseAddressParser.Normalize(clean));
        // Each kind of character the rewrite changes leaves the shortcut.
        foreach (var dirty in new[] { "3幢", "三栋", "a栋", "1 栋", "１栋", "“小区”", "3号楼", "A座", "1#", "ǆ" })
            Assert.Equal(ChineseAddressParser.Rewrite(dirty), ChineseAddressParser.Normalize(dirty));
    }

    [Fact]
    public void Match_ReusedParse_IsTheParseOfTheTextWithoutItsNote()
    {
        var matcher = new AddressMatcher([
            new StandardAddress("A1", "320113002001", "仙林大道88号青马小区3栋2单元1502室", "仙林大道", "88号", "青马小区", "3栋", "2单元", "1502")]);
        foreach (var text in new[] { "仙林大道88号青马小区3栋2单元1999室", "文苑小区1栋1单元101室,出租屋", "不知道", "仙林大道88号3-2-1502；备注" }.Concat(Texts(5_000, 11)))
        {
            var match = matcher.Match(text, "320113002001", out var parsed);
            Assert.Equal(matcher.Match(text, "320113002001"), match);
            if (parsed is not null) Assert.Equal(ChineseAddressParser.Parse(AddressMatcher.WithoutNote(text) ?? text), parsed);
        }
    }
}
