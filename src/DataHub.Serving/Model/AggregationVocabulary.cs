using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Vocabularies;

namespace DataHub.Serving.Model;

/// <summary>
/// The part of the OData Aggregation vocabulary the feed annotates with: the term
/// <c>Aggregation.ApplySupported</c> (Microsoft.OData.Edm ships Core and Capabilities, not
/// Aggregation). It lives in a model of its own that feed models reference, so the CSDL carries an
/// <c>edmx:Reference</c> to the OASIS vocabulary rather than a copy of it.
/// </summary>
internal static class AggregationVocabulary
{
    public const string Namespace = "Org.OData.Aggregation.V1";
    public const string Alias = "Aggregation";

    private static readonly Uri Location = new("https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Aggregation.V1.xml");

    public static readonly EdmModel Model = Build(out ApplySupported);

    public static readonly IEdmTerm ApplySupported;

    /// <summary>References the vocabulary from <paramref name="model"/> (term lookup and the edmx:Reference element).</summary>
    public static void Reference(EdmModel model)
    {
        model.AddReferencedModel(Model);
        var reference = new EdmReference(Location);
        reference.AddInclude(new EdmInclude(Alias, Namespace));
        model.SetEdmReferences([reference]);
    }

    private static EdmModel Build(out IEdmTerm applySupported)
    {
        var model = new EdmModel();
        var type = new EdmComplexType(Namespace, "ApplySupportedType");
        type.AddStructuralProperty("Transformations", new EdmCollectionTypeReference(new EdmCollectionType(EdmCoreModel.Instance.GetString(false))));
        type.AddStructuralProperty("GroupableProperties", new EdmCollectionTypeReference(new EdmCollectionType(EdmCoreModel.Instance.GetPropertyPath(false))));
        model.AddElement(type);
        var term = new EdmTerm(Namespace, "ApplySupported", new EdmComplexTypeReference(type, isNullable: false), "EntitySet EntityContainer");
        model.AddElement(term);
        applySupported = term;
        return model;
    }
}
