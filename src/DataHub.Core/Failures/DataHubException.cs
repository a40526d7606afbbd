namespace DataHub.Core.Failures;

/// <summary>
/// A failure a person can act on. <see cref="UserMessage"/> is zh-CN and says what went wrong,
/// <see cref="Where"/> where (file, line, column, field) and <see cref="Fix"/> how to fix it; these
/// are shown to users. The exception message is for engineers and never holds row values.
/// </summary>
public class DataHubException : Exception
{
    public DataHubException(FailureKind kind, string code, string userMessage, string? where = null, string? fix = null, Exception? inner = null)
        : base($"{code}: {userMessage}" + (where is null ? "" : $" [{where}]"), inner)
    {
        Kind = kind;
        Code = code;
        UserMessage = userMessage;
        Where = where;
        Fix = fix;
    }

    public FailureKind Kind { get; }

    /// <summary>A stable machine code such as <c>CSV_RAGGED_ROW</c>.</summary>
    public string Code { get; }

    public string UserMessage { get; }

    public string? Where { get; }

    public string? Fix { get; }

    public bool IsTransient => Kind == FailureKind.Transient;

    /// <summary>One block of text for a terminal or a log: what, where, how to fix.</summary>
    public string Describe()
    {
        var text = $"错误 [{Code}]：{UserMessage}";
        if (Where is not null) text += $"\n位置：{Where}";
        if (Fix is not null) text += $"\n处理办法：{Fix}";
        return text;
    }
}
