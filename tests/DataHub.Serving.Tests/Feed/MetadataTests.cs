using System.Xml.Linq;
using DataHub.Core.Access;
using DataHub.Serving.Tests.Kit;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Validation;
using Microsoft.OData.Edm.Vocabularies;
using Microsoft.OData.Edm.Vocabularies.V1;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

public sealed class MetadataTests(TestLake lake) : IClassFixture<TestLake>
{
    private async Task<(FeedResponse Response, IEdmModel Model)> MetadataAsync(Principal principal)
    {
        var response = await lake.Client.GetAsync(principal, "$metadata");
        Assert.Equal(200, response.Status);
        return (response, ODataReading.Model(response));
    }

    [Fact]
    public async Task Metadata_Steward_IsEdmx40XmlThatValidates()
    {
        var (response, model) = await MetadataAsync(Principals.Steward);

        Assert.StartsWith("application/xml", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Single(response.Headers, h => h.Key == "OData-Version");
        Assert.Equal("4.0", XDocument.Parse(response.Body).Root!.Attribute("Version")!.Value);
        Assert.True(model.Validate(out var errors), string.Join("; ", errors));
    }

    [Fact]
    public async Task Metadata_FormatJson_StillXml()
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "$metadata?$format=json");
        Assert.Equal(400, response.Status);
        var xml = await lake.Client.GetAsync(Principals.Steward, "$metadata?$format=xml");
        Assert.StartsWith("application/xml", xml.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_Steward_ChinesePropertyNamesKeyAndDescriptions()
    {
        var (_, model) = await MetadataAsync(Principals.Steward);
        var set = model.EntityContainer.FindEntitySet("Population");
        var type = set.EntityType;

        Assert.Equal(TestSchemas.Population.Fields.Select(f => f.Title), type.StructuralProperties().Select(p => p.Name));
        Assert.Equal("记录编号", Assert.Single(type.Key()).Name);
        Assert.Contains("实有人口", model.GetDescriptionAnnotation(set), StringComparison.Ordinal);
        Assert.Equal("居民姓名。", model.GetDescriptionAnnotation(type.FindProperty("姓名")));
        Assert.All(type.StructuralProperties(), p => Assert.False(string.IsNullOrEmpty(model.GetDescriptionAnnotation(p))));
    }

    [Fact]
    public async Task Metadata_Types_MatchSchemaWithFacetsAndNullability()
    {
        var (_, model) = await MetadataAsync(Principals.Steward);
        var type = model.EntityContainer.FindEntitySet("Housing").EntityType;

        var area = type.FindProperty("建筑面积").Type.AsDecimal();
        Assert.Equal((10, 2, false), (area.Precision, area.Scale, area.IsNullable));
        Assert.Equal(EdmPrimitiveTypeKind.Int32, type.FindProperty("房间数").Type.PrimitiveKind());
        Assert.Equal(EdmPrimitiveTypeKind.Int64, type.FindProperty("租住人数").Type.PrimitiveKind());
        Assert.Equal(EdmPrimitiveTypeKind.Double, type.FindProperty("月租金").Type.PrimitiveKind());
        Assert.Equal(EdmPrimitiveTypeKind.Boolean, type.FindProperty("是否出租").Type.PrimitiveKind());
        Assert.Equal(EdmPrimitiveTypeKind.Date, type.FindProperty("建成日期").Type.PrimitiveKind());
        Assert.Equal(EdmPrimitiveTypeKind.DateTimeOffset, type.FindProperty("更新时间").Type.PrimitiveKind());
        Assert.False(type.FindProperty("更新时间").Type.IsNullable);
        Assert.True(type.FindProperty("房间数").Type.IsNullable);
    }

    [Fact]
    public async Task Metadata_Capabilities_StateWhatWorks()
    {
        var (_, model) = await MetadataAsync(Principals.Steward);
        var set = model.EntityContainer.FindEntitySet("Population");

        bool Bool(string term) => ((IEdmBooleanConstantExpression)Annotation(model, set, term).Value).Value;
        bool RecordBool(string term, string property) =>
            ((IEdmBooleanConstantExpression)((IEdmRecordExpression)Annotation(model, set, term).Value).FindProperty(property).Value).Value;

        Assert.True(Bool("TopSupported"));
        Assert.True(Bool("SkipSupported"));
        Assert.True(RecordBool("CountRestrictions", "Countable"));
        Assert.True(RecordBool("FilterRestrictions", "Filterable"));
        Assert.True(RecordBool("SortRestrictions", "Sortable"));
        Assert.False(RecordBool("ExpandRestrictions", "Expandable"));
        Assert.False(RecordBool("InsertRestrictions", "Insertable"));
        Assert.False(RecordBool("UpdateRestrictions", "Updatable"));
        Assert.False(RecordBool("DeleteRestrictions", "Deletable"));
        Assert.True(Bool("IndexableByKey"));
        var apply = Assert.Single(model.VocabularyAnnotations, a => a.Target == set && a.Term.FullName() == "Org.OData.Aggregation.V1.ApplySupported");
        var transformations = ((IEdmCollectionExpression)((IEdmRecordExpression)apply.Value).FindProperty("Transformations").Value).Elements
            .Select(e => ((IEdmStringConstantExpression)e).Value);
        Assert.Equal(["filter", "groupby", "aggregate"], transformations);
    }

    [Fact]
    public async Task Metadata_Analyst_HidesSensitiveAndMarksMaskedNonFilterable()
    {
        var (_, model) = await MetadataAsync(Principals.Analyst);
        var set = model.EntityContainer.FindEntitySet("Population");
        var names = set.EntityType.StructuralProperties().Select(p => p.Name).ToArray();

        Assert.DoesNotContain("公民身份号码", names);
        Assert.DoesNotContain("民族", names);
        Assert.DoesNotContain("迁入日期", names);
        Assert.Contains("性别", names);
        var nonFilterable = ((IEdmRecordExpression)Annotation(model, set, "FilterRestrictions").Value).FindProperty("NonFilterableProperties").Value;
        var paths = ((IEdmCollectionExpression)nonFilterable).Elements.Cast<IEdmPathExpression>().Select(p => p.Path).ToArray();
        Assert.Equal(["姓名", "出生日期", "户籍地址", "现住址", "联系电话"], paths);
        var nonSortable = ((IEdmRecordExpression)Annotation(model, set, "SortRestrictions").Value).FindProperty("NonSortableProperties").Value;
        Assert.Equal(paths, ((IEdmCollectionExpression)nonSortable).Elements.Cast<IEdmPathExpression>().Select(p => p.Path));
        Assert.Contains("已脱敏", model.GetDescriptionAnnotation(set.EntityType.FindProperty("姓名")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_CommunityWorker_SuppressedColumnNullableAndUnscopedSetAbsent()
    {
        var (_, model) = await MetadataAsync(Principals.CommunityWorkerA1);
        var type = model.EntityContainer.FindEntitySet("Population").EntityType;

        Assert.True(type.FindProperty("民族").Type.IsNullable);
        Assert.Equal("Edm.String", type.FindProperty("公民身份号码").Type.FullName());
        Assert.Null(model.EntityContainer.FindEntitySet("StreetSummary"));
    }

    [Fact]
    public async Task Metadata_HashedColumn_IsString()
    {
        var (_, model) = await MetadataAsync(Principals.Analyst);
        var phone = model.EntityContainer.FindEntitySet("Housing").EntityType.FindProperty("产权人电话");
        Assert.Equal(EdmPrimitiveTypeKind.String, phone.Type.PrimitiveKind());
    }

    private static IEdmVocabularyAnnotation Annotation(IEdmModel model, IEdmVocabularyAnnotatable target, string term) =>
        Assert.Single(model.FindVocabularyAnnotations(target), a => a.Term.FullName() == "Org.OData.Capabilities.V1." + term);
}
