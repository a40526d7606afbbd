using System.Globalization;
using Hl7.Fhir.Model;

namespace DataHub.Connectors.Fhir;

/// <summary>
/// Folds one Patient and the Conditions and CarePlans that name it into a row of
/// <see cref="HealthRecordColumns"/>. Only text leaves here; what it means is the pipeline's job.
/// </summary>
internal sealed class PatientRowBuilder(FhirOptions options)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public object?[] Build(Patient patient, IReadOnlyList<Condition> conditions, IReadOnlyList<CarePlan> carePlans)
    {
        var row = new object?[HealthRecordColumns.Count];
        row[HealthRecordColumns.PatientId] = patient.Id;
        row[HealthRecordColumns.IdNumber] = patient.Identifier.FirstOrDefault(i => i.System == options.IdSystem)?.Value;
        row[HealthRecordColumns.ArchiveNo] = patient.Identifier.FirstOrDefault(i => i.System == options.ArchiveSystem)?.Value;
        row[HealthRecordColumns.Name] = patient.Name.FirstOrDefault() is { } name
            ? name.Text ?? (name.Family + string.Concat(name.Given))
            : null;
        row[HealthRecordColumns.Gender] = patient.Gender switch
        {
            AdministrativeGender.Male => "男",
            AdministrativeGender.Female => "女",
            _ => null,
        };
        row[HealthRecordColumns.BirthDate] = patient.BirthDate;
        row[HealthRecordColumns.CommunityCode] = patient.Address
            .SelectMany(a => a.Extension)
            .FirstOrDefault(e => e.Url == options.CommunityExtension)?.Value switch
        {
            Code c => c.Value,
            FhirString s => s.Value,
            _ => null,
        };
        row[HealthRecordColumns.ManagingInstitution] = patient.ManagingOrganization?.Display;

        // Active chronic conditions, earliest recorded first: the first is the one managed first.
        var codes = conditions
            .Where(c => c.ClinicalStatus?.Coding.Any(x => x.Code == "active") ?? true)
            .OrderBy(c => c.RecordedDate ?? "", StringComparer.Ordinal)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .SelectMany(c => c.Code?.Coding.Where(x => x.System == options.ConditionSystem).Select(x => x.Code) ?? [])
            .Where(c => !string.IsNullOrWhiteSpace(c))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        row[HealthRecordColumns.PrimaryDiagnosis] = codes.FirstOrDefault();
        row[HealthRecordColumns.ChronicDiseases] = codes.Count == 0 ? null : string.Join(';', codes);

        var contract = carePlans
            .Where(p => p.Status == RequestStatus.Active && p.Category.Any(c => c.Coding.Any(x => x.Code == options.ContractCategory)))
            .OrderByDescending(p => p.Period?.Start ?? "", StringComparer.Ordinal)
            .FirstOrDefault();
        row[HealthRecordColumns.FamilyDoctorSigned] = contract is null ? "false" : "true";
        row[HealthRecordColumns.SignedDate] = contract?.Period?.Start is { Length: >= 10 } start ? start[..10] : contract?.Period?.Start;
        row[HealthRecordColumns.Deceased] = patient.Deceased switch
        {
            FhirBoolean b => b.Value == true ? "true" : "false",
            FhirDateTime => "true",
            _ => "false",
        };
        var updated = new[] { patient.Meta?.LastUpdated }
            .Concat(conditions.Select(c => c.Meta?.LastUpdated))
            .Concat(carePlans.Select(p => p.Meta?.LastUpdated))
            .Max();
        row[HealthRecordColumns.UpdatedAt] = updated?.ToOffset(Beijing).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return row;
    }
}
