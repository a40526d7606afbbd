namespace DataHub.Core.Schema;

/// <summary>The value types a shared-schema field may have; each maps to one Parquet, DuckDB and Edm type.</summary>
public enum FieldType
{
    String,
    Int32,
    Int64,
    Decimal,
    Double,
    Boolean,
    Date,
    DateTimeOffset,
}

/// <summary>Personal-information classes of GB/T 35273, plus the two non-personal ones.</summary>
public enum Sensitivity
{
    Public,
    Internal,
    Personal,
    SensitivePersonal,
}

/// <summary>The masking presets users recognise (DOMAIN.md, "Personal information and masking").</summary>
public enum MaskKind
{
    /// <summary>Shown as stored.</summary>
    None,
    /// <summary>First 6 and last 4 characters kept: <c>320113********0015</c>.</summary>
    IdNumber,
    /// <summary>First 3 and last 4 digits kept: <c>138****8000</c>.</summary>
    Phone,
    /// <summary>Surname kept: <c>张*</c>.</summary>
    Name,
    /// <summary>Address cut to its first 9 characters (district and street).</summary>
    Address,
    /// <summary>A date cut to the first day of its year.</summary>
    Year,
    /// <summary>Replaced by a keyed hash, so records still join but the value is not shown.</summary>
    Hash,
    /// <summary>Not shown at all (null).</summary>
    Suppress,
}
