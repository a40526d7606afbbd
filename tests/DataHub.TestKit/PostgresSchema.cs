using Npgsql;

namespace DataHub.TestKit;

/// <summary>
/// A fresh PostgreSQL schema per test, on the server <c>scripts/test.sh</c> starts. The server is
/// found through <c>DATAHUB_TEST_POSTGRES</c> (an Npgsql connection string) with a loopback default;
/// tests fail, never skip, when it is not there: the PostgreSQL path is part of what we ship.
/// </summary>
public sealed class PostgresSchema : IAsyncDisposable
{
    public const string EnvironmentVariable = "DATAHUB_TEST_POSTGRES";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres";

    private readonly string _server;

    private PostgresSchema(string server, string schema)
    {
        _server = server;
        Name = schema;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema, Pooling = false }.ToString();
    }

    public string Name { get; }

    /// <summary>A connection string whose search path is this schema.</summary>
    public string ConnectionString { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } s ? s : DefaultConnectionString;

    public static async Task<PostgresSchema> CreateAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        try
        {
            await conn.OpenAsync();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{ServerConnectionString}'. Run the tests with `bash scripts/test.sh`, which starts it, or set {EnvironmentVariable}.", e);
        }
        await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}", conn);
        await cmd.ExecuteNonQueryAsync();
        return new PostgresSchema(ServerConnectionString, schema);
    }

    public async ValueTask DisposeAsync()
    {
        await using var conn = new NpgsqlConnection(_server);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Name} CASCADE", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
