using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DataHub.TestKit.Tests.OData;

/// <summary>What the fake service gets wrong (all false: a correct service).</summary>
public sealed record FakeBehavior
{
    public bool RelativeNextLink { get; init; }
    public bool NextLinkDropsSelect { get; init; }
    public bool DuplicateKeyAcrossPages { get; init; }
    public bool TwoODataVersionHeadersOnPages { get; init; }
    public bool MetadataAsJson { get; init; }
    public bool WrongServiceDocumentContext { get; init; }
    public bool NextLinkOtherHost { get; init; }
    public bool DateAsEmptyString { get; init; }
    public bool Compress { get; init; } = true;
    public (string User, string Password)? RequireBasic { get; init; }
}

/// <summary>
/// A tiny hand-written OData v4 service on a real Kestrel (127.0.0.1, port 0): one entity set People
/// (Id Int64 key, 姓名 String, BirthDate Date), 8 rows, 3 rows a page, keyset $skiptoken.
/// </summary>
public sealed class FakeODataService : IAsyncDisposable
{
    public const int PageSize = 3;

    public static readonly IReadOnlyList<(long Id, string? Name, DateOnly? BirthDate)> People =
    [
        (1, "张三", new DateOnly(1980, 1, 2)),
        (2, "李四", new DateOnly(1975, 12, 31)),
        (3, null, null),
        (4, "王五", new DateOnly(2001, 6, 15)),
        (5, "赵六", new DateOnly(1990, 2, 28)),
        (6, "Zoë \"quoted\"", new DateOnly(1969, 7, 20)),
        (7, "钱七", new DateOnly(2024, 2, 29)),
        (8, "孙八", new DateOnly(1955, 3, 1)),
    ];

    public const string MetadataXml = """
        <?xml version="1.0" encoding="utf-8"?>
        <edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
          <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
            <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
          </edmx:Reference>
          <edmx:DataServices>
            <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
              <EntityType Name="Person">
                <Key><PropertyRef Name="Id" /></Key>
                <Property Name="Id" Type="Edm.Int64" Nullable="false">
                  <Annotation Term="Core.Description" String="编号" />
                </Property>
                <Property Name="姓名" Type="Edm.String">
                  <Annotation Term="Core.Description" String="居民姓名" />
                </Property>
                <Property Name="BirthDate" Type="Edm.Date" />
              </EntityType>
              <EntityContainer Name="Container">
                <EntitySet Name="People" EntityType="Demo.Person">
                  <Annotation Term="Core.Description" String="人口" />
                </EntitySet>
              </EntityContainer>
            </Schema>
          </edmx:DataServices>
        </edmx:Edmx>
        """;

    private const string JsonContentType = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8";

    private readonly WebApplication _app;
    private readonly FakeBehavior _behavior;

    private FakeODataService(WebApplication app, FakeBehavior behavior, Uri root)
    {
        _app = app;
        _behavior = behavior;
        Root = root;
        Http = new HttpClient();
    }

    /// <summary>The service root, e.g. http://127.0.0.1:41234/odata/.</summary>
    public Uri Root { get; private set; }

    /// <summary>A plain HttpClient (no automatic decompression).</summary>
    public HttpClient Http { get; }

    /// <summary>Every request received: path and query, and its headers.</summary>
    public ConcurrentQueue<(string PathAndQuery, Dictionary<string, string> Headers)> Requests { get; } = new();

    public Uri PeopleUrl(string query = "") => new(Root, "People" + query);

