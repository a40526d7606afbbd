namespace DataHub.Core.Schema;

/// <summary>One field of a shared-schema dataset, as declared in <c>schemas/*.schema.json</c>.</summary>
/// <param name="Name">Machine name (snake_case ASCII): the Parquet and SQL column.</param>
/// <param name="Title">zh-CN display name: the OData property and the Excel column header.</param>
/// <param name="Standard">The national standard the value follows, e.g. <c>GB 11643-1999</c>; its rule lives in <see cref="Standards.StandardRegistry"/>.</param>
/// <param name="AllowedValues">A closed code list, if any (e.g. 户籍/流动/境外).</param>
/// <param name="RecordRule">
/// The field identifies the row (<c>x-record-fields</c>): a value that fails its rules quarantines
/// the whole row. Otherwise a failing value is a field issue: the row is kept, the field set to null
/// and the original value and reason recorded.
/// </param>
public sealed record FieldSpec(
    string Name,
    string Title,
    string Description,
    FieldType Type,
    bool Required,
    Sensitivity Sensitivity,
    MaskKind DefaultMask,
    string? Standard,
    int? MaxLength = null,
    int Precision = 18,
    int Scale = 2,
    IReadOnlyList<string>? AllowedValues = null,
    bool Derived = false,
    bool RecordRule = false);
