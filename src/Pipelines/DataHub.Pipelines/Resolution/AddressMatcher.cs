namespace DataHub.Pipelines.Resolution;

/// <summary>How certain the link from a record's free-text address to a standard address is.</summary>
public enum AddressMatchKind
{
    /// <summary>The normalised text equals the standard address's full text.</summary>
    Exact,
    /// <summary>Every place level the standard address has (road, door, area, building, unit, room) equals the parsed one.</summary>
    Normalised,
    /// <summary>One standard address fits when the residential area or the road is left aside; shown, never used to fill a community code.</summary>
    Probable,
    /// <summary>No standard address, or more than one, fits.</summary>
    None,
}

/// <summary>One entry of the standard-address dataset (标准地址), as the matcher needs it.</summary>
public sealed record StandardAddress(string AddressCode, string CommunityCode, string FullAddress, string? Road, string? DoorNo, string? ResidentialArea, string? Building, string? Unit, string? Room);

/// <summary>The result of matching one free-text address.</summary>
public sealed record AddressMatch(AddressMatchKind Kind, StandardAddress? Address)
{
    /// <summary>Certain enough to resolve a missing community code from: exact or normalised.</summary>
    public bool IsCertain => Kind is AddressMatchKind.Exact or AddressMatchKind.Normalised;

    public static readonly AddressMatch NoMatch = new(AddressMatchKind.None, null);
}

/// <summary>
/// Matches free-text addresses to the standard-address dataset, from the most certain tier down:
/// exact text, then the full place key, then the place key without residential area, then the
/// residential area with building/unit/room. A tier that finds several candidates is ambiguous and
/// never picks one: the record falls to the next tier or to <see cref="AddressMatchKind.None"/>.
/// Built once per run from the address dataset; lookups are dictionary probes.
/// </summary>
public sealed class AddressMatcher
{
    private readonly Dictionary<string, List<StandardAddress>> _byText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StandardAddress>> _byPlace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StandardAddress>> _byPlaceWithoutArea = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StandardAddress>> _byArea = new(StringComparer.Ordinal);

    public AddressMatcher(IEnumerable<StandardAddress> addresses)
    {
        foreach (var a in addresses)
        {
            Add(_byText, ChineseAddressParser.Normalize(a.FullAddress), a);
            var parsed = FromStandard(a);
            Add(_byPlace, parsed.PlaceKey, a);
            if (parsed.Road is not null && parsed.DoorNo is not null) Add(_byPlaceWithoutArea, parsed.PlaceKeyWithoutArea, a);
            if (parsed.ResidentialArea is not null) Add(_byArea, parsed.AreaKey, a);
        }
    }

    public int Count => _byText.Values.Sum(l => l.Count);

    /// <param name="freeText">The record's address as written.</param>
    /// <param name="communityCode">
    /// The record's own community, when it has one: of several candidates of a tier, the one in that
    /// community is taken (the same estate and room number exist in many communities).
    /// </param>
    public AddressMatch Match(string? freeText, string? communityCode = null) => Match(freeText, communityCode, out _);

    /// <summary>
    /// <see cref="Match(string?, string?)"/>, also giving the parse of the address without its note
    /// (<see cref="WithoutNote"/>, else the whole text) when the match made it, null when it did not
    /// (an exact or empty text, or no standard address at all): the derived rebuild reads the
    /// dwelling from it rather than parsing the same text twice.
    /// </summary>
    internal AddressMatch Match(string? freeText, string? communityCode, out ParsedAddress? mainParsed)
    {
        mainParsed = null;
        // No standard address known (no address or housing dataset yet): nothing can match, and
        // parsing every text to find that out is most of a derived rebuild's time.
        if (_byText.Count == 0) return AddressMatch.NoMatch;
        var match = MatchText(freeText, communityCode, out var parsed);
        // "…301室,出租屋": a note typed after a comma is not part of the address.
        if (WithoutNote(freeText) is not { } main)
        {
            mainParsed = parsed;
            return match;
        }
        return match.Kind == AddressMatchKind.None ? MatchText(main, communityCode, out mainParsed) : match;
    }

    /// <summary>The text before the first comma, when a note follows it; null when there is none.</summary>
    public static string? WithoutNote(string? text)
    {
        if (text is null) return null;
        var comma = text.IndexOfAny([',', '，', ';', '；']);
        return comma > 0 ? text[..comma] : null;
    }

    private AddressMatch MatchText(string? freeText, string? communityCode, out ParsedAddress? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(freeText)) return AddressMatch.NoMatch;
        var normalized = ChineseAddressParser.Normalize(freeText);
        if (Unique(_byText, normalized, communityCode) is { } exact) return new(AddressMatchKind.Exact, exact);

        parsed = ChineseAddressParser.ParseNormalized(normalized);
        if (parsed.HasNoPlace) return AddressMatch.NoMatch;
        if (Unique(_byPlace, parsed.PlaceKey, communityCode) is { } normalised) return new(AddressMatchKind.Normalised, normalised);
        if (parsed.Road is not null && parsed.DoorNo is not null && Unique(_byPlaceWithoutArea, parsed.PlaceKeyWithoutArea, communityCode) is { } withoutArea)
            return new(AddressMatchKind.Probable, withoutArea);
        if (parsed.ResidentialArea is not null && Unique(_byArea, parsed.AreaKey, communityCode) is { } byArea) return new(AddressMatchKind.Probable, byArea);
        return AddressMatch.NoMatch;
    }

    /// <summary>A standard address built from a free-text address of a register that has no parts (e.g. a housing register).</summary>
    public static StandardAddress FromText(string addressCode, string communityCode, string fullAddress)
    {
        var p = ChineseAddressParser.Parse(fullAddress);
        return new StandardAddress(addressCode, communityCode, fullAddress, p.Road, p.DoorNo, p.ResidentialArea, p.Building, p.Unit, p.Room);
    }

    /// <summary>The standard address's own parts, normalised the way a parsed address is.</summary>
    private static ParsedAddress FromStandard(StandardAddress a)
    {
        static string? N(string? v) => string.IsNullOrWhiteSpace(v) ? null : ChineseAddressParser.Normalize(v);
        var building = N(a.Building);
        if (building is not null && !building.EndsWith('栋')) building += "栋";
        var unit = N(a.Unit);
        if (unit is not null && !unit.EndsWith("单元", StringComparison.Ordinal)) unit += "单元";
        var room = N(a.Room)?.TrimEnd('室');
        var door = N(a.DoorNo);
        if (door is not null && !door.EndsWith('号')) door += "号";
        return new ParsedAddress(null, null, null, null, null, N(a.Road), door, N(a.ResidentialArea), building, unit, room);
    }

    private static void Add(Dictionary<string, List<StandardAddress>> index, string key, StandardAddress a)
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        list.Add(a);
    }

    private static StandardAddress? Unique(Dictionary<string, List<StandardAddress>> index, string key, string? communityCode)
    {
        if (!index.TryGetValue(key, out var list)) return null;
        if (list.Count == 1) return list[0];
        if (communityCode is null) return null;
        StandardAddress? found = null;
        foreach (var a in list)
        {
            if (a.CommunityCode != communityCode) continue;
            if (found is not null) return null; // still ambiguous within the community
            found = a;
        }
        return found;
    }
}
