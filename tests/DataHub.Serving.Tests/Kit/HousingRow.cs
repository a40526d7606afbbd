namespace DataHub.Serving.Tests.Kit;

/// <summary>One synthetic row of the test-only housing schema (<see cref="TestSchemas.Housing"/>): every Edm type.</summary>
public sealed record HousingRow(
    string HouseId,
    string CommunityCode,
    decimal BuildingArea,
    int? RoomCount,
    long? ResidentCount,
    double? RentPrice,
    bool? IsRented,
    DateOnly? BuiltDate,
    string? OwnerName,
    string? OwnerPhone,
    string? OwnerId,
    DateTimeOffset UpdatedAt)
{
    public object?[] Values() =>
        [HouseId, CommunityCode, BuildingArea, RoomCount, ResidentCount, RentPrice, IsRented, BuiltDate, OwnerName, OwnerPhone, OwnerId, UpdatedAt];
}

/// <summary>One row of the test-only unscoped summary dataset.</summary>
public sealed record SummaryRow(string StatId, string StreetCode, long Total)
{
    public object?[] Values() => [StatId, StreetCode, Total];
}
