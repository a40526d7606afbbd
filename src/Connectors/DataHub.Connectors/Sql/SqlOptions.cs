using System.Globalization;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Sql;

/// <summary>Which database a source reads.</summary>
internal enum SqlProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// The database connector's options, validated as a whole before any connection is opened. A
/// password never sits in the source file: it comes from an environment variable or a secrets
/// file the file names, and a connection string that carries one is a config error.
/// </summary>
internal sealed record SqlOptions(
    string SourceId,
    SqlProvider Provider,
    string Target,
    string? Table,
    string? Query,
    string? CursorColumn,
    string? DeletedColumn,
    IReadOnlyList<string> DeletedValues,
    string? TombstoneTable,
    string? TombstoneCursorColumn,
    int BatchSize,
    int TimeoutSeconds,
    string? PasswordEnv,
    string? PasswordFile)
{
    public const string ProviderOption = "provider";
    public const string DatabaseOption = "database";
    public const string ConnectionOption = "connection";
    public const string PasswordEnvOption = "password_env";
    public const string PasswordFileOption = "password_file";
    public const string TableOption = "table";
    public const string QueryOption = "query";
    public const string CursorOption = "cursor_column";
    public const string DeletedColumnOption = "deleted_column";
    public const string DeletedValuesOption = "deleted_values";
    public const string TombstoneTableOption = "tombstone_table";
    public const string TombstoneCursorOption = "tombstone_cursor_column";
    public const string BatchSizeOption = "batch_size";
    public const string TimeoutOption = "timeout_seconds";

    public const int DefaultBatchSize = 5000;
    public const int MaxBatchSize = 1_000_000;
    public const int DefaultTimeoutSeconds = 30;

    public static IReadOnlyList<ConnectorOption> Declared { get; } =
    [
        new(ProviderOption, "数据库类型：sqlite 或 postgresql", null, Required: true),
        new(DatabaseOption, "SQLite 数据库文件的路径（provider: sqlite 时填写）；相对路径以数据源定义文件所在目录为起点；以只读方式打开", null, Required: false),
        new(ConnectionOption, "PostgreSQL 连接字符串（provider: postgresql 时填写），如 Host=…;Port=5432;Database=…;Username=…；不得包含密码", null, Required: false),
        new(PasswordEnvOption, "存放数据库密码的环境变量名，如 DATAHUB_GA_DB_PASSWORD", null, Required: false),
        new(PasswordFileOption, "存放数据库密码的文件（只含密码一行）；相对路径以数据源定义文件所在目录为起点", null, Required: false),
        new(TableOption, "要读取的表（可写 模式.表名）；与 query 二选一", null, Required: false),
        new(QueryOption, "要读取的查询（一条 SELECT 语句）；与 table 二选一", null, Required: false),
        new(CursorOption, "增量游标列（如 更新时间）：首次全量读取，之后只读取该列大于上次已发布值的行；不填则每次全量读取", null, Required: false),
        new(DeletedColumnOption, "标记删除的状态列（如 记录状态）：该列取 deleted_values 中的值的行视为已删除", null, Required: false),
        new(DeletedValuesOption, "状态列中表示删除的取值，用英文逗号分隔，如 注销,删除", null, Required: false),
        new(TombstoneTableOption, "删除记录表（墓碑表）：含主表自然键列和删除时间列，每删除一行写一行", null, Required: false),
        new(TombstoneCursorOption, "墓碑表中的删除时间列（增量读取删除记录用）", null, Required: false),
        new(BatchSizeOption, $"每批交给处理流程的记录数，1 到 {MaxBatchSize}", DefaultBatchSize.ToString(CultureInfo.InvariantCulture), Required: false),
        new(TimeoutOption, "连接与查询的超时秒数", DefaultTimeoutSeconds.ToString(CultureInfo.InvariantCulture), Required: false),
    ];

    public bool IsIncremental => CursorColumn is not null;

    /// <summary>Reads and validates the options; throws <see cref="ConnectorException"/> (Config) naming the bad option.</summary>
    public static SqlOptions From(SourceConfig config)
    {
        var provider = config.RequireOption(ProviderOption).Trim().ToLowerInvariant() switch
        {
            "sqlite" => SqlProvider.Sqlite,
            "postgresql" or "postgres" or "pgsql" => SqlProvider.PostgreSql,
            var other => throw Invalid(config, ProviderOption, other, "可选值：sqlite、postgresql"),
        };
        string target;
        if (provider == SqlProvider.Sqlite)
        {
            if (Text(config, DatabaseOption) is null)
                throw Invalid(config, DatabaseOption, "", "provider: sqlite 时填写 database: 数据库文件路径，例如 database: 公安人口.db");
            target = config.ResolvePath(DatabaseOption);
        }
        else
        {
            target = Text(config, ConnectionOption)
                ?? throw Invalid(config, ConnectionOption, "", "provider: postgresql 时填写 connection: Host=…;Port=5432;Database=…;Username=…（密码用 password_env 或 password_file）");
            if (ConnectionStrings.HasPassword(target))
                throw new ConnectorException(ConnectorFailure.Config, "SQL_PASSWORD_IN_SOURCE_FILE",
                    $"数据源“{config.SourceId}”的连接字符串中写有密码；密码不得写在数据源定义文件里",
                    where: $"数据源 {config.SourceId} 的 connector.{ConnectionOption}",
                    fix: $"从连接字符串中删去 Password=…，把密码放进环境变量（{PasswordEnvOption}: 变量名）或只有服务账号可读的文件（{PasswordFileOption}: 文件路径）");
        }

        var table = Text(config, TableOption);
        var query = Text(config, QueryOption);
        if ((table is null) == (query is null))
            throw new ConnectorException(ConnectorFailure.Config, "SQL_TABLE_OR_QUERY",
                $"数据源“{config.SourceId}”须且只能填写 {TableOption}（表名）或 {QueryOption}（查询）之一",
                where: $"数据源 {config.SourceId} 的 connector 配置", fix: $"例如 {TableOption}: 实有人口，或 {QueryOption}: SELECT … FROM …");

        var deletedColumn = Text(config, DeletedColumnOption);
        var deletedValues = (Text(config, DeletedValuesOption) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (deletedColumn is not null && deletedValues.Length == 0)
            throw Invalid(config, DeletedValuesOption, "", $"填写 {DeletedColumnOption} 时须同时填写表示删除的取值，例如 {DeletedValuesOption}: 注销,删除");
        if (deletedColumn is null && deletedValues.Length > 0)
            throw Invalid(config, DeletedColumnOption, "", $"填写 {DeletedValuesOption} 时须同时填写状态列 {DeletedColumnOption}");
        var tombstone = Text(config, TombstoneTableOption);
        var tombstoneCursor = Text(config, TombstoneCursorOption);
        if ((tombstone is null) != (tombstoneCursor is null))
            throw Invalid(config, tombstone is null ? TombstoneTableOption : TombstoneCursorOption, "", $"{TombstoneTableOption} 与 {TombstoneCursorOption} 须同时填写");
        var cursor = Text(config, CursorOption);
        if (cursor is null && (deletedColumn is not null || tombstone is not null))
            throw Invalid(config, CursorOption, "", $"删除只能在增量读取中传递：填写增量游标列 {CursorOption}（如 更新时间）");

        var passwordEnv = Text(config, PasswordEnvOption);
        var passwordFile = Text(config, PasswordFileOption) is null ? null : config.ResolvePath(PasswordFileOption);
        if (passwordEnv is not null && passwordFile is not null)
            throw Invalid(config, PasswordFileOption, config.Option(PasswordFileOption)!, $"{PasswordEnvOption} 与 {PasswordFileOption} 只填一个");

        return new SqlOptions(config.SourceId, provider, target, table, query, cursor, deletedColumn, deletedValues, tombstone, tombstoneCursor,
            Integer(config, BatchSizeOption, DefaultBatchSize, MaxBatchSize), Integer(config, TimeoutOption, DefaultTimeoutSeconds, 3600),
            passwordEnv, passwordFile);
    }

    /// <summary>The password from the environment variable or secrets file the source names, or null when it names neither.</summary>
    public string? ResolvePassword()
    {
        if (PasswordEnv is not null)
        {
            return Environment.GetEnvironmentVariable(PasswordEnv) is { Length: > 0 } p
                ? p
                : throw new ConnectorException(ConnectorFailure.Config, "SQL_PASSWORD_ENV_MISSING",
                    $"环境变量 {PasswordEnv} 未设置，取不到数据源“{SourceId}”的数据库密码",
                    where: $"数据源 {SourceId} 的 connector.{PasswordEnvOption}", fix: $"在运行 DataHub 的服务账号环境中设置 {PasswordEnv}");
        }
        if (PasswordFile is not null)
        {
            try
            {
                var text = File.ReadAllText(PasswordFile).Trim();
                return text.Length > 0 ? text : throw new ConnectorException(ConnectorFailure.Config, "SQL_PASSWORD_FILE_EMPTY",
                    $"密码文件为空", where: PasswordFile, fix: "在文件中写入数据库密码（一行）");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConnectorException(ConnectorFailure.Config, "SQL_PASSWORD_FILE_UNREADABLE",
                    $"读不到数据源“{SourceId}”的密码文件", where: PasswordFile,
                    fix: "检查路径，并确认运行 DataHub 的服务账号可以读取该文件", inner: e);
            }
        }
        return null;
    }

    /// <summary>Where the source is, for messages: the file name or host and database, never a password.</summary>
    public string Describe() => Provider == SqlProvider.Sqlite ? $"SQLite 文件 {Target}" : $"PostgreSQL {ConnectionStrings.HostAndDatabase(Target)}";

    /// <summary>What is read, for messages.</summary>
    public string Subject => Table is not null ? $"表 {Table}" : "查询";

    private static string? Text(SourceConfig config, string name) => config.Option(name) is { } v && v.Trim().Length > 0 ? v.Trim() : null;

    private static int Integer(SourceConfig config, string name, int fallback, int max)
    {
        var raw = config.Option(name);
        if (raw is null || raw.Trim().Length == 0) return fallback;
        if (!int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > max)
            throw Invalid(config, name, raw, $"填写 1 到 {max} 之间的整数，默认 {fallback}");
        return n;
    }

    private static ConnectorException Invalid(SourceConfig config, string option, string value, string fix) =>
        new(ConnectorFailure.Config, "SQL_OPTION_INVALID", $"数据源“{config.SourceId}”的连接器选项 {option} 的值“{value}”无效",
            where: $"数据源 {config.SourceId} 的 connector.{option}", fix: fix);
}
