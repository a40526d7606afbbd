using System.Net;
using System.Net.Sockets;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Rest;
using DataHub.TestKit;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Rest;

/// <summary>The broken 市场监管 sources of the issue: each a clear zh-CN failure, or a retry that succeeds.</summary>
public sealed class RestConnectorErrorTests(SimulatedDistrictFixture district) : IClassFixture<SimulatedDistrictFixture>, IDisposable
{
    private readonly ISourceConnector _connector = RestConnectorRegistration.Create();
    private readonly TempDirectory _dir = new("rest-errors");

    [Fact]
    public async Task Read_Http500ThenSuccess_RetriesAndReturnsEverything()
    {
        var before = district.Server.Faults.Requests;
        district.Server.Faults.FailNext(2, 500);

        var records = await Count(RestSources.Config(district, _dir.Path));

        Assert.Equal(district.Truth.Departments["enterprise"].Rows, records);
        Assert.True(district.Server.Faults.Requests - before >= 2 + 1, "the two failures were retried");
    }

    [Fact]
    public async Task Read_Http500Persisting_TransientFailureAfterRetries()
    {
        district.Server.Faults.FailNext(20, 503);
        try
        {
            var e = await Assert.ThrowsAsync<ConnectorException>(() => Count(RestSources.Config(district, _dir.Path, o =>
            {
                o["max_retries"] = "2";
                o["max_retry_after_seconds"] = "1";
            })));

            Assert.Equal(ConnectorFailure.Transient, e.Failure);
            Assert.Equal("HTTP_SERVER_ERROR", e.Code);
            Assert.Contains("已重试 2 次", e.UserMessage, StringComparison.Ordinal);
        }
        finally
        {
            district.Server.Faults.FailNext(0);
        }
    }

    [Fact]
    public async Task Read_Http401_ConfigFailureNamingTheSecretFile()
    {
        var wrongKey = _dir.File("wrong.key");
        await File.WriteAllTextAsync(wrongKey, "not-the-key");

        var e = await Assert.ThrowsAsync<ConnectorException>(() => Count(RestSources.Config(district, _dir.Path, o => o["auth_secret_file"] = wrongKey)));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("HTTP_UNAUTHORIZED", e.Code);
        Assert.Contains("HTTP 401", e.UserMessage, StringComparison.Ordinal);
        Assert.Contains(wrongKey, e.UserMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", e.Describe(), StringComparison.Ordinal);
        Assert.NotNull(e.Fix);
    }

    [Fact]
    public async Task Read_NoSecretConfigured_401SaysHowToConfigureOne()
    {
        var e = await Assert.ThrowsAsync<ConnectorException>(() => Count(RestSources.Config(district, _dir.Path, o => o.Remove("auth_secret_file"))));

        Assert.Equal("HTTP_UNAUTHORIZED", e.Code);
        Assert.Contains("auth_env", e.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SecretEnvironmentVariableUnset_ConfigFailureBeforeAnyRequest()
    {
        var e = await Assert.ThrowsAsync<ConnectorException>(() => Count(RestSources.Config(district, _dir.Path, o =>
        {
            o.Remove("auth_secret_file");
            o["auth_env"] = "DATAHUB_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        })));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("HTTP_SECRET_MISSING", e.Code);
    }

    [Fact]
    public async Task Read_SecretFromEnvironmentVariable_Succeeds()
    {
        var variable = "DATAHUB_TEST_SCJG_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, district.ApiKey);
        try
        {
            var records = await Count(RestSources.Config(district, _dir.Path, o =>
            {
                o.Remove("auth_secret_file");
                o["auth_env"] = variable;
            }));

            Assert.Equal(district.Truth.Departments["enterprise"].Rows, records);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Read_UnreachableHost_TransientFailureNamingHostAndPort()
    {
        var port = ClosedPort();

        var e = await Assert.ThrowsAsync<ConnectorException>(() => Count(RestSources.Config(district, _dir.Path, o =>
        {
            o["url"] = $"http://127.0.0.1:{port}/scjg/api/v1/enterprises";
            o["max_retries"] = "1";
        })));

        Assert.Equal(ConnectorFailure.Transient, e.Failure);
        Assert.Equal("HTTP_UNREACHABLE", e.Code);
        Assert.Contains($"127.0.0.1:{port}", e.UserMessage, StringComparison.Ordinal);
        var check = await _connector.CheckAsync(RestSources.Config(district, _dir.Path, o => { o["url"] = $"http://127.0.0.1:{port}/x"; o["max_retries"] = "0"; }), default);
        Assert.False(check.Succeeded);
    }

    [Fact]
    public async Task Read_MalformedJson_DataFailureWithPosition()
    {
        district.Server.Faults.MalformNext(1);

        var e = await Assert.ThrowsAsync<ConnectorException>(() => Count(RestSources.Config(district, _dir.Path)));

        Assert.Equal(ConnectorFailure.Data, e.Failure);
        Assert.Equal("HTTP_MALFORMED_JSON", e.Code);
        Assert.Contains("不是有效的 JSON", e.UserMessage, StringComparison.Ordinal);
        Assert.Contains("第 1 页", e.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RecordsPathWrong_ConfigFailureSayingWhatIsThere()
    {
        var e = await Assert.ThrowsAsync<ConnectorException>(() => Count(RestSources.Config(district, _dir.Path, o => o["records_path"] = "data")));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("REST_RECORDS_PATH", e.Code);
        Assert.Contains("对象", e.UserMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("paging", "scroll")]
    [InlineData("url", "ftp://example.org/x")]
    [InlineData("page_size", "0")]
    [InlineData("rate_limit", "-1")]
    public async Task Read_BadOption_ConfigFailureNamingIt(string option, string value)
    {
        var e = await Assert.ThrowsAsync<ConnectorException>(() => Count(RestSources.Config(district, _dir.Path, o => o[option] = value)));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Contains(option, e.UserMessage + e.Where, StringComparison.Ordinal);
    }

    private async Task<long> Count(SourceConfig config)
    {
        long n = 0;
        await foreach (var b in _connector.ReadAsync(config, null, default)) n += b.Records.Count;
        return n;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose() => _dir.Dispose();
}
