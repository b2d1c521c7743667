import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { i18n } from '../support/botHarness';
import { activity, postJson, startApp, type ExpectedReplies, type RunningApp } from '../support/http';
import { freePort } from '../support/redisServer';

/**
 * REDIS_SENTINELS against real processes: a primary, a replica and one Sentinel (quorum 1). The
 * primary is killed mid-conversation; Sentinel promotes the replica and the service carries the
 * conversation on, without a restart.
 */
const dir = mkdtempSync(join(tmpdir(), 'sishu-sentinel-'));
const processes: ChildProcess[] = [];
let primary: ChildProcess;
let primaryPort: number;
let replicaPort: number;
let s: RunningApp;

function run(args: string[]): ChildProcess {
  const proc = spawn('redis-server', args, { stdio: 'ignore' });
  processes.push(proc);
  return proc;
}

async function until(condition: () => Promise<boolean>, what: string, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await condition().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function ask(port: number, ...command: [string, ...string[]]): Promise<unknown> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return await client.call(...command);
  } finally {
    client.disconnect();
  }
}

const storeDown = i18n.t('en', 'common:storeDown');

async function send(text: string): Promise<string> {
  const res = await postJson(`${s.url}/api/messages`, activity(text, 'sentinel-1'));
  expect(res.status).toBe(200);
  return ((await res.json()) as ExpectedReplies).activities.map((a) => a.text ?? '').join('\n');
}

beforeAll(async () => {
  [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const sentinelPort = await freePort();
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--repl-diskless-sync-delay', '0'];
  primary = run(['--port', String(primaryPort), ...common]);
  await until(async () => (await ask(primaryPort, 'PING')) === 'PONG', 'the primary to start');
  run(['--port', String(replicaPort), '--replicaof', '127.0.0.1', String(primaryPort), ...common]);
  await until(async () => String(await ask(replicaPort, 'INFO', 'replication')).includes('master_link_status:up'), 'the replica to sync');
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${sentinelPort}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor sishu 127.0.0.1 ${primaryPort} 1`,
    'sentinel down-after-milliseconds sishu 1000',
    'sentinel failover-timeout sishu 10000',
    '',
  ].join('\n'));
  run([conf, '--sentinel']);
  await until(async () => Array.isArray(await ask(sentinelPort, 'SENTINEL', 'replicas', 'sishu')), 'Sentinel to see the primary');
  s = await startApp({ REDIS_URL: 'redis://127.0.0.1:1/0', REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_MASTER: 'sishu' }, { redis: true });
}, 60_000);

afterAll(async () => {
  await s?.stop();
  for (const proc of processes) if (proc.exitCode === null) proc.kill('SIGKILL');
});

describe('Redis through Sentinel', () => {
  it('keeps the conversation on the primary Sentinel names, and carries it on after a failover', async () => {
    expect(await send('hello')).toContain(i18n.t('en', 'common:menuPrompt'));
    await send('lang:en');
    await send('menu:teacher');
    expect(await (await fetch(`${s.url}/readyz`)).text()).toBe('ready');

    // Everything written so far has reached the replica before the primary dies.
    await until(async () => Number(await ask(primaryPort, 'WAIT', '1', '1000')) >= 1, 'the replica to acknowledge');
    primary.kill('SIGKILL');
    await until(async () => String(await ask(replicaPort, 'ROLE')).startsWith('master'), 'Sentinel to promote the replica', 600);
    await until(async () => (await fetch(`${s.url}/readyz`)).status === 200, 'the service to reach the new primary', 300);

    // The teacher's guide the conversation was in goes on: state survived on the promoted replica.
    const answer = await send('teacher:sexualAbuse');
    expect(answer).not.toContain(storeDown);
    expect(answer).toContain(i18n.t('en', 'teacher:situations.sexualAbuse.title'));
  }, 90_000);
});
