import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, redactUrl } from './config.ts';
import { MasterKey } from './secrets.ts';

const key = randomBytes(32).toString('hex');

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'mzhub-config-'));
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  test('defaults give an SQLite database under the data folder and port 8080', () => {
    const dir = tempDir();
    const config = loadConfig({ MZHUB_DATA_DIR: dir });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, `sqlite:${dir}/mzhub.sqlite`);
  });

  test('every wrong setting is named, all at once, in Chinese', () => {
    const problems = problemsOf({
      MZHUB_PORT: 'eighty',
      MZHUB_LOG_LEVEL: 'loud',
      MZHUB_SESSION_IDLE_MINUTES: '0',
      DATABASE_URL: 'mysql://x',
      MZHUB_MASTER_KEY: key,
    });
    assert.equal(problems.length, 4);
    assert.match(problems.join('\n'), /MZHUB_PORT：必须是 1–65535 的整数/);
    assert.match(problems.join('\n'), /MZHUB_LOG_LEVEL：必须是/);
    assert.match(problems.join('\n'), /MZHUB_SESSION_IDLE_MINUTES：必须是 1–480/);
    assert.match(problems.join('\n'), /DATABASE_URL：必须是 postgres:\/\//);
  });

  test('a config file that is not JSON, or names an unknown key, is refused', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{ port: 1 ');
    assert.match(
      problemsOf({ MZHUB_CONFIG: join(dir, 'bad.json'), MZHUB_MASTER_KEY: key })[0] ?? '',
      /不是合法的 JSON/,
    );
    writeFileSync(join(dir, 'unknown.json'), JSON.stringify({ prot: 8081 }));
    assert.match(
      problemsOf({ MZHUB_CONFIG: join(dir, 'unknown.json'), MZHUB_MASTER_KEY: key })[0] ?? '',
      /未知的配置项 prot/,
    );
    assert.match(
      problemsOf({ MZHUB_CONFIG: join(dir, 'missing.json'), MZHUB_MASTER_KEY: key })[0] ?? '',
      /配置文件不存在/,
    );
  });

  test('[SEC-03] a database password in plain text in the config file is refused', () => {
    const dir = tempDir();
    const file = join(dir, 'mzhub.json');
    writeFileSync(file, JSON.stringify({ databaseUrl: 'postgres://mzhub:s3cret@db:5432/mzhub' }));
    assert.match(
      problemsOf({ MZHUB_CONFIG: file, MZHUB_MASTER_KEY: key }).join(),
      /不得包含明文密码/,
    );
    writeFileSync(
      file,
      JSON.stringify({ databaseUrl: 'postgres://mzhub@db:5432/mzhub', databasePassword: 's3cret' }),
    );
    assert.match(problemsOf({ MZHUB_CONFIG: file, MZHUB_MASTER_KEY: key }).join(), /不得写明文/);
    writeFileSync(file, JSON.stringify({ masterKey: key }));
    assert.match(
      problemsOf({ MZHUB_CONFIG: file, MZHUB_MASTER_KEY: key }).join(),
      /主密钥不得写入配置文件/,
    );
  });

  test('[SEC-03] a sealed database password in the config file is opened with the master key', () => {
    const dir = tempDir();
    const file = join(dir, 'mzhub.json');
    const sealed = MasterKey.parse(key).seal('s3cret/p@ss');
    assert.doesNotMatch(sealed, /s3cret/);
    writeFileSync(
      file,
      JSON.stringify({ databaseUrl: 'postgres://mzhub@db:5432/mzhub', databasePassword: sealed }),
    );
    const config = loadConfig({ MZHUB_CONFIG: file, MZHUB_MASTER_KEY: key });
    assert.equal(new URL(config.databaseUrl).password, encodeURIComponent('s3cret/p@ss'));
    assert.equal(redactUrl(config.databaseUrl), 'postgres://mzhub:***@db:5432/mzhub');
    // The master key object never serialises its bytes.
    assert.doesNotMatch(JSON.stringify(config), new RegExp(key));
    // The wrong master key cannot open it.
    const other = randomBytes(32).toString('hex');
    assert.match(
      problemsOf({ MZHUB_CONFIG: file, MZHUB_MASTER_KEY: other }).join(),
      /主密钥不符或密文被篡改/,
    );
  });

  test('[SEC-03] the default master key file is created with owner-only permissions', () => {
    const dir = tempDir();
    loadConfig({ MZHUB_DATA_DIR: dir });
    const file = join(dir, 'master.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8').trim(), /^[0-9a-f]{64}$/);
    // The same key is used on the next start.
    const a = loadConfig({ MZHUB_DATA_DIR: dir }).masterKey.seal('x');
    assert.equal(loadConfig({ MZHUB_DATA_DIR: dir }).masterKey.open(a), 'x');
  });
});
