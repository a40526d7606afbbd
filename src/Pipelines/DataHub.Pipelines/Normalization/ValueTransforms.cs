using DataHub.Core.Standards;

namespace DataHub.Pipelines.Normalization;

/// <summary>
/// The named transforms a source definition may list for a field, applied in order after the
/// value is trimmed. Every value is trimmed (including the ideographic space) without asking.
/// </summary>
public static class ValueTransforms
{
    private static readonly Dictionary<string, Func<string, string>> Transforms = new(StringComparer.Ordinal)
    {
        ["halfwidth"] = TextNormalizer.ToHalfWidth,
        ["upper"] = v => v.ToUpperInvariant(),
        ["lower"] = v => v.ToLowerInvariant(),
        ["remove_spaces"] = TextNormalizer.RemoveWhiteSpace,
        ["collapse_spaces"] = v => string.Join(' ', v.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)),
        ["single_line"] = v => string.Join(' ', v.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)),
    };

    public static IReadOnlyCollection<string> Known => Transforms.Keys;

    public static bool IsKnown(string name) => Transforms.ContainsKey(name);

    public static string Apply(string name, string value) => Transforms[name](value);
}
