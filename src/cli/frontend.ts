/**
 * `mzhub frontend --config frontend.json` — the front-end processor (前置机, EXC-06) a
 * department runs beside its own database — and `mzhub reconcile --date D`, the daily
 * reconciliation report (对账, COL-07) on the platform.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadFrontendConfig } from '../modules/frontend/processor/config.ts';
import { createFrontendProcessor } from '../modules/frontend/processor/index.ts';
import { createPlatformClient } from '../modules/frontend/processor/platform-client.ts';
import { sourceSelect } from '../modules/frontend/processor/publisher.ts';
import { openSource } from '../modules/frontend/processor/sources/index.ts';
import type { DailyReport, Issue } from '../modules/reconciliation/service.ts';
import { assertSchemaCurrent, openRuntime } from './runtime.ts';

const issueText: Record<Issue, string> = {
  receipt_missing: '使用方未回执',
  count_mismatch: '行数不一致',
  checksum_mismatch: '校验值不一致',
  incomplete: '批次未传输完整',
  publication_rejected: '有发布被拒绝',
  no_publication: '当日没有发布',
  changed_on_platform: '平台上的数据在发布后被改动',
};

export function registerFrontendCommands(program: Command) {
  program
    .command('frontend')
    .description(
      '前置机：在本单位网络内读取本单位数据库（只读），按计划或在数据变化时向平台发布目录资源，或让数据留在本单位、应答平台的核验与查询',
    )
    .requiredOption('--config <file>', '前置机配置文件（JSON，见 docs/frontend.md）')
    .option('--once', '每个发布方式的资源发布一次后退出')
    .option('--check', '检查配置、源数据库与平台的连接后退出，不发布')
    .action(async (opts: { config: string; once?: boolean; check?: boolean }) => {
      const config = loadFrontendConfig(opts.config);
      if (opts.check) {
        process.exitCode = await check(config);
        return;
      }
      const processor = createFrontendProcessor(config);
      if (opts.once) {
        try {
          const results = await processor.runOnce();
          for (const r of results) {
            console.log(
              `${r.resource}  ${outcomeText[r.outcome]}${r.kind ? `（${r.kind === 'snapshot' ? '全量' : '增量'}）` : ''}  发送 ${r.sent.rows} 行、删除 ${r.sent.deletes} 行  源库 ${r.source?.rowCount ?? '—'} 行  平台 ${r.platform?.rowCount ?? '—'} 行  ${r.reconciled === 'match' ? '对账一致' : r.reconciled ? '对账不一致' : ''}  ${r.message}`,
            );
            for (const e of r.errors.slice(0, 20))
              console.error(`  主键 ${e.key}  ${e.name}（${e.field}）：${e.reason}`);
            if (r.errors.length > 20) console.error(`  …… 共 ${r.errors.length} 处错误`);
          }
          if (results.some((r) => r.outcome === 'failed' || r.outcome === 'rejected'))
            process.exitCode = 2;
        } finally {
          await processor.stop();
        }
        return;
      }
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await processor.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      const { port } = await processor.start();
      console.log(
        `前置机 ${config.nodeId} 已启动：发布 ${config.publications.filter((p) => p.mode === 'publish').length} 项资源${port !== null ? `，在端口 ${port} 应答平台查询` : ''}`,
      );
    });

  program
    .command('reconcile')
    .description('生成某日的对账报告：各提供方、使用方持有的行数与校验值及差异，保存在平台并打印')
    .option('--date <YYYY-MM-DD>', '对账日期（北京时间），默认昨天')
    .option('--out <file>', '同时把报告写入 JSON 文件')
    .action(async (opts: { date?: string; out?: string }) => {
      const rt = openRuntime();
      try {
        await assertSchemaCurrent(rt);
        const { reconciliation } = rt.services;
        const report = await reconciliation.generateDaily(
          opts.date ?? reconciliation.defaultDate(),
        );
        printReport(report);
        if (opts.out) {
          writeFileSync(opts.out, JSON.stringify(report, null, 2));
          console.log(`报告已写入 ${opts.out}`);
        }
      } finally {
        await rt.close();
      }
    });
}

const outcomeText = {
  applied: '已写入平台',
  rejected: '被拒绝，未写入',
  skipped: '未变化，未发布',
  failed: '失败',
} as const;

function printReport(report: DailyReport) {
  console.log(
    `${report.date} 对账报告：${report.units.length} 个单位，差异 ${report.differences} 处`,
  );
  for (const unit of report.units) {
    console.log(
      `${unit.unitName}：前置机资源 ${unit.provider.publications.length} 项，提供批次 ${unit.provider.batches.length} 个，获取批次 ${unit.consumer.batches.length} 个，差异 ${unit.differences} 处`,
    );
    for (const p of unit.provider.publications) {
      if (p.issues.length === 0) continue;
      console.log(
        `  资源 ${p.resourceCode} ${p.resourceName}：${p.issues.map((i) => issueText[i]).join('、')}（源库 ${p.last?.source?.rowCount ?? '—'} 行，平台 ${p.last?.platform?.rowCount ?? '—'} 行）`,
      );
    }
    for (const b of [...unit.provider.batches, ...unit.consumer.batches]) {
      if (b.issues.length === 0) continue;
      console.log(
        `  批次 ${b.batchId}（${b.resourceCode}，${b.providerUnitName} → ${b.consumerUnitName}）：${b.issues.map((i) => issueText[i]).join('、')}（交付 ${b.delivered.rowCount} 行，回执 ${b.received?.rowCount ?? '—'} 行）`,
      );
    }
  }
}

/** `--check`: the configuration, the source and the platform, without publishing. */
async function check(config: ReturnType<typeof loadFrontendConfig>): Promise<number> {
  const source = openSource(config.sourceUrl, { timeZone: config.timeZone });
  const client = createPlatformClient({
    platformUrl: config.platformUrl,
    nodeId: config.nodeId,
    nodeSecret: config.nodeSecret,
    retryDelays: [],
  });
  let failures = 0;
  try {
    for (const setting of config.publications) {
      try {
        const shape = await client.resource(setting.resource);
        if (shape.mode !== setting.mode) {
          throw new Error(
            `平台上设为${shape.mode === 'hold' ? '留存' : '发布'}，配置为${setting.mode === 'hold' ? '留存' : '发布'}`,
          );
        }
        const select = await sourceSelect(source, setting, shape.dataItems);
        const count = await source.first(`select count(*) as n from (${select.sql}) as c`, []);
        console.log(
          `${setting.resource} ${shape.name}：${setting.mode === 'hold' ? '留存' : '发布'}，对应 ${select.columnOf.size}/${shape.dataItems.length} 个信息项，源库 ${count?.n ?? '?'} 行`,
        );
      } catch (error) {
        failures++;
        console.error(`${setting.resource}：${(error as Error).message}`);
      }
    }
  } finally {
    await source.close();
  }
  return failures > 0 ? 2 : 0;
}
