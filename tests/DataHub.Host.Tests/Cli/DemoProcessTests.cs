using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DataHub.TestKit;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary>
/// The README's run command as a user runs it: the real <c>datahub</c> executable in its own
/// process, then the feed queried with the credentials it printed.
/// </summary>
public sealed class DemoProcessTests
{
    [Fact]
    public async Task Demo_StartsServesAndPrintsCredentialsThatWork()
    {
        using var dir = new TempDirectory("demo-process");
        var exe = Path.Combine(AppContext.BaseDirectory, "datahub.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { exe, "demo", "--data", dir.Path, "--urls", "http://127.0.0.1:0", "--rows", "1500" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        try
        {
            var output = new StringBuilder();
            // The demo generates and ingests four departments (police database, Excel, REST, FHIR).
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            string? root = null;
            while (!output.ToString().Contains("Ctrl+C", StringComparison.Ordinal))
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"demo exited early:\n{output}\n{await process.StandardError.ReadToEndAsync()}");
                output.AppendLine(line);
                if (line.Contains("OData 服务根地址：", StringComparison.Ordinal)) root = line.Split('：')[1].Trim();
            }
            Assert.NotNull(root);
            Assert.Contains("成功", output.ToString(), StringComparison.Ordinal);

            // The printed table: name, role, scope, scope name, password, API key.
            var printed = output.ToString().Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .First(cols => cols.Length == 6 && cols[0] == "maqun-community");
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{printed[0]}:{printed[4]}")));
            using var ready = await http.GetAsync(new Uri(new Uri(root), "/health/ready"));
            Assert.True(ready.IsSuccessStatusCode);
            using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(root + "Population?$count=true")));
            Assert.True(doc.RootElement.GetProperty("@odata.count").GetInt64() > 0);
            Assert.All(doc.RootElement.GetProperty("value").EnumerateArray(), r => Assert.Equal("320113002001", r.GetProperty("社区代码").GetString()));

            var written = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "credentials.json"))).RootElement;
            Assert.Equal(6, written.GetArrayLength());
            // The open list is printed: communities and the street granted, the analyst's request pending.
            Assert.Contains("population → 320113 所有社区", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("population → 320113002", output.ToString(), StringComparison.Ordinal);
            Assert.Single(output.ToString().Split('\n'), l => l.Contains("[申请中]", StringComparison.Ordinal));

            // The UI's address is printed and answers with the zh-CN sign-in page.
            var ui = output.ToString().Split('\n').Single(l => l.Contains("目录界面（登录）：", StringComparison.Ordinal)).Split('：')[1].Trim();
            using (var anonymous = new HttpClient())
            {
                var signIn = await anonymous.GetStringAsync(new Uri(new Uri(ui), "/signin"));
                Assert.Contains("<form method=\"post\"", signIn, StringComparison.Ordinal);
                Assert.Contains("name=\"__csrf\"", signIn, StringComparison.Ordinal);
            }
            Assert.Contains(written.EnumerateArray(), c => c.GetProperty("password").GetString() == printed[4] && c.GetProperty("apiKey").GetString() == printed[5]);

            // The demo runs what `serve` runs: the job dashboard (printed, stewards only) and the freshness checks.
            var steward = output.ToString().Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .First(cols => cols.Length == 6 && cols[0] == "steward");
            var dashboard = output.ToString().Split('\n').Single(l => l.Contains("作业面板：", StringComparison.Ordinal)).Split('：')[1].Split('（')[0].Trim();
            using var asSteward = new HttpClient();
            asSteward.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{steward[0]}:{steward[4]}")));
            Assert.Contains("DataHub 作业", await asSteward.GetStringAsync(new Uri(dashboard)), StringComparison.Ordinal);
            using (var refused = await http.GetAsync(new Uri(dashboard))) Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
            using var freshness = JsonDocument.Parse(await asSteward.GetStringAsync(new Uri(root + "Freshness")));
            Assert.Contains(freshness.RootElement.GetProperty("value").EnumerateArray(), r => r.ToString().Contains("population", StringComparison.Ordinal));

            // The derived datasets are rebuilt once, after the fourth department: one version of the
            // community profile, computed from all four (not one version per department).
            using var lineage = JsonDocument.Parse(await asSteward.GetStringAsync(new Uri(root + "Lineage")));
            var profileInputs = lineage.RootElement.GetProperty("value").EnumerateArray().Select(r => r.ToString())
                .Where(r => r.Contains("\"community_profile\"", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, profileInputs.Count);
            foreach (var department in (string[])["population", "housing", "enterprise", "health"])
                Assert.Contains(profileInputs, r => r.Contains($"\"{department}\"", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
