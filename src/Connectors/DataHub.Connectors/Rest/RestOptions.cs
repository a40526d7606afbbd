using System.Globalization;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Http;

namespace DataHub.Connectors.Rest;

/// <summary>How a REST API splits its records into pages.</summary>
internal enum RestPaging
{
    /// <summary>One request returns everything.</summary>
    None,
    /// <summary>Page numbers: <c>?page=1&amp;size=100</c>, <c>page=2</c>, ... until a short page.</summary>
    Page,
    /// <summary>Row offsets: <c>?offset=0&amp;limit=100</c>, <c>offset=100</c>, ... until a short page.</summary>
    Offset,
    /// <summary>An opaque cursor the response names for the next page, until it names none.</summary>
    Cursor,
}

/// <summary>The REST connector's options, validated as a whole before the first request.</summary>
internal sealed record RestOptions(
    string SourceId,
    Uri Url,
    string RecordsPath,
    RestPaging Paging,
    string PageParam,
    int PageStart,
    string SizeParam,
    int PageSize,
    string OffsetParam,
    string CursorParam,
    string? NextCursorPath,
    string? SinceParam,
    string? CursorField,
    HttpSourceOptions Http)
{
    public const string UrlOption = "url";
    public const string RecordsPathOption = "records_path";
    public const string PagingOption = "paging";
    public const string PageParamOption = "page_param";
    public const string PageStartOption = "page_start";
    public const string SizeParamOption = "size_param";
    public const string PageSizeOption = "page_size";
    public const string OffsetParamOption = "offset_param";
    public const string CursorParamOption = "cursor_param";
    public const string NextCursorPathOption = "next_cursor_path";
    public const string SinceParamOption = "since_param";
    public const string CursorFieldOption = "cursor_field";

    public const int MaxPageSize = 10_000;

    public static IReadOnlyList<ConnectorOption> Declared { get; } =
    [
        new(UrlOption, "接口地址（http 或 https），可带固定的查询参数，如 https://api.example.gov.cn/v1/enterprises?area=320113", null, Required: true),
        new(RecordsPathOption, "响应 JSON 中记录数组的位置，用点分隔，如 data.items；响应本身就是数组时留空", "", Required: false),
        new(PagingOption, "分页方式：none（一次返回全部）、page（页码）、offset（偏移量）、cursor（游标）", "none", Required: false),
        new(PageParamOption, "page 分页时页码参数名", "page", Required: false),
        new(PageStartOption, "page 分页时第一页的页码（0 或 1）", "1", Required: false),
        new(SizeParamOption, "每页条数的参数名（page、offset、cursor 分页）", "size", Required: false),
        new(PageSizeOption, $"每页条数，1 到 {MaxPageSize}；返回不足一页即视为最后一页（page、offset 分页）", "100", Required: false),
        new(OffsetParamOption, "offset 分页时偏移量参数名", "offset", Required: false),
        new(CursorParamOption, "cursor 分页时游标参数名", "cursor", Required: false),
        new(NextCursorPathOption, "cursor 分页时响应中下一页游标的位置（点分隔，如 data.next_cursor）；为空或 null 表示没有下一页", null, Required: false),
        new(SinceParamOption, "增量参数名，如 updated_since：后续运行只取该时间（不含）之后变更的记录；与 cursor_field 一起设置", null, Required: false),
        new(CursorFieldOption, "记录中的更新时间字段（点分隔），其最大值作为下次运行的增量起点，随发布一起保存", null, Required: false),
        .. HttpSourceOptions.Declared,
    ];

    public bool Incremental => SinceParam is not null;

    public static RestOptions From(SourceConfig config)
    {
        var url = HttpSourceOptions.Url(config, UrlOption);
        var paging = (config.Option(PagingOption) ?? "none").Trim().ToLowerInvariant() switch
        {
            "" or "none" => RestPaging.None,
            "page" => RestPaging.Page,
            "offset" => RestPaging.Offset,
            "cursor" => RestPaging.Cursor,
            var other => throw HttpSourceOptions.Invalid(config, PagingOption, $"不认识的分页方式“{other}”", "可选值：none、page、offset、cursor"),
        };
        var nextCursor = Text(config, NextCursorPathOption);
        if (paging == RestPaging.Cursor && nextCursor is null)
            throw HttpSourceOptions.Invalid(config, NextCursorPathOption, "cursor 分页必须说明下一页游标在响应中的位置", "加上 next_cursor_path: data.next_cursor（按对方接口文档）");
        var since = Text(config, SinceParamOption);
        var cursorField = Text(config, CursorFieldOption);
        if ((since is null) != (cursorField is null))
            throw HttpSourceOptions.Invalid(config, since is null ? SinceParamOption : CursorFieldOption, "增量读取需要同时设置 since_param 和 cursor_field", "两个都设置（增量），或都不设置（每次全量）");
        return new RestOptions(
            config.SourceId, url, Text(config, RecordsPathOption) ?? "", paging,
            Text(config, PageParamOption) ?? "page",
            (int)Integer(config, PageStartOption, 1, 0, 1),
            Text(config, SizeParamOption) ?? "size",
            (int)Integer(config, PageSizeOption, 100, 1, MaxPageSize),
            Text(config, OffsetParamOption) ?? "offset",
            Text(config, CursorParamOption) ?? "cursor",
            nextCursor, since, cursorField,
            HttpSourceOptions.From(config));
    }

    private static string? Text(SourceConfig config, string option) =>
        config.Option(option) is { } v && v.Trim().Length > 0 ? v.Trim() : null;

    private static long Integer(SourceConfig config, string option, long fallback, long min, long max)
    {
        var raw = config.Option(option);
        if (raw is null || raw.Trim().Length == 0) return fallback;
        if (!long.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw HttpSourceOptions.Invalid(config, option, $"值“{raw}”无效", $"填写 {min} 到 {max} 之间的整数");
        return value;
    }
}
