import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig, ConfigError, SETTING_NAMES } from '../../services/config';
import { freePort } from '../support/redisServer';

const root = join(__dirname, '..', '..');

/** Runs the real entry point (index.ts) in a child process. */
function runIndex(env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', './test/support/tsRequire.js', 'index.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('config', () => {
  it.each([
    [{ PORT: 'abc' }, /^PORT: must be a number/],
    [{ REDIS_URL: 'not a url' }, /^REDIS_URL: must look like redis:\/\/host:port/],
    [{ REDIS_URL: 'http://x:1' }, /^REDIS_URL:/],
    [{ RETENTION_DAYS: '0' }, /^RETENTION_DAYS:/],
    [{ CASE_ENCRYPTION_KEY: 'short' }, /^CASE_ENCRYPTION_KEY: must be 32 bytes/],
    [{ WHATSAPP_WORKER: 'maybe' }, /^WHATSAPP_WORKER: must be on or off/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, /^CONSOLE_SESSION_SECRET: required when REDIS_URL is set/],
  ])('%j stops with one line naming the variable', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('defaults to demo mode on port 3978, even with NODE_ENV=production', () => {
    const config = loadConfig({ NODE_ENV: 'production' });
    expect(config.PORT).toBe(3978);
    expect(config.demoMode).toBe(true);
    expect(config.CONSOLE_SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(config.CASE_ENCRYPTION_KEY, 'base64')).toHaveLength(32);
  });

  it('knows every setting of CONTRACT.md', () => {
    for (const name of ['PORT', 'REDIS_URL', 'MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppTenantId', 'MicrosoftAppType', 'AZURE_LANGUAGE_ENDPOINT', 'AZURE_LANGUAGE_KEY', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_GRAPH_URL', 'TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL', 'IVR_TRANSFER_NUMBER', 'WEBCHAT_ALLOWED_ORIGINS', 'QUICK_EXIT_URL', 'CONSOLE_SESSION_SECRET', 'RETENTION_DAYS', 'CASE_ENCRYPTION_KEY']) {
      expect(SETTING_NAMES).toContain(name);
    }
  });
});

describe('the entry point', () => {
  it('exits non-zero with one line when a setting is bad', async () => {
    const run = runIndex({ PORT: 'abc' });
    expect(await run.exited).toBe(1);
    expect(run.err().trim().split('\n')).toEqual([expect.stringMatching(/^config error: PORT: must be a number/)]);
  }, 60_000);

  it('serves in demo mode, says so, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const run = runIndex({ PORT: String(port) });
    let ok = false;
    // The child transpiles every source file as it loads: on a busy CI machine that alone takes many seconds.
    for (const deadline = Date.now() + 75_000; Date.now() < deadline && !ok; ) {
      await new Promise((r) => setTimeout(r, 100));
      ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    }
    expect(ok).toBe(true);
    expect(run.out()).toMatch(/DEMO MODE/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 90_000);
});
