using System.Net;
using System.Net.Sockets;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Sql;
using DataHub.TestKit;
using DataHub.TestKit.Connectors;
using Npgsql;

namespace DataHub.Connectors.Tests.Sql;

/// <summary>Broken database sources fail with a typed, zh-CN message that never echoes a secret.</summary>
public sealed class SqlConnectorErrorTests : IAsyncLifetime
{
    private const string LoginRole = "datahub_login_test"; // scripts/test-services.sh gives it password authentication
    private readonly TempDirectory _dir = new("sql-errors");
    private PostgresSchema _schema = null!;
    private PoliceDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _schema = await PostgresSchema.CreateAsync();
        _db = await PoliceDatabase.CreatePostgresAsync(_schema);
        await PoliceRows.FillAsync(_db, 2);
    }

    public async Task DisposeAsync()
    {
        await _schema.DisposeAsync();
        _dir.Dispose();
    }

    private SourceConfig Config(params (string Key, string? Value)[] changes)
    {
        var options = new Dictionary<string, string>(_db.ConnectorOptions);
        foreach (var (k, v) in changes)
        {
            if (v is null) options.Remove(k);
            else options[k] = v;
        }
        return new SourceConfig("公安人口库", options, _dir.Path);
    }

    private static async Task<ConnectorException> ReadFailsAsync(SourceConfig config)
    {
        return await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var _ in SqlConnectorRegistration.Create().ReadAsync(config, null, default)) { }
        });
    }

    private static string WithoutPassword(string cs) => new NpgsqlConnectionStringBuilder(cs) { Password = null }.ToString();

    [Fact]
    public async Task Read_WrongPassword_IsConfigFailureThatDoesNotEchoThePassword()
    {
        await _db.ExecAsync($"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LoginRole}') THEN CREATE ROLE {LoginRole} LOGIN PASSWORD 'right-secret'; END IF;
            END $$;
            ALTER ROLE {LoginRole} PASSWORD 'right-secret';
            """);
        var cs = new NpgsqlConnectionStringBuilder(PostgresSchema.ServerConnectionString) { Username = LoginRole }.ToString();
        File.WriteAllText(_dir.File("db.secret"), "wrong-secret\n");

        var e = await ReadFailsAsync(Config(("connection", WithoutPassword(cs)), ("password_file", "db.secret")));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("SQL_LOGIN_FAILED", e.Code);
        Assert.Contains("用户名或密码", e.UserMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", e.Describe(), StringComparison.Ordinal);

        // The same source with the right password in an environment variable reads.
        var variable = "DATAHUB_TEST_DB_PASSWORD_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "right-secret");
        try
        {
            var result = await SqlConnectorRegistration.Create().CheckAsync(Config(("connection", WithoutPassword(cs)), ("password_env", variable), ("table", $"{_schema.Name}.{PoliceDatabase.Table}")), default);
            // The login role may read nothing of the test schema: the login itself is what is checked here.
            Assert.DoesNotContain("SQL_LOGIN_FAILED", result.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Read_UnreachableHost_IsTransientFailure()
    {
        // A port nothing listens on: bind one, note it, close it.
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        var e = await ReadFailsAsync(Config(("connection", $"Host=127.0.0.1;Port={port};Database=police;Username=reader"), ("timeout_seconds", "3")));

        Assert.Equal(ConnectorFailure.Transient, e.Failure);
        Assert.Equal("SQL_UNREACHABLE", e.Code);
        Assert.Contains($"127.0.0.1:{port}/police", e.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MissingTable_IsConfigFailureNamingIt()
    {
        var e = await ReadFailsAsync(Config(("table", "人口表_已改名")));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("SQL_TABLE_MISSING", e.Code);
        Assert.Contains("人口表_已改名", e.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MissingCursorColumn_IsConfigFailureListingTheColumns()
    {
        var e = await ReadFailsAsync(Config(("cursor_column", "修改时间")));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("SQL_COLUMN_MISSING", e.Code);
        Assert.Contains("修改时间", e.UserMessage, StringComparison.Ordinal);
        Assert.Contains("更新时间", e.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_QueryWithMissingColumn_IsConfigFailure()
    {
        var e = await ReadFailsAsync(Config(("table", null), ("query", $"""SELECT "公民身份号码", "手机号" FROM "{PoliceDatabase.Table}" """)));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("SQL_COLUMN_MISSING", e.Code);
    }

    [Fact]
    public async Task Read_PasswordInConnectionString_IsConfigFailureBeforeConnecting()
    {
        var e = await ReadFailsAsync(Config(("connection", "Host=127.0.0.1;Port=1;Database=police;Username=reader;Password=literal-secret")));

        Assert.Equal("SQL_PASSWORD_IN_SOURCE_FILE", e.Code);
        Assert.DoesNotContain("literal-secret", e.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_PasswordVariableNotSet_IsConfigFailureNamingTheVariable()
    {
        var e = await ReadFailsAsync(Config(("password_env", "DATAHUB_TEST_NOT_SET_ANYWHERE")));

        Assert.Equal("SQL_PASSWORD_ENV_MISSING", e.Code);
        Assert.Contains("DATAHUB_TEST_NOT_SET_ANYWHERE", e.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SqliteFileMissing_IsConfigFailureAndCreatesNoFile()
    {
        var path = _dir.File("不存在.db");
        var e = await ReadFailsAsync(new SourceConfig("公安人口库", new Dictionary<string, string> { ["provider"] = "sqlite", ["database"] = path, ["table"] = "t" }, _dir.Path));

        Assert.Equal("SQL_DATABASE_MISSING", e.Code);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Read_SqliteMissingTable_IsConfigFailureNamingIt()
    {
        var db = await PoliceDatabase.CreateSqliteAsync(_dir.File("公安.db"));
        var options = new Dictionary<string, string>(db.ConnectorOptions) { ["table"] = "人口表_已改名" };

        var e = await ReadFailsAsync(new SourceConfig("公安人口库", options, _dir.Path));

        Assert.Equal("SQL_TABLE_MISSING", e.Code);
        Assert.Contains("人口表_已改名", e.UserMessage, StringComparison.Ordinal);
    }
}
