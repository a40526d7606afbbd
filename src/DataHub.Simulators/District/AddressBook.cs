using System.Globalization;
using DataHub.Simulators.Population;

namespace DataHub.Simulators.District;

/// <summary>
/// The district's standard addresses (一标), created as residents and enterprises need them:
/// a resident joins an existing household address of the community more often than not, so
/// houses hold one to several people and some live alone. Every address is also a house of the
/// housing register. Codes are the community code plus a 6-digit sequence.
/// </summary>
internal sealed class AddressBook(DistrictModel model, Random rng) : IResidentAddresses
{
    private readonly Dictionary<string, List<AddressState>> _homes = model.Addresses
        .Where(a => a.Usage == "住宅")
        .GroupBy(a => a.CommunityCode)
        .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    private readonly Dictionary<string, CommunityInfo> _communities = model.Communities.ToDictionary(c => c.Code, StringComparer.Ordinal);

    public StandardAddressPick Pick(string communityCode, Random random)
    {
        var address = Home(communityCode, random);
        return new StandardAddressPick(address.Code, address.Head, address.Middle, address.Tail);
    }

    /// <summary>A home in the community: an existing one (about 55%) or a new one.</summary>
    public AddressState Home(string communityCode, Random random)
    {
        if (_homes.TryGetValue(communityCode, out var homes) && homes.Count > 0 && random.NextDouble() < 0.55)
            return homes[random.Next(homes.Count)];
        var created = Create(communityCode, "住宅", random);
        if (!_homes.TryGetValue(communityCode, out homes)) _homes[communityCode] = homes = [];
        homes.Add(created);
        return created;
    }

    /// <summary>A new shop or office address for an enterprise.</summary>
    public AddressState Business(string communityCode) => Create(communityCode, rng.NextDouble() < 0.6 ? "商业" : "办公", rng);

    private AddressState Create(string communityCode, string usage, Random random)
    {
        var c = _communities[communityCode];
        var head = model.DistrictName + c.StreetName + c.ShortName;
        string middle, tail;
        string? building = null, unit = null, room = null;
        int? floor = null;
        if (usage != "住宅")
        {
            middle = Inv($"{Places.LocalRoads[random.Next(Places.LocalRoads.Length)]}{random.Next(1, 301)}号");
            floor = random.Next(1, 4);
            room = Inv($"{floor}{random.Next(1, 20):00}");
            tail = room + "室";
        }
        else if (c.Village)
        {
            middle = Inv($"{random.Next(1, 13)}组");
            tail = Inv($"{random.Next(1, 81)}号");
            floor = 1;
        }
        else
        {
            middle = random.NextDouble() < 0.5
                ? Places.Estates[random.Next(Places.Estates.Length)]
                : Inv($"{Places.LocalRoads[random.Next(Places.LocalRoads.Length)]}{random.Next(1, 301)}号");
            building = Inv($"{random.Next(1, 31)}栋");
            unit = Inv($"{random.Next(1, 5)}单元");
            floor = random.Next(1, 34);
            room = Inv($"{floor}{random.Next(1, 5):00}");
            tail = building + unit + room + "室";
        }
        var seq = ++model.NextAddress;
        var address = new AddressState
        {
            Code = communityCode + seq.ToString("D6", CultureInfo.InvariantCulture),
            CommunityCode = communityCode,
            Head = head, Middle = middle, Tail = tail,
            Building = building, Unit = unit, Room = room, Floor = floor,
            Area = Math.Round((decimal)(usage == "住宅" ? 45 + random.NextDouble() * 110 : 20 + random.NextDouble() * 300), 2),
            Usage = usage,
            PropertyType = usage != "住宅" ? "商品房" : c.Village ? "自建房" : random.NextDouble() < 0.75 ? "商品房" : random.NextDouble() < 0.6 ? "房改房" : "保障性住房",
            Owner = ChineseNames.Name(random, random.NextDouble() < 0.5, "汉族"),
            BuiltYear = c.Village ? random.Next(1985, 2016) : random.Next(1990, 2023),
            Updated = model.Now.AddDays(-random.Next(1, 900)),
        };
        model.Addresses.Add(address);
        return address;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
