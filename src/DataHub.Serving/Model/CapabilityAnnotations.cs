using DataHub.Serving.Access;
using DataHub.Serving.Query;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Vocabularies;

namespace DataHub.Serving.Model;

/// <summary>
/// Capabilities annotations that state exactly what the feed does (EXCEL-ODATA.md rule 9): filter,
/// sort, top, skip and count work, masked columns can be neither filtered nor sorted, and there is
/// no expand, search, batch, insert, update or delete; key lookup works; <c>$apply</c> supports
/// filter, groupby and aggregate (<c>Aggregation.ApplySupported</c>), grouping on unmasked columns only.
/// </summary>
internal static class CapabilityAnnotations
{
    private const string Capabilities = "Org.OData.Capabilities.V1.";

    public static void Apply(EdmModel model, EdmEntitySet set, DatasetView view)
    {
        var masked = view.Columns.Where(c => c.IsMasked).Select(c => (IEdmExpression)new EdmPropertyPathExpression(c.Property)).ToArray();

        Annotate(model, set, "FilterRestrictions", Record(
            ("Filterable", new EdmBooleanConstant(true)),
            ("RequiresFilter", new EdmBooleanConstant(false)),
            ("NonFilterableProperties", new EdmCollectionExpression(masked))));
        Annotate(model, set, "SortRestrictions", Record(
            ("Sortable", new EdmBooleanConstant(true)),
            ("NonSortableProperties", new EdmCollectionExpression(masked))));
        Annotate(model, set, "FilterFunctions", new EdmCollectionExpression(
            FunctionTranslator.Supported.Order(StringComparer.Ordinal).Select(f => (IEdmExpression)new EdmStringConstant(f)).ToArray()));
        Annotate(model, set, "TopSupported", new EdmBooleanConstant(true));
        Annotate(model, set, "SkipSupported", new EdmBooleanConstant(true));
        Annotate(model, set, "CountRestrictions", Record(("Countable", new EdmBooleanConstant(true))));
        Annotate(model, set, "ExpandRestrictions", Record(("Expandable", new EdmBooleanConstant(false))));
        Annotate(model, set, "SearchRestrictions", Record(("Searchable", new EdmBooleanConstant(false))));
        Annotate(model, set, "IndexableByKey", new EdmBooleanConstant(true));
        var groupable = view.Columns.Where(c => !c.IsMasked).Select(c => (IEdmExpression)new EdmPropertyPathExpression(c.Property)).ToArray();
        var apply = new EdmVocabularyAnnotation(set, AggregationVocabulary.ApplySupported, Record(
            ("Transformations", new EdmCollectionExpression(new[] { "filter", "groupby", "aggregate" }.Select(t => (IEdmExpression)new EdmStringConstant(t)).ToArray())),
            ("GroupableProperties", new EdmCollectionExpression(groupable))));
        apply.SetSerializationLocation(model, EdmVocabularyAnnotationSerializationLocation.Inline);
        model.AddVocabularyAnnotation(apply);
        Annotate(model, set, "InsertRestrictions", Record(("Insertable", new EdmBooleanConstant(false))));
        Annotate(model, set, "UpdateRestrictions", Record(("Updatable", new EdmBooleanConstant(false))));
        Annotate(model, set, "DeleteRestrictions", Record(("Deletable", new EdmBooleanConstant(false))));
    }

    public static void ApplyToContainer(EdmModel model, EdmEntityContainer container) =>
        Annotate(model, container, "BatchSupported", new EdmBooleanConstant(false));

    private static EdmRecordExpression Record(params (string Name, IEdmExpression Value)[] properties) =>
        new(properties.Select(p => new EdmPropertyConstructor(p.Name, p.Value)));

    private static void Annotate(EdmModel model, IEdmVocabularyAnnotatable target, string term, IEdmExpression value)
    {
        var edmTerm = model.FindTerm(Capabilities + term)
            ?? throw new InvalidOperationException($"The Capabilities vocabulary of Microsoft.OData.Edm has no term {term}.");
        var annotation = new EdmVocabularyAnnotation(target, edmTerm, value);
        annotation.SetSerializationLocation(model, EdmVocabularyAnnotationSerializationLocation.Inline);
        model.AddVocabularyAnnotation(annotation);
    }
}
