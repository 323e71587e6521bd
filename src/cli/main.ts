/**
 * The `mzhub` command line: serve, migrate, demo, divisions import, secrets seal.
 * Every command reads the same configuration as the server (environment + MZHUB_CONFIG).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError, loadConfig, redactUrl } from '../server/config.ts';
import { AppError } from '../server/errors.ts';
import { systemContext } from '../modules/audit/service.ts';
import type { Checkpoint } from '../modules/audit/anchors.ts';
import { verifyArchiveFile } from '../modules/audit/archive.ts';
import { verifyChain } from '../modules/audit/chain.ts';
import { buildApp } from '../server/app.ts';
import { platformVersion } from '../server/version.ts';
import { importFile } from './import.ts';
import { registerFrontendCommands } from './frontend.ts';
import { loadDemoData } from './demo.ts';
import { assertSchemaCurrent, openRuntime, prepareDatabase } from './runtime.ts';

const program = new Command()
  .name('mzhub')
  .description('mzhub 民政数据资源共享平台')
  .version(platformVersion, '-v, --version', '显示版本号')
  .helpOption('-h, --help', '显示帮助')
  .addHelpCommand('help [命令]', '显示某个命令的帮助')
  .showHelpAfterError('（用 --help 查看用法）');

program
  .command('serve')
  .description('启动平台（API 与 Web 控制台）')
  .option('--migrate', '启动前先执行数据库迁移')
  .action(async (opts: { migrate?: boolean }) => {
    const rt = openRuntime();
    if (opts.migrate) await prepareDatabase(rt);
    await assertSchemaCurrent(rt);
    const app = await buildApp(rt.ctx, { services: rt.services });
    // Deadline supervision (SHR-06): notify due-soon and overdue steps every 10 minutes.
    const sweep = () =>
      rt.services.sharing
        .sweep()
        .catch((error: unknown) => app.log.error({ err: error }, '办理期限检查失败'));
    // Reconciliation (COL-07): yesterday's report, once per day, unless `mzhub reconcile` or
    // another instance already stored it.
    let reconciledDate = '';
    const reconcile = async () => {
      const { reconciliation } = rt.services;
      const date = reconciliation.defaultDate();
      if (date === reconciledDate) return;
      if (!(await reconciliation.hasReport(date))) await reconciliation.generateDaily(date);
      reconciledDate = date;
    };
    const sweeper = setInterval(() => {
      void sweep();
      void reconcile().catch((error: unknown) => app.log.error({ err: error }, '生成对账报告失败'));
    }, 10 * 60_000);
    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      clearInterval(sweeper);
      app.log.info({ signal }, '正在停止服务');
      // Deliveries under way finish; claimed ones not yet sent are handed back.
      await rt.services.subscriptions.stop();
      // Stop taking requests, let running ones finish, then close the database.
      await app.close();
      await rt.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    await app.listen({ host: rt.config.host, port: rt.config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : rt.config.port;
    app.log.info(
      { engine: rt.handle.engine, database: redactUrl(rt.config.databaseUrl) },
      `平台已启动：http://${rt.config.host}:${port}/`,
    );
    void sweep();
    void reconcile().catch((error: unknown) => app.log.error({ err: error }, '生成对账报告失败'));
    // Subscriptions (EXC-04): produce and deliver webhook notifications every 2 seconds.
    rt.services.subscriptions.start({
      intervalMs: 2000,
      onError: (error) => app.log.error({ err: error }, '订阅推送出错，稍后重试'),
    });
  });

program
  .command('migrate')
  .description('创建或升级数据库结构（SQLite 或 PostgreSQL），并在新库中载入行政区划代码表')
  .action(async () => {
    const rt = openRuntime();
    try {
      const { version, loadedDivisions } = await prepareDatabase(rt);
      console.log(
        `数据库（${rt.handle.engine}）结构版本：${version}${loadedDivisions ? '；已载入内置行政区划代码表' : ''}`,
      );
    } finally {
      await rt.close();
    }
  });

program
  .command('demo')
  .description('载入演示数据（演示省份、单位与账号）并打印演示账号')
  .action(async () => {
    const rt = openRuntime();
    try {
      await prepareDatabase(rt);
      const result = await loadDemoData(rt);
      console.log(result.created ? '演示数据已载入。' : '演示数据已存在，未重复载入。');
      console.log('演示账号（仅供演示环境使用）：');
      for (const a of result.accounts) {
        console.log(`  ${a.username.padEnd(16)} 密码 ${a.password}   ${a.role}（${a.unit}）`);
      }
    } finally {
      await rt.close();
    }
  });

program
  .command('bootstrap')
  .description(
    '在空库上创建平台单位与三员账号（系统管理员、安全管理员、安全审计员），打印一次性密码',
  )
  .requiredOption('--unit <名称>', '平台运营单位名称，如“河北省政务数据共享交换中心”')
  .requiredOption('--division <代码>', '平台所在行政区划代码，如 130000')
  .option('--credit-code <代码>', '平台运营单位的统一社会信用代码')
  .action(async (opts: { unit: string; division: string; creditCode?: string }) => {
    const rt = openRuntime();
    try {
      await prepareDatabase(rt);
      const existing = await rt.ctx.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (existing) {
        throw new AppError(
          'conflict',
          'bootstrap.not_empty',
          '数据库中已有账号，bootstrap 只能在空库上执行一次',
        );
      }
      const unit = await rt.services.org.createUnit(
        {
          name: opts.unit,
          divisionCode: opts.division,
          creditCode: opts.creditCode ?? null,
          parentUnitId: null,
          type: 'institution',
        },
        { method: 'system' },
      );
      const accounts = await rt.services.iam.bootstrap(unit.id);
      console.log(
        `已创建平台单位“${unit.name}”与三员账号。以下一次性密码只显示这一次，首次登录须修改，并按安全策略绑定动态口令：`,
      );
      for (const a of accounts)
        console.log(`  ${a.username.padEnd(10)} 密码 ${a.password}   ${a.role}`);
    } finally {
      await rt.close();
    }
  });

const divisions = program.command('divisions').description('行政区划代码表');
divisions
  .command('import')
  .description(
    '导入新发布的行政区划代码表（“代码,名称”每行一条的 CSV/TSV，或 JSON 数组）；整表校验，出错则不导入',
  )
  .argument('<file>', '代码表文件')
  .option('--format <format>', 'csv | tsv | json | auto', 'auto')
  .option('--source <name>', '来源说明', '')
  .action(
    async (file: string, opts: { format: 'csv' | 'tsv' | 'json' | 'auto'; source: string }) => {
      const rt = openRuntime();
      try {
        await assertSchemaCurrent(rt);
        const content = readFileSync(file, 'utf8');
        const result = await rt.services.org.importDivisions(
          { content, format: opts.format, sourceName: opts.source || file },
          systemContext(),
        );
        console.log(
          `已导入：共 ${result.rowCount} 条；新增 ${result.added}，更名 ${result.renamed}，撤销 ${result.retired}，恢复 ${result.restored}`,
        );
        if (result.unitsOnRetiredCodes.length > 0) {
          console.log('以下单位仍挂在已撤销的区划代码上，请人工调整（系统不会自动改挂）：');
          for (const u of result.unitsOnRetiredCodes)
            console.log(`  ${u.divisionCode} ${u.divisionName}  ${u.unitName}`);
        }
      } finally {
        await rt.close();
      }
    },
  );

program
  .command('import')
  .description(
    '向结构化资源导入数据文件（CSV、XLSX、JSON）：逐行校验，全部正确才写入，否则写出错误报告',
  )
  .argument('<resource>', '资源代码（如 301002/000001）或目录条目编号')
  .argument('<file>', '数据文件')
  .requiredOption('--as <账号>', '以哪个账号的名义导入（须为提供方单位的数据录入员），记入审计日志')
  .option('--format <format>', 'csv | xlsx | json（默认按扩展名）')
  .action(
    async (
      resource: string,
      file: string,
      opts: { as: string; format?: 'csv' | 'xlsx' | 'json' },
    ) => {
      const rt = openRuntime();
      try {
        await assertSchemaCurrent(rt);
        if (!(await importFile(rt, resource, file, opts))) process.exitCode = 2;
      } finally {
        await rt.close();
      }
    },
  );

const audit = program.command('audit').description('审计日志：校验、检查点、归档');
audit
  .command('verify')
  .description('校验审计链是否完整；不完整时指出第一条出问题的记录并以非零状态退出')
  .option('--anchor <file>', '同时核对一个之前保存的检查点文件')
  .action(async (opts: { anchor?: string }) => {
    const rt = openRuntime();
    try {
      await assertSchemaCurrent(rt);
      const report = await verifyChain(rt.ctx.db, { sqlite: rt.handle.sqlite });
      if (!report.ok) {
        console.error(
          `审计链校验失败：${report.firstBad!.message}（第 ${report.firstBad!.seq} 条，${report.firstBad!.problem}）`,
        );
        process.exitCode = 2;
        return;
      }
      console.log(
        `审计链完整：在线 ${report.checked} 条，链头第 ${report.headSeq} 条，哈希 ${report.headHash}`,
      );
      if (opts.anchor) {
        const checkpoint = JSON.parse(readFileSync(opts.anchor, 'utf8')) as Checkpoint;
        const result = await rt.services.anchors.verifyAnchor(checkpoint);
        if (!result.ok) {
          console.error(`检查点核对失败：${result.problem}`);
          process.exitCode = 2;
          return;
        }
        console.log(`检查点（第 ${checkpoint.seq} 条，${checkpoint.at}）核对一致`);
      }
    } finally {
      await rt.close();
    }
  });
audit
  .command('anchor')
  .description('打印一个用节点 SM2 密钥签名的检查点（链头序号、哈希、时间），请保存在平台之外')
  .action(async () => {
    const rt = openRuntime();
    try {
      await assertSchemaCurrent(rt);
      console.log(JSON.stringify(await rt.services.anchors.anchor(), null, 2));
    } finally {
      await rt.close();
    }
  });
audit
  .command('archive')
  .description('把某日期之前的审计记录移入签名的压缩归档文件（3 年内的记录不归档）')
  .requiredOption('--before <YYYY-MM-DD>', '归档此日期（北京时间零点）之前的记录')
  .option('--dir <folder>', '归档文件目录（默认：数据目录下的 audit-archive）')
  .action(async (opts: { before: string; dir?: string }) => {
    const rt = openRuntime();
    try {
      await assertSchemaCurrent(rt);
      const dir = opts.dir ?? `${rt.config.dataDir}/audit-archive`;
      const result = await rt.services.archiver.archive(opts.before, dir);
      if (!result) console.log(`${opts.before} 之前没有可归档的审计记录`);
      else
        console.log(
          `已归档第 ${result.manifest.fromSeq}–${result.manifest.toSeq} 条（${result.manifest.count} 条）到 ${result.path}`,
        );
    } finally {
      await rt.close();
    }
  });
audit
  .command('verify-archive')
  .description('独立校验一个审计归档文件（签名、条数、链）')
  .argument('<file>', '归档文件')
  .action((file: string) => {
    const result = verifyArchiveFile(file);
    if (!result.ok) {
      console.error(`归档文件校验失败：${result.problem}`);
      process.exitCode = 2;
      return;
    }
    console.log(
      `归档文件完整：第 ${result.manifest!.fromSeq}–${result.manifest!.toSeq} 条，共 ${result.manifest!.count} 条，签名有效`,
    );
  });

// mzhub frontend (前置机) and mzhub reconcile (对账).
registerFrontendCommands(program);

const secrets = program.command('secrets').description('密钥与口令的加密保存');
secrets
  .command('seal')
  .description('用主密钥加密一个口令（从标准输入读取），输出可写入配置文件的密文 enc:v1:…')
  .action(() => {
    const config = loadConfig();
    const input = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
    if (!input) throw new Error('标准输入为空：请用管道传入要加密的口令');
    console.log(config.masterKey.seal(input));
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof AppError) {
    console.error(`错误（${error.code}）：${error.message}`);
    for (const e of error.errors ?? []) console.error(`  ${e.path}：${e.message}`);
  } else console.error(`错误：${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
