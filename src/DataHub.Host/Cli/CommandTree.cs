using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using DataHub.Catalog.Metadata;

namespace DataHub.Host.Cli;

/// <summary>
/// Every verb, sub-verb, argument and option of <c>datahub</c> for System.CommandLine, with zh-CN
/// descriptions (<c>datahub VERB --help</c>). A verb's code stays in its own file and receives the
/// parse result through <see cref="ParsedArgs"/>; a verb with sub-verbs gets one action for all of
/// them and switches on the sub-verb as before. Adding a verb: one <c>root.Add(…)</c> line in
/// <see cref="Build"/> plus its lines in <see cref="CommandLine"/>'s overall help.
/// </summary>
internal static class CommandTree
{
    /// <summary>What a verb runs: the parsed command line, standard output and the Ctrl+C / SIGTERM token.</summary>
    public delegate Task<int> VerbAction(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken);

    public static Command Build()
    {
        // A plain command named datahub rather than RootCommand, whose name is the executable's
        // (testhost, dotnet): help and errors say "datahub" wherever it runs.
        var root = new Command("datahub", "DataHub —— 区县数据共享平台")
        {
            new HelpOption(),
            new VersionOption(),
            new Option<string>("--data") { Description = "数据目录（默认为当前目录下的 datahub-data）", HelpName = "DIR", Recursive = true },
            new Option<string>("--catalog-postgres") { Description = "目录库改用 PostgreSQL（连接字符串，或环境变量 DATAHUB_CATALOG_POSTGRES）", HelpName = "CONN", Recursive = true },
        };

        root.Add(Verb("demo", "生成模拟区县的部门导出，入湖，启动目录、OData 服务和作业面板（/hangfire），并打印登录凭据", DemoCommand.RunAsync,
            Value("urls", "监听地址", "http://127.0.0.1:5080"), Value("rows", "公安人口库的行数（50 到 5000000，默认 20000）", "N"), Value("seed", "随机种子", "N"),
            Flag("no-jobs", "不运行计划作业")));
        root.Add(Verb("ingest", "运行一次数据源定义文件，打印运行报告；失败或被暂停时退出码为 1，不发布新版本", IngestCommand.RunAsync,
            Arg("SOURCE_FILE", "数据源定义文件（.yaml）"), Flag("json", "以 JSON 打印运行报告（不显示进度）"),
            Flag("force", "跳过发布保护（行数骤降、文件疑似截断），记入审计"), Value("actor", "记入审计的操作人（默认为操作系统账号）", "NAME")));
        root.Add(Verb("serve", "只启动服务（使用数据目录中已有的目录和数据湖），按计划运行数据源；作业面板在 /hangfire", ServeCommand.RunAsync,
            Value("urls", "监听地址（多个用分号分隔）", "http://127.0.0.1:5080"), Value("trusted-proxy", "信任其 X-Forwarded-* 头的反向代理 IP（多个用逗号分隔）", "IP[,IP]"),
            Flag("no-jobs", "不运行计划作业")));
        root.Add(Group("users", "管理账号（角色：steward、analyst、street_worker、community_worker、operator）", UsersCommand.RunAsync,
            Sub("add", "创建账号；不给密码时生成并只显示一次", Arg("NAME", "用户名"), Value("role", "角色", "ROLE"),
                Value("unit", "所属单位的统计用区划代码（区县 6 位、街道 9 位、社区 12 位）", "CODE"), Value("display", "显示名称", "LABEL"), Value("password", "密码", "P")),
            Sub("list", "列出账号"),
            Sub("disable", "停用账号（其密码和全部 API 密钥立即失效）", Arg("NAME", "用户名")),
            Sub("enable", "恢复账号", Arg("NAME", "用户名")),
            Sub("reset", "重置密码；不给密码时生成并只显示一次", Arg("NAME", "用户名"), Value("password", "新密码", "P"))));
        root.Add(Group("keys", "管理 API 密钥（每个账号可有多个；密钥只在签发时显示一次）", KeysCommand.RunAsync,
            Sub("issue", "为账号签发密钥", Arg("NAME", "用户名"), Value("label", "密钥名称", "LABEL")),
            Sub("rotate", "吊销密钥并签发新密钥", Arg("KEYID", "密钥编号（见 keys list）")),
            Sub("revoke", "吊销密钥", Arg("KEYID", "密钥编号（见 keys list）")),
            Sub("list", "列出密钥", OptionalArg("NAME", "只列出这个账号的密钥"))));
        root.Add(Group("grants", "开放清单：谁可以看哪个数据集", GrantsCommand.RunAsync,
            Sub("list", "列出开放条目", Value("dataset", "只列出这个数据集的", "D"), Value("status", "只列出这个状态的（pending、active、…）", "STATUS")),
            Sub("add", "数据管理员添加开放条目", Arg("DATASET", "数据集"), As(), Value("level", "开放给哪一级的全部单位：community、street、district", "LEVEL"),
                Value("units", "开放给这些单位（区划代码，逗号分隔）", "CODE,…"), Value("fields", "只开放这些字段（逗号分隔）", "FIELD,…"), Flag("aggregate-only", "只允许聚合查询"),
                Value("share", "共享类型：无条件共享、有条件共享、不予共享", "TYPE"), Value("conditions", "共享条件", "TEXT"), Value("legal-basis", "依据", "TEXT"),
                Value("from", "生效日期", "yyyy-MM-dd"), Value("until", "截止日期（含当天）", "yyyy-MM-dd")),
            Sub("request", "申请使用数据集", Arg("DATASET", "数据集"), As(), Value("purpose", "用途", "TEXT"), Value("fields", "只申请这些字段（逗号分隔）", "FIELD,…"),
                Flag("aggregate-only", "只申请聚合查询"), Value("until", "截止日期（含当天）", "yyyy-MM-dd")),
            Sub("approve", "批准申请", Arg("ID", "条目编号"), As(), Value("conditions", "共享条件", "TEXT"), Value("until", "截止日期（含当天）", "yyyy-MM-dd")),
            Sub("reject", "驳回申请", Arg("ID", "条目编号"), As(), Value("reason", "理由", "TEXT")),
            Sub("revoke", "撤销开放条目（立即生效）", Arg("ID", "条目编号"), As(), Value("reason", "理由", "TEXT")),
            Sub("history", "条目的处理记录", Arg("ID", "条目编号"))));
        root.Add(Group("catalog", "目录信息（政务信息资源目录），每次修改保存为新版本", CatalogCommand.RunAsync,
            Sub("show", "显示数据集的目录信息", Arg("DATASET", "数据集名称")),
            Sub("set", "修改目录信息", [Arg("DATASET", "数据集名称"), As(), .. MetadataCatalog.Keys.Select(k => Value(k.Key, k.Value, "VALUE"))]),
            Sub("history", "目录信息的各个版本", Arg("DATASET", "数据集名称")),
            Sub("export", "导出开放数据的 DCAT-AP（JSON-LD）和目录表", Value("dcat", "DCAT-AP 文件", "FILE.jsonld"), Value("xlsx", "目录表文件", "FILE.xlsx"),
                Value("base-url", "服务的公开地址", "https://…"))));
        root.Add(Group("runs", "运行：排队、历史、审核被发布保护暂停的运行", RunsCommand.RunAsync,
            Sub("start", "把一次运行排入作业队列，由 serve 进程执行", Arg("SOURCE", "数据源 id 或 .yaml 文件")),
            Sub("list", "列出最近的运行", OptionalArg("DATASET", "只列出这个数据集的"), Value("dataset", "只列出这个数据集的", "D"),
                Value("limit", "最多列出几条（1 到 1000，默认 20）", "N"), Flag("json", "以 JSON 打印")),
            Sub("approve", "审核通过（发布）被暂停的运行", Arg("RUN", "运行 id（见 runs list）"), Value("actor", "记入审计的操作人", "NAME"), Flag("json", "以 JSON 打印运行报告")),
            Sub("reject", "驳回被暂停的运行（不发布，删除暂存文件）", Arg("RUN", "运行 id（见 runs list）"), Value("actor", "记入审计的操作人", "NAME"), Flag("json", "以 JSON 打印"))));
        root.Add(Verb("versions", "列出数据集的版本、对应运行、行数和各数据源部分", VersionsCommand.RunAsync, Arg("DATASET", "数据集名，如 population")));
        root.Add(Verb("rollback", "把保留的旧版本恢复为当前版本（一次目录事务，记入审计）", RollbackCommand.RunAsync,
            Arg("DATASET", "数据集名"), Arg("VERSION", "版本号，如 3"), Value("actor", "记入审计的操作人", "NAME")));
        root.Add(Group("quarantine", "数据源当前的隔离明细；修正映射后重新处理隔离行", QuarantineCommand.RunAsync,
            Sub("list", "按原因计数，样例按访问策略脱敏", Arg("SOURCE", "数据源 id 或 .yaml 文件"), Value("samples", "样例行数（0 到 50，默认 5）", "N"), Flag("json", "以 JSON 打印")),
            Sub("reprocess", "重新处理隔离行，通过校验的并入该数据源的部分并发布新版本", Arg("SOURCE", "数据源 id 或 .yaml 文件"), Flag("json", "以 JSON 打印运行报告"),
                Flag("force", "跳过发布保护，记入审计"), Value("actor", "记入审计的操作人", "NAME"))));
        root.Add(Group("config", "配置（DIR/appsettings.json、DATAHUB__节__键 环境变量、命令行选项）", (args, stdout, _) => ConfigCommand.RunAsync(args, stdout),
            Sub("show", "打印生效的配置，密码已隐去")));
        root.Add(Verb("backup", "在线备份（serve 运行时也可以）：目录库、作业库、数据湖、密钥、数据源定义和配置", BackupCommand.BackupAsync,
            Value("to", "备份目录（新的或空的）", "BACKUP_DIR")));
        root.Add(Verb("restore", "把备份恢复到新的（或空的）数据目录（用 --data 指定）", BackupCommand.RestoreAsync, Value("from", "备份目录", "BACKUP_DIR")));
        root.Add(Verb("lineage", "派生数据集每个版本所用的输入数据集版本和运行", LineageCommand.RunAsync, Arg("DATASET", "派生数据集名，如 community_profile"), Flag("json", "以 JSON 打印")));
        root.Add(Verb("derive", "立即按当前输入重算派生数据集", LineageCommand.DeriveAsync));
        var simulate = Verb("simulate", "启动模拟区县的四个部门系统，写出各部门的数据源定义和真值文件", SimulateCommand.RunAsync,
            Value("district", "区县代码（默认 320113）", "CODE"), Value("rows", "公安人口库的行数（50 到 2000000，默认 20000）", "N"), Value("seed", "随机种子", "N"),
            Value("postgres", "公安人口库放在这个 PostgreSQL 中（默认 SQLite 文件）", "CONN"), Value("port", "部门接口的端口（默认 0：任选空闲端口）", "N"), Flag("reset", "重新生成已有的模拟区县"));
        simulate.Add(Verb("advance", "模拟区县推进一天（新增、变更、迁居、死亡、迁出）", SimulateCommand.RunAsync, Value("postgres", "公安人口库所在的 PostgreSQL", "CONN")));
        root.Add(simulate);
        root.Add(Verb("help", "显示全部命令的用法", (_, stdout, _) => Task.FromResult(CommandLine.Help(stdout))));

        // `datahub` alone and `datahub --help` print the overview of every verb; `datahub VERB --help` the verb's own help.
        root.SetAction(result => CommandLine.Help(result.InvocationConfiguration.Output));
        foreach (var option in root.Options)
        {
            if (option is not HelpOption { Action: HelpAction generated } help) continue;
            help.Description = "显示帮助和用法";
            help.Action = new OverviewHelp(generated);
        }
        return root;
    }

