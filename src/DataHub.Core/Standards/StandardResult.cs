namespace DataHub.Core.Standards;

/// <summary>
/// The outcome of normalising a value by a standard: the normalised value, or a stable reason code
/// (for the quarantine) with a zh-CN message. <see cref="IsWarning"/> marks a value that is kept but
/// counted as a quality defect (e.g. a credit code failing its check, which real registries hold).
/// </summary>
public readonly record struct StandardResult(string? Value, string? ReasonCode, string? Message, bool IsWarning = false)
{
    public bool IsOk => ReasonCode is null || IsWarning;

    public static StandardResult Ok(string value) => new(value, null, null);

    public static StandardResult Fail(string code, string message) => new(null, code, message);

    public static StandardResult Warn(string value, string code, string message) => new(value, code, message, true);
}
