/**
 * `npm run bench [NAME…]`: runs the benchmarks in this folder (`NAME.bench.ts`, each
 * exporting `run()`), and writes `bench/results/NAME.json` for each:
 * { name, date, engine, machine: { cpus, node, loadAverage }, figures, baseline, ratio } where `baseline`
 * is the peer or limit measured in the same run (these machines are noisy, so only ratios
 * between figures of one run are compared).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

export interface BenchResult {
  figures: Record<string, number>;
  baseline: Record<string, number>;
  ratio: number;
  engine?: string;
}

const here = import.meta.dirname;
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`没有这些基准测试：${unknown.join(', ')}（可选：${available.join(', ')}）`);
  process.exit(2);
}

mkdirSync(join(here, 'results'), { recursive: true });
for (const name of wanted.length > 0 ? wanted : available) {
  const module = (await import(join(here, `${name}.bench.ts`))) as {
    default: () => Promise<BenchResult>;
  };
  console.log(`==> ${name}`);
  const result = await module.default();
  const record = {
    name,
    date: new Date().toISOString(),
    engine: result.engine ?? 'none',
    // The load average when the run ended: these machines are shared, so note how busy.
    machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg() },
    figures: result.figures,
    baseline: result.baseline,
    ratio: result.ratio,
  };
  writeFileSync(join(here, 'results', `${name}.json`), JSON.stringify(record, null, 2) + '\n');
  console.log(JSON.stringify(record, null, 2));
}