    private static Command Verb(string name, string description, VerbAction action, params Symbol[] children)
    {
        var command = new Command(name, description);
        foreach (var child in children) Add(command, child);
        command.SetAction((result, cancellationToken) => action(new ParsedArgs(result), result.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    /// <summary>A verb made of sub-verbs (<c>users add|list|…</c>): one action for all of them; the verb alone is a usage error.</summary>
    private static Command Group(string name, string description, VerbAction action, params Func<VerbAction, Command>[] subs)
    {
        var command = new Command(name, description);
        foreach (var sub in subs) command.Add(sub(action));
        return command;
    }

    private static Func<VerbAction, Command> Sub(string name, string description, params Symbol[] children) =>
        action => Verb(name, description, action, children);

    private static void Add(Command command, Symbol child)
    {
        switch (child)
        {
            case Option o: command.Add(o); break;
            case Argument a: command.Add(a); break;
            case Command c: command.Add(c); break;
        }
    }

    /// <summary>An option with a value, kept as text: the verbs check it with their own zh-CN messages.</summary>
    private static Option<string> Value(string name, string description, string helpName) =>
        new("--" + name) { Description = description, HelpName = helpName };

    private static Option<bool> Flag(string name, string description) => new("--" + name) { Description = description };

    private static Option<string> As() => Value("as", "以哪个账号的身份操作（其角色由目录检查并记入历史）", "NAME");

    private static Argument<string> Arg(string name, string description) => NotAnOption(new(name) { Description = description });

    private static Argument<string> OptionalArg(string name, string description) =>
        NotAnOption(new(name) { Description = description, Arity = ArgumentArity.ZeroOrOne });

    /// <summary>An unknown <c>--option</c> is a typo, not the value of a free argument slot (<c>keys list --bogus</c>).</summary>
    private static Argument<string> NotAnOption(Argument<string> argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith("--", StringComparison.Ordinal)))
                result.AddError($"不认识的选项“{token.Value}”");
        });
        return argument;
    }

    /// <summary>Help at the root prints the overview of every verb (with examples); a verb's help is System.CommandLine's, from the descriptions above.</summary>
    private sealed class OverviewHelp(HelpAction generated) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            if (parseResult.CommandResult.Parent is null) return CommandLine.Help(output);
            // The parser's zh-Hans resources leave the first heading in English: written aside, then fixed.
            var text = new StringWriter();
            configuration.Output = text;
            try
            {
                generated.Invoke(parseResult);
            }
            finally
            {
                configuration.Output = output;
            }
            output.Write(text.ToString().Replace("Description:", "说明:", StringComparison.Ordinal));
            return CommandLine.Ok;
        }
    }
}
