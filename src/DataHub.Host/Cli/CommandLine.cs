using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using DataHub.Core.Failures;

namespace DataHub.Host.Cli;

/// <summary>
/// The <c>datahub</c> command (verbs in <see cref="CommandTree"/>, parsed by System.CommandLine).
/// Exit codes: 0 done, 1 the work failed (bad input, failed run), 2 the command line is wrong.
/// Users see zh-CN messages (what, where, how to fix), never a stack trace.
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // The parser's own messages and help headings in zh-CN (its zh-Hans resources); flows with
        // this call only, so a caller's culture is left as it was.
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        try
        {
            // No response files: an argument starting with @ is a value (a file name), not a list of arguments.
            var parsed = CommandTree.Build().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parsed.Action is ParseErrorAction) return await UsageErrorAsync(parsed, stderr);
            // Exceptions reach the handlers below (zh-CN, never a stack trace); Ctrl+C and SIGTERM are
            // Program's (one token for the whole process, the second Ctrl+C ends it the hard way).
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (DataHubException e)
        {
            await stderr.WriteLineAsync(e.Describe());
            return e.Code == "CLI_USAGE" ? UsageError : Failed;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("已取消。");
            return Failed;
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            // Never an abort (exit 134): say what happened and exit 1; the run's scratch is already removed.
            await stderr.WriteLineAsync(DiskFull.Failure("数据目录所在磁盘", e).Describe());
            return Failed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The details (stack trace: code, never row values) go to the data folder's log, where the message points.
            var data = new Composition.DataDirectory(DataOption(args) ?? Composition.DataDirectory.DefaultRoot);
            using (var loggers = Composition.DataHubLogging.ForDataFolder(data, TimeProvider.System))
                CliLog.InternalError(loggers.CreateLogger("DataHub.Cli"), e, args.Length > 0 ? args[0] : "help");
            await stderr.WriteLineAsync($"错误 [INTERNAL]：平台内部错误（{e.GetType().Name}）\n处理办法：请把这条信息和日志文件 {data.LogPath} 交给运维");
            return Failed;
        }
    }

    /// <summary>The <c>--data</c> value of a command line, if any (for the log of an internal error).</summary>
    private static string? DataOption(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--data" && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith("--data=", StringComparison.Ordinal)) return args[i]["--data=".Length..];
        }
        return null;
    }

    /// <summary>What the parser refused (unknown verb or option, missing or extra argument), as our usage error: exit 2.</summary>
    private static async Task<int> UsageErrorAsync(ParseResult parsed, TextWriter stderr)
    {
        var command = string.Join(" ", Path(parsed.CommandResult));
        var error = new DataHubException(FailureKind.Config, "CLI_USAGE", string.Join("；", parsed.Errors.Select(e => e.Message.Replace("“'", "“", StringComparison.Ordinal).Replace("'”", "”", StringComparison.Ordinal).TrimEnd('.', '。'))),
            fix: command.Length > 0 ? $"运行 datahub {command} --help 查看这条命令的用法，datahub help 查看全部命令" : "运行 datahub help 查看用法");
        await stderr.WriteLineAsync(error.Describe());
        return UsageError;
    }

    private static IEnumerable<string> Path(CommandResult result)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is CommandResult { Parent: not null } c; r = c.Parent) names.Insert(0, c.Command.Name);
        return names;
    }

    public static int Help(TextWriter stdout)
    {
        stdout.WriteLine("""
            DataHub —— 区县数据共享平台

            用法：
              datahub demo [--data DIR] [--urls http://127.0.0.1:5080] [--rows 20000] [--seed 20261128]
                  生成模拟的部门导出（南京市栖霞区），入湖，启动目录、OData 服务，并打印登录凭据。
              datahub ingest SOURCE_FILE [--data DIR] [--json] [--force]
                  运行一次数据源定义文件（.yaml），打印运行报告；失败或被暂停时退出码为 1，不发布新版本。
                  --force 跳过发布保护（行数骤降、文件疑似截断），记入审计。
              datahub versions DATASET
                  列出数据集的版本、对应运行、行数和各数据源部分。
              datahub rollback DATASET VERSION
                  把保留的旧版本恢复为当前版本（一次目录事务，记入审计）。
              datahub quarantine list SOURCE [--samples 5] [--json] | quarantine reprocess SOURCE [--json] [--force]
                  数据源当前的隔离明细（按原因计数，样例按访问策略脱敏）；修正映射后重新处理隔离行，
                  现在通过校验的行并入该数据源的部分，发布新版本（重新处理 = 接收 + 仍隔离 + 重复）。
              datahub serve [--data DIR] [--urls http://127.0.0.1:5080] [--trusted-proxy IP[,IP]]
                  只启动服务（使用 DIR 中已有的目录和数据湖）；按计划运行 DIR/sources 中的每个数据源，
                  作业面板在 /hangfire（数据管理员可操作，运维只读）。--no-jobs 不运行作业。
              datahub runs start SOURCE [--data DIR]
                  把一次运行排入作业队列（SOURCE 为数据源 id 或 .yaml 文件），由 serve 进程执行。
              datahub runs list [DATASET] [--limit N] [--json] | runs approve RUN | runs reject RUN
                  列出最近的运行（状态、失败类别、行数）；审核通过（发布）或驳回被发布保护暂停的运行。
              datahub lineage DATASET [--json]
                  派生数据集（社区画像、实有房屋居住情况、关爱名单等）每个版本所用的输入数据集版本和运行。
              datahub derive [--data DIR]
                  立即按当前输入重算派生数据集（平时在任一输入发布后自动重算）。
              datahub config show [--data DIR]
                  打印生效的配置（DIR/appsettings.json、DATAHUB__节__键 环境变量、命令行选项合并后），密码已隐去。
              datahub backup --to BACKUP_DIR [--data DIR]
                  在线备份（serve 运行时也可以）：SQLite 目录库和作业库的一致快照，再复制数据湖、密钥、数据源定义和配置。
              datahub restore --from BACKUP_DIR --data NEW_DIR
                  把备份恢复到新的（或空的）数据目录，然后用 serve --data NEW_DIR 启动。
              datahub users add NAME --role ROLE --unit 区划代码 [--display 名称] [--password P]
              datahub users list | disable NAME | enable NAME | reset NAME [--password P]
                  管理账号。角色：steward、analyst、street_worker、community_worker、operator；
                  单位为统计用区划代码（区县 6 位、街道 9 位、社区 12 位）。不给密码时生成并只显示一次。
              datahub keys issue NAME [--label 名称] | rotate KEYID | revoke KEYID | list [NAME]
                  管理 API 密钥（每个账号可有多个；密钥只在签发时显示一次）。
              datahub grants list [--dataset D] [--status pending|active|…]
              datahub grants add DATASET --as 管理员 (--level community|street|district | --units 代码,…)
                  --share 无条件共享|有条件共享|不予共享 [--conditions …] [--legal-basis …]
                  [--fields 字段,…] [--aggregate-only] [--from yyyy-MM-dd] [--until yyyy-MM-dd]
              datahub grants request DATASET --as 账号 --purpose 用途 [--fields …] [--aggregate-only] [--until …]
              datahub grants approve ID --as 管理员 --conditions … [--until …]
              datahub grants reject|revoke ID --as 管理员 --reason 理由
              datahub grants history ID
                  开放清单：谁可以看哪个数据集。未开放给某账号的数据集对它来说不存在。
              datahub catalog show DATASET | history DATASET
              datahub catalog set DATASET --as 管理员 [--theme …] [--classification …] [--abstract …] [--open 是|否] …
                  目录信息（政务信息资源目录），每次修改保存为新版本。
              datahub catalog export [--dcat FILE.jsonld] [--xlsx FILE.xlsx] [--base-url https://…]
                  导出开放数据的 DCAT-AP（JSON-LD）和目录表（信息资源、信息项）。
              datahub simulate [--data DIR] [--district 320113] [--rows 20000] [--seed N] [--postgres CONN] [--port 0] [--reset]
                  启动模拟区县的四个部门系统（公安人口库、卫健 FHIR、市场监管接口、住建 Excel），写出各部门的数据源定义和真值文件。
              datahub simulate advance [--data DIR] [--postgres CONN]
                  模拟区县推进一天（新增、变更、迁居、死亡、迁出），供增量运行读取。

            DIR 默认为当前目录下的 datahub-data。目录库默认是 DIR 中的 SQLite 文件；
            较大的部署用 --catalog-postgres "Host=…;Database=…;Username=…;Password=…"
            （或环境变量 DATAHUB_CATALOG_POSTGRES）改用 PostgreSQL，数据湖仍在 DIR 中。
            """);
        return Ok;
    }
}
