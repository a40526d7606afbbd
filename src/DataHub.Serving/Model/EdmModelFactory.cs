using System.Text;
using System.Xml;
using DataHub.Serving.Access;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Validation;

namespace DataHub.Serving.Model;

/// <summary>
/// Builds the Edm models: one namespace and container, one entity set per dataset, property names
/// from the zh-CN titles, <c>Core.Description</c> on sets and properties, Capabilities annotations.
/// A model that does not validate is a defect of ours and throws.
/// </summary>
internal static class EdmModelFactory
{
    public const string Namespace = "DataHub";
    public const string ContainerName = "Container";

    /// <summary>A model holding the given datasets; the entity sets are returned in the same order.</summary>
    public static (EdmModel Model, IReadOnlyList<EdmEntitySet> Sets) Build(IReadOnlyList<DatasetView> views)
    {
        var model = new EdmModel();
        AggregationVocabulary.Reference(model);
        var container = new EdmEntityContainer(Namespace, ContainerName);
        model.AddElement(container);
        CapabilityAnnotations.ApplyToContainer(model, container);

        var sets = new List<EdmEntitySet>();
        foreach (var view in views)
        {
            var type = new EdmEntityType(Namespace, view.Schema.EntitySetName + "Record");
            foreach (var column in view.Columns)
            {
                var property = type.AddStructuralProperty(column.Property, EdmTypes.ReferenceFor(column));
                model.SetDescriptionAnnotation(property, Describe(column));
                if (column == view.Key) type.AddKeys(property);
            }
            model.AddElement(type);
            var set = container.AddEntitySet(view.Schema.EntitySetName, type);
            model.SetDescriptionAnnotation(set, $"{view.Schema.Title}：{view.Schema.Description}");
            CapabilityAnnotations.Apply(model, set, view);
            sets.Add(set);
        }

        if (!model.Validate(out var errors))
        {
            throw new InvalidOperationException("The generated Edm model is invalid: " + string.Join("; ", errors.Select(e => e.ToString())));
        }
        return (model, sets);
    }

    /// <summary>The <c>$metadata</c> document (CSDL XML, Edmx 4.0), UTF-8 without BOM.</summary>
    public static byte[] WriteCsdl(IEdmModel model)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            if (!CsdlWriter.TryWriteCsdl(model, writer, CsdlTarget.OData, out var errors))
            {
                throw new InvalidOperationException("CSDL could not be written: " + string.Join("; ", errors.Select(e => e.ToString())));
            }
        }
        return buffer.ToArray();
    }

    private static string Describe(ViewColumn column) => column.Mask switch
    {
        Core.Schema.MaskKind.None => column.Field.Description,
        var mask => $"{column.Field.Description}（已脱敏：{MaskDescriptions.Of(mask)}；不能用于筛选或排序）",
    };
}
