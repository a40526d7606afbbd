using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Fhir;

/// <summary>
/// The columns the FHIR connector offers: one row per Patient, with its active Conditions and its
/// family-doctor CarePlan folded in. Names are the FHIR paths people look up in the server's data.
/// </summary>
internal static class HealthRecordColumns
{
    public const int PatientId = 0, IdNumber = 1, ArchiveNo = 2, Name = 3, Gender = 4, BirthDate = 5, CommunityCode = 6,
        ManagingInstitution = 7, PrimaryDiagnosis = 8, ChronicDiseases = 9, FamilyDoctorSigned = 10, SignedDate = 11,
        Deceased = 12, UpdatedAt = 13, Count = 14;

    public static IReadOnlyList<SourceColumn> All { get; } =
    [
        new("Patient.id", 1, "string"),
        new("Patient.identifier[身份号码]", 2, "string"),
        new("Patient.identifier[健康档案编号]", 3, "string"),
        new("Patient.name", 4, "string"),
        new("Patient.gender", 5, "string"),
        new("Patient.birthDate", 6, "date"),
        new("Patient.address.社区代码", 7, "string"),
        new("Patient.managingOrganization", 8, "string"),
        new("Condition.主要诊断", 9, "string"),
        new("Condition.慢性病", 10, "string"),
        new("CarePlan.家庭医生签约", 11, "boolean"),
        new("CarePlan.签约日期", 12, "date"),
        new("Patient.deceased", 13, "boolean"),
        new("meta.lastUpdated", 14, "datetime"),
    ];
}
