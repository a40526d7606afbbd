using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Vocabularies;

namespace DataHub.TestKit.OData;

/// <summary>Core.Description lookups, as Excel shows them for tables and columns.</summary>
public static class EdmDescriptions
{
    public const string CoreDescriptionTerm = "Org.OData.Core.V1.Description";

    /// <summary>The Core.Description string of any annotatable element, or null.</summary>
    public static string? GetCoreDescription(this IEdmModel model, IEdmVocabularyAnnotatable target)
    {
        var viaLibrary = model.GetDescriptionAnnotation(target);
        if (viaLibrary is not null)
        {
            return viaLibrary;
        }

        return model.FindVocabularyAnnotations(target)
            .Where(a => a.Term?.FullName() == CoreDescriptionTerm)
            .Select(a => a.Value)
            .OfType<IEdmStringConstantExpression>()
            .Select(v => v.Value)
            .FirstOrDefault();
    }

    /// <summary>The Core.Description of entity set <paramref name="entitySetName"/> (null if none); throws if the set does not exist.</summary>
    public static string? GetEntitySetDescription(this IEdmModel model, string entitySetName) =>
        model.GetCoreDescription(FindEntitySet(model, entitySetName));

    /// <summary>The Core.Description of a property of the set's entity type (null if none); throws if either does not exist.</summary>
    public static string? GetPropertyDescription(this IEdmModel model, string entitySetName, string propertyName)
    {
        var set = FindEntitySet(model, entitySetName);
        var property = set.EntityType.FindProperty(propertyName)
            ?? throw new StrictODataException(null, $"entity set {entitySetName} has no property {propertyName}");
        return model.GetCoreDescription(property);
    }

    internal static IEdmEntitySet FindEntitySet(IEdmModel model, string entitySetName) =>
        model.EntityContainer?.FindEntitySet(entitySetName)
        ?? throw new StrictODataException(null, $"the model has no entity set {entitySetName}");
}