    public static async Task<FakeODataService> StartAsync(FakeBehavior? behavior = null)
    {
        behavior ??= new FakeBehavior();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddResponseCompression();
        var app = builder.Build();
        var service = new FakeODataService(app, behavior, new Uri("http://placeholder/"));
        if (behavior.Compress)
        {
            app.UseResponseCompression();
        }

        app.Run(service.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        service.Root = new Uri(address.TrimEnd('/') + "/odata/");
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue((request.Path + request.QueryString, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        var response = context.Response;

        if (_behavior.RequireBasic is { } basic)
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.User}:{basic.Password}"));
            if (request.Headers.Authorization.ToString() != expected)
            {
                response.Headers.WWWAuthenticate = "Basic realm=\"DataHub\"";
                await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "需要用户名和 API 密钥。");
                return;
            }
        }

        switch (request.Path.Value)
        {
            case "/odata" or "/odata/":
                await WriteServiceDocumentAsync(context);
                break;
            case "/odata/$metadata":
                await WriteMetadataAsync(context);
                break;
            case "/odata/People":
                if (request.Query.ContainsKey("$apply"))
                {
                    await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "NotSupported", "不支持 $apply。");
                    return;
                }

                await WritePageAsync(context);
                break;
            case "/odata/People/$count":
                response.Headers["OData-Version"] = "4.0";
                response.ContentType = "text/plain";
                await response.WriteAsync(People.Count.ToString(CultureInfo.InvariantCulture));
                break;
            case "/odata/Crash":
                response.StatusCode = 500;
                response.ContentType = "text/plain";
                await response.WriteAsync("System.InvalidOperationException: boom\n   at DataHub.Serving.Feed.Read() in Feed.cs:line 42");
                break;
            default:
                await WriteErrorAsync(context, StatusCodes.Status404NotFound, "NotFound", "没有这个资源。");
                break;
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["OData-Version"] = "4.0";
        context.Response.ContentType = JsonContentType;
        await WriteJsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private async Task WriteServiceDocumentAsync(HttpContext context)
    {
        context.Response.Headers["OData-Version"] = "4.0";
        context.Response.ContentType = JsonContentType;
        await WriteJsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", _behavior.WrongServiceDocumentContext ? "$metadata" : Root.AbsoluteUri + "$metadata");
            w.WriteStartArray("value");
            w.WriteStartObject();
            w.WriteString("name", "People");
            w.WriteString("kind", "EntitySet");
            w.WriteString("url", "People");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task WriteMetadataAsync(HttpContext context)
    {
        context.Response.Headers["OData-Version"] = "4.0";
        if (_behavior.MetadataAsJson)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("""
                {"$Version":"4.0","$EntityContainer":"Demo.Container",
                 "Demo":{"Person":{"$Kind":"EntityType","$Key":["Id"],"Id":{"$Type":"Edm.Int64"},"姓名":{"$Nullable":true},"BirthDate":{"$Type":"Edm.Date","$Nullable":true}},
                 "Container":{"$Kind":"EntityContainer","People":{"$Collection":true,"$Type":"Demo.Person"}}}}
                """);
            return;
        }

        context.Response.ContentType = "application/xml; charset=utf-8";
        await context.Response.WriteAsync(MetadataXml);
    }

    private async Task WritePageAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var select = query.TryGetValue("$select", out var s)
            ? s.ToString().Split(',').Select(x => x.Trim()).ToList()
            : null;
        var afterId = query.TryGetValue("$skiptoken", out var token) ? long.Parse(token.ToString(), CultureInfo.InvariantCulture) : 0;
        var page = People.Where(p => p.Id > afterId).Take(PageSize).ToList();
        var hasMore = People.Any(p => p.Id > (page.Count > 0 ? page[^1].Id : long.MaxValue));
        var withCount = query.TryGetValue("$count", out var c) && c.ToString() == "true";

        string? nextLink = null;
        if (hasMore)
        {
            var lastId = page[^1].Id - (_behavior.DuplicateKeyAcrossPages ? 1 : 0);
            var parts = query
                .Where(q => q.Key != "$skiptoken" && !(_behavior.NextLinkDropsSelect && q.Key == "$select"))
                .Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value.ToString()))
                .Append("$skiptoken=" + lastId.ToString(CultureInfo.InvariantCulture));
            var relative = "People?" + string.Join("&", parts);
            nextLink = _behavior.RelativeNextLink ? relative
                : _behavior.NextLinkOtherHost ? new Uri(new Uri("http://public.example.org/odata/"), relative).AbsoluteUri
                : new Uri(Root, relative).AbsoluteUri;
        }

        if (_behavior.TwoODataVersionHeadersOnPages)
        {
            context.Response.Headers.Append("OData-Version", "4.0");
            context.Response.Headers.Append("OData-Version", "4.0");
        }
        else
        {
            context.Response.Headers["OData-Version"] = "4.0";
        }

        context.Response.ContentType = JsonContentType;
        var contextUrl = Root.AbsoluteUri + "$metadata#People" + (select is null ? "" : "(" + string.Join(",", select) + ")");
        await WriteJsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", contextUrl);
            if (withCount)
            {
                w.WriteNumber("@odata.count", People.Count);
            }

            w.WriteStartArray("value");
            foreach (var (id, name, birthDate) in page)
            {
                w.WriteStartObject();
                if (select is null || select.Contains("Id"))
                {
                    w.WriteNumber("Id", id);
                }

                if (select is null || select.Contains("姓名"))
                {
                    w.WriteString("姓名", name);
                }

                if (select is null || select.Contains("BirthDate"))
                {
                    if (_behavior.DateAsEmptyString && birthDate is null)
                    {
                        w.WriteString("BirthDate", "");
                    }
                    else
                    {
                        w.WriteString("BirthDate", birthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (nextLink is not null)
            {
                w.WriteString("@odata.nextLink", nextLink);
            }

            w.WriteEndObject();
        });
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        await context.Response.Body.WriteAsync(buffer.ToArray());
    }
}
