/**
 * Starts the real `mzhub` program for browser tests: `mzhub demo` on a fresh SQLite
 * database, then `mzhub serve` on a free loopback port with the built console.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_PASSWORD } from '../../src/cli/demo-data.ts';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/mzhub.mjs');

/** The password of every demo account (`mzhub demo`). */
export { DEMO_PASSWORD };

export const DEMO_ACCOUNT = { username: 'hb_platform', password: DEMO_PASSWORD };

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

export async function startTestServer(): Promise<{
  url: string;
  stop(): Promise<void>;
  demo: { username: string; password: string };
}> {
  const dir = mkdtempSync(join(tmpdir(), 'mzhub-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'mzhub.sqlite')}`,
    MZHUB_DATA_DIR: dir,
    MZHUB_PORT: String(port),
    MZHUB_HOST: '127.0.0.1',
    MZHUB_LOG_LEVEL: 'warn',
    // A console built elsewhere (MZHUB_TEST_WEB_DIR) lets several builds coexist.
    MZHUB_WEB_DIR: process.env.MZHUB_TEST_WEB_DIR ?? join(root, 'web/dist'),
  };
  execFileSync(process.execPath, [bin, 'demo'], { env, cwd: root, stdio: 'pipe' });
  const child = spawn(process.execPath, [bin, 'serve'], {
    env,
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mzhub serve did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    demo: DEMO_ACCOUNT,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
