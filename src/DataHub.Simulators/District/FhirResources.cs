using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace DataHub.Simulators.District;

/// <summary>
/// The health system's FHIR R4 resources, built with Firely's POCOs so the server serves what a
/// real R4 server would. Conventions of the simulated 卫健 system (docs/SIMULATED-DISTRICT.md):
/// the 身份号码 and 健康档案编号 are Patient.identifier with the systems below, the community code
/// is an extension on Patient.address, chronic diseases are Conditions coded in ICD-10, and the
/// family-doctor contract is a CarePlan with category <see cref="ContractCategory"/>.
/// </summary>
internal static class FhirResources
{
    public const string IdSystem = "urn:datahub:sid:cn-resident-id";
    public const string ArchiveSystem = "urn:datahub:sid:cn-health-archive";
    public const string CommunityExtension = "urn:datahub:fhir:extension:community-code";
    public const string Icd10System = "http://hl7.org/fhir/sid/icd-10";
    public const string ContractCategory = "family-doctor-contract";
    public const string ContractCategorySystem = "urn:datahub:fhir:careplan-category";

    private static readonly FhirJsonSerializer Serializer = new();

    public static string Instant(DateTimeOffset t) =>
        t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static string PatientJson(ResidentState r, PatientState p, string id, string? idNumber, DateTimeOffset updated, string communityName)
    {
        var patient = new Patient
        {
            Id = id,
            Meta = new Meta { LastUpdated = updated },
            Active = true,
            Gender = r.Male ? AdministrativeGender.Male : AdministrativeGender.Female,
            BirthDate = r.Birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ManagingOrganization = new ResourceReference { Display = p.Institution },
        };
        if (idNumber is not null) patient.Identifier.Add(new Identifier(IdSystem, idNumber));
        patient.Identifier.Add(new Identifier(ArchiveSystem, p.ArchiveNo));
        patient.Name.Add(new HumanName { Text = r.Name, Use = HumanName.NameUse.Official });
        var address = new Address { Text = r.Address, District = communityName, Use = Address.AddressUse.Home };
        address.Extension.Add(new Extension(CommunityExtension, new Code(r.CommunityCode)));
        patient.Address.Add(address);
        if (p.Deceased is { } died) patient.Deceased = new FhirDateTime(died.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return Serializer.SerializeToString(patient);
    }

    public static string ConditionJson(string patientId, ConditionState c)
    {
        var condition = new Condition
        {
            Id = c.Id,
            Meta = new Meta { LastUpdated = c.Updated },
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
            Code = new CodeableConcept(Icd10System, c.Icd10, c.Display),
            Subject = new ResourceReference("Patient/" + patientId),
            RecordedDate = c.Recorded.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        condition.Category.Add(new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item"));
        return Serializer.SerializeToString(condition);
    }

    public static string CarePlanJson(string patientId, ContractState contract)
    {
        var plan = new CarePlan
        {
            Id = contract.Id,
            Meta = new Meta { LastUpdated = contract.Updated },
            Status = RequestStatus.Active,
            Intent = CarePlan.CarePlanIntent.Plan,
            Title = "家庭医生签约服务协议",
            Subject = new ResourceReference("Patient/" + patientId),
            Period = new Period
            {
                Start = contract.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                End = contract.Start.AddYears(1).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
        };
        plan.Category.Add(new CodeableConcept(ContractCategorySystem, ContractCategory, "家庭医生签约"));
        plan.CareTeam.Add(new ResourceReference { Display = contract.Team });
        return Serializer.SerializeToString(plan);
    }
}
