using DataHub.Serving.Query;
using DuckDB.NET.Data;

namespace DataHub.Serving.Engine;

/// <summary>
/// Runs statements with cancellation: DuckDB.NET's async methods run synchronously, so the token
/// reaches DuckDB through <see cref="DuckDBCommand.Cancel"/> (an interrupt), and an interrupted
/// query surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
internal static class DuckDbCommands
{
    public static DuckDBCommand Create(DuckDBConnection connection, SqlStatement statement)
    {
        var command = connection.CreateCommand();
        command.CommandText = statement.Text;
        foreach (var parameter in statement.Parameters) command.Parameters.Add(parameter);
        return command;
    }

    public static long Scalar(DuckDBConnection connection, SqlStatement statement, CancellationToken cancellationToken)
    {
        using var command = Create(connection, statement);
        return Run(command, ReadScalar, cancellationToken);
    }

    /// <summary>A count on the session's prepared statement for this text.</summary>
    public static long Scalar(QuerySession session, SqlStatement statement, CancellationToken cancellationToken) =>
        Run(session.Command(statement), ReadScalar, cancellationToken);

    /// <summary>Executes the query (the result is materialised inside DuckDB, bounded by the page size) and returns its reader.</summary>
    public static DuckDBDataReader Reader(DuckDBCommand command, CancellationToken cancellationToken) =>
        Run(command, c => c.ExecuteReader(), cancellationToken);

    public static T Run<T>(DuckDBCommand command, Func<DuckDBCommand, T> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var registration = cancellationToken.Register(static c => ((DuckDBCommand)c!).Cancel(), command);
        try
        {
            return run(command);
        }
        catch (DuckDBException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The query was cancelled.", ex, cancellationToken);
        }
    }

    private static long ReadScalar(DuckDBCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(0) : 0;
    }
}
