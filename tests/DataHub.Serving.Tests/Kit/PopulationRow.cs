namespace DataHub.Serving.Tests.Kit;

/// <summary>One synthetic row of schemas/population.schema.json, in schema field order.</summary>
public sealed record PopulationRow(
    string RecordId,
    string IdNumber,
    string Name,
    string Gender,
    string? Ethnicity,
    DateOnly BirthDate,
    string? HouseholdAddress,
    string? CurrentAddress,
    string CommunityCode,
    string CommunityName,
    string StreetCode,
    string PersonType,
    DateOnly? MoveInDate,
    string? Status,
    string? Phone,
    DateTimeOffset? UpdatedAt)
{
    public object?[] Values() =>
    [
        RecordId, IdNumber, Name, Gender, Ethnicity, BirthDate, HouseholdAddress, CurrentAddress,
        CommunityCode, CommunityName, StreetCode, PersonType, MoveInDate, Status, Phone, UpdatedAt,
    ];
}
