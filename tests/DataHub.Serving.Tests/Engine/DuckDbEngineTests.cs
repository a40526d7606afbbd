using DataHub.Core.Failures;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Engine;

public sealed class DuckDbEngineTests(TestLake lake) : IClassFixture<TestLake>
{
    [Fact]
    public void Open_NewConnection_SessionSettingsApplied()
    {
        using var connection = lake.Engine.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_setting('TimeZone'), current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions'), current_setting('threads')";
        using var reader = command.ExecuteReader();
        reader.Read();

        Assert.Equal("UTC", reader.GetString(0));
        Assert.False(reader.GetBoolean(1));
        Assert.False(reader.GetBoolean(2));
        Assert.Equal(2L, Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Workers_WithWorkerNice_RunAtLowerPriorityThanTheThreadThatStartedThem_OnLinux()
    {
        if (!OperatingSystem.IsLinux()) return;
        var mine = Nice(File.ReadAllText("/proc/thread-self/stat"));
        var expected = Math.Min(19, mine + 5);
        using var engine = new DuckDbEngine(new ServingOptions { Secret = TestLake.Secret, QueryWorkers = 3, MaxConcurrentDownloads = 1, WorkerNice = 5 });

        // .NET names the native threads (15 characters: "DataHub DuckDB "); 3 query, 1 download, 1 sort worker of this engine at least.
        var workers = Directory.GetDirectories("/proc/self/task")
            .Select(t => (Comm: TryRead(Path.Combine(t, "comm")), Stat: TryRead(Path.Combine(t, "stat"))))
            .Where(t => t.Comm.StartsWith("DataHub DuckDB", StringComparison.Ordinal) && t.Stat.Length > 0)
            .Select(t => Nice(t.Stat))
            .ToList();
        Assert.True(workers.Count(n => n == expected) >= 5, $"nice values of the workers: {string.Join(",", workers)}; expected {expected}");
        Assert.Equal(mine, Nice(File.ReadAllText("/proc/thread-self/stat")));
    }

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Field 19 of /proc/…/stat (the fields after the parenthesised name start at field 3).</summary>
    private static int Nice(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Scalar_Cancelled_ThrowsAndConnectionStillWorks()
    {
        using var connection = lake.Engine.Open();
        var slow = new SqlStatement().Append("SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var task = Task.Run(() => DuckDbCommands.Scalar(connection, slow, cancel.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(42, DuckDbCommands.Scalar(connection, new SqlStatement().Append("SELECT 42"), CancellationToken.None));
    }

    [Fact]
    public async Task HandleAsync_AlreadyCancelled_Throws()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var request = new FeedRequest(Principals.Steward, lake.Client.Root, new Uri(lake.Client.Root, "Population"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lake.Service.HandleAsync(request, cancel.Token));
    }

    [Fact]
    public async Task WriteBodyAsync_Cancelled_ThrowsAndRecordsOutcome()
    {
        var request = new FeedRequest(Principals.Steward, lake.Client.Root, new Uri(lake.Client.Root, "Population"));
        await using var result = await lake.Service.HandleAsync(request, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await using var stream = new AsyncOnlyStream();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => result.WriteBodyAsync(stream, cancel.Token));
        Assert.Equal("CANCELLED", result.Outcome.ErrorCode);
    }

    [Fact]
    public async Task FeedResult_DisposedWithoutBody_ServiceKeepsWorking()
    {
        for (var i = 0; i < 20; i++)
        {
            var request = new FeedRequest(Principals.Steward, lake.Client.Root, new Uri(lake.Client.Root, "Population?$top=10"));
            await using var result = await lake.Service.HandleAsync(request, CancellationToken.None);
        }
        var page = await lake.Client.GetAsync(Principals.Steward, "Population?$top=1");
        Assert.Equal(200, page.Status);
    }

    [Theory]
    [InlineData(nameof(ServingOptions.Secret), "short")]
    [InlineData(nameof(ServingOptions.MemoryLimit), "lots")]
    [InlineData(nameof(ServingOptions.PageSize), "0")]
    [InlineData(nameof(ServingOptions.MaxRequestUriLength), "4096")]
    public void Options_Invalid_ConfigErrorAtStartup(string option, string value)
    {
        var options = new ServingOptions { Secret = TestLake.Secret };
        var property = typeof(ServingOptions).GetProperty(option)!;
        property.SetValue(options, property.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);

        var error = Assert.Throws<DataHubException>(() => new DuckDbEngine(options));
        Assert.Equal(FailureKind.Config, error.Kind);
        Assert.Contains(option, error.Where, StringComparison.Ordinal);
    }
}
