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
        return Run(command, c => Convert.ToInt64(c.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>Executes the query (the result is materialised inside DuckDB, bounded by the page size) and returns its reader.</summary>
    public static DuckDBDataReader Reader(DuckDBCommand command, CancellationToken cancellationToken) =>
        Run(command, c => (DuckDBDataReader)c.ExecuteReader(), cancellationToken);

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
}
