namespace DataHub.Pipelines.Resolution;

/// <summary>
/// A free-text Chinese address split into the levels of the standard address (标准地址): the
/// administrative part (province to community) and the place part (road, door number, residential
/// area, building, unit, room). Every part is normalised (half-width digits, Arabic numerals, no
/// spaces, suffixes unified: 幢/号楼/座 → 栋, 室 dropped from rooms) or null when absent.
/// </summary>
public sealed record ParsedAddress(
    string? Province,
    string? City,
    string? District,
    string? Street,
    string? Community,
    string? Road,
    string? DoorNo,
    string? ResidentialArea,
    string? Building,
    string? Unit,
    string? Room)
{
    /// <summary>The place part as one comparable key: road, door, area, building, unit, room.</summary>
    public string PlaceKey => Join(Road, DoorNo, ResidentialArea, Building, Unit, Room);

    /// <summary>The place part without the residential area, which departments often leave out or name differently.</summary>
    public string PlaceKeyWithoutArea => Join(Road, DoorNo, null, Building, Unit, Room);

    /// <summary>The place part without road and door, for records that name only the residential area.</summary>
    public string AreaKey => Join(null, null, ResidentialArea, Building, Unit, Room);

    /// <summary>True when nothing of the place part was recognised.</summary>
    public bool HasNoPlace => Road is null && DoorNo is null && ResidentialArea is null && Building is null && Unit is null && Room is null;

    // Null parts are empty between the separators; no array or enumerator per key (one key per address of a rebuild).
    private static string Join(string? road, string? door, string? area, string? building, string? unit, string? room) =>
        $"{road}|{door}|{area}|{building}|{unit}|{room}";
}
