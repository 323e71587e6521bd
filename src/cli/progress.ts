/**
 * A small progress display for long CLI jobs (imports, exports). On a terminal it redraws
 * one line in place, at most 10 times a second so drawing never slows the job; in a log
 * file or CI output (not a TTY) carriage returns would pile up, so it prints a plain line
 * every 10 % instead (every 100,000 rows when the total is unknown).
 */

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Rows expected; omit when unknown (streamed input). */
  total?: number;
  label: string;
  stream?: ProgressStream;
  /** Clock in ms, for tests. */
  now?: () => number;
}

export interface ProgressBar {
  /** Reports the number of rows done so far. */
  update(done: number): void;
  /** Draws the final state and a summary line, e.g. "新增 10 行". */
  finish(summary?: string): void;
}

const REDRAW_MS = 100;
const LOG_STEP_ROWS = 100_000;
const BAR_WIDTH = 24;

/**
 * @example
 * const bar = createProgressBar({ total: rows, label: '导入' });
 * for (…) bar.update(++done);
 * bar.finish('新增 120 行');
 */
export function createProgressBar(options: ProgressOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const total = options.total !== undefined && options.total > 0 ? options.total : undefined;
  const tty = stream.isTTY === true;
  const started = now();
  let done = 0;
  let lastDraw = -Infinity;
  let lastStep = 0; // 10 % steps (or 100,000-row steps) already logged
  let finished = false;

  const rate = (t: number) => {
    const seconds = (t - started) / 1000;
    return seconds > 0 ? done / seconds : 0;
  };

  function line(t: number): string {
    const speed = `${fmt(Math.round(rate(t)))} 行/秒`;
    if (total === undefined) {
      return `${options.label} ${fmt(done)} 行  ${speed}  已用 ${duration(t - started)}`;
    }
    const share = Math.min(done / total, 1);
    const filled = Math.round(share * BAR_WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    const r = rate(t);
    const eta = r > 0 && done < total ? `  剩余 ${duration(((total - done) / r) * 1000)}` : '';
    return `${options.label} [${bar}] ${Math.floor(share * 100)}%  ${fmt(done)}/${fmt(total)} 行  ${speed}${eta}`;
  }

  function draw(t: number): void {
    stream.write(`\r${line(t)}\x1b[K`);
    lastDraw = t;
  }

  return {
    update(value) {
      if (finished) return;
      done = value;
      const t = now();
      if (tty) {
        if (t - lastDraw >= REDRAW_MS) draw(t);
        return;
      }
      const step =
        total === undefined
          ? Math.floor(done / LOG_STEP_ROWS)
          : Math.floor((Math.min(done / total, 1) * 100) / 10);
      if (step > lastStep) {
        lastStep = step;
        stream.write(`${line(t)}\n`);
      }
    },
    finish(summary) {
      if (finished) return;
      finished = true;
      const t = now();
      if (tty) {
        draw(t);
        stream.write('\n');
      }
      const tail = summary ? `；${summary}` : '';
      stream.write(
        `${options.label}完成：共 ${fmt(done)} 行，用时 ${duration(t - started)}，平均 ${fmt(Math.round(rate(t)))} 行/秒${tail}\n`,
      );
    },
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** "850 毫秒", "12 秒", "3 分 05 秒", "1 小时 02 分". */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} 毫秒`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} 秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} 分 ${String(s % 60).padStart(2, '0')} 秒`;
  return `${Math.floor(m / 60)} 小时 ${String(m % 60).padStart(2, '0')} 分`;
}
