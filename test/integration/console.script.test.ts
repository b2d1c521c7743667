import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { consoleAccounts } from '../../console/accounts';
import { openTestRedis, type TestRedis } from '../support/redis';

let t: TestRedis;

beforeAll(async () => {
  t = await openTestRedis('counsellor-script');
});

afterAll(async () => {
  await t.cleanup();
});

/** Runs scripts/counsellor.ts as an operator would, with `stdin` piped in. */
function run(args: string[], stdin = ''): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['-r', './test/support/tsRequire.js', 'scripts/counsellor.ts', ...args], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: t.prefix,
      CONSOLE_SESSION_SECRET: randomBytes(32).toString('hex'),
      CASE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('npm run counsellor', () => {
  it('adds, lists, resets the password of, and removes an account; the password comes from stdin and is stored hashed', async () => {
    const added = await run(['add', '--username', 'Asha', '--languages', 'as,hi', '--role', 'counsellor', '--alias', 'Asha Baideo'], 'first password 1\n');
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toContain('added asha');
    const accounts = consoleAccounts(t.redis, t.prefix);
    expect(await accounts.verify('asha', 'first password 1')).toMatchObject({ username: 'asha', alias: 'Asha Baideo', languages: ['as', 'hi'], role: 'counsellor' });
    const raw = JSON.stringify(await t.redis.hgetall(`${t.prefix}console:accounts`));
    expect(raw).not.toContain('first password 1');
    expect(raw).toContain('scrypt$');

    const listed = await run(['list']);
    expect(listed.out).toMatch(/^asha\tcounsellor\tas,hi/m);

    expect((await run(['reset-password', '--username', 'asha'], 'second password 2\n')).code).toBe(0);
    expect(await accounts.verify('asha', 'first password 1')).toBeNull();
    expect(await accounts.verify('asha', 'second password 2')).not.toBeNull();

    expect((await run(['remove', '--username', 'asha'])).code).toBe(0);
    expect(await accounts.get('asha')).toBeNull();
  });

  it('refuses bad commands with a one-line reason and a non-zero code', async () => {
    const cases: [string[], string, RegExp][] = [
      [['add', '--username', 'ravi', '--languages', 'as', '--role', 'counsellor'], 'short\n', /at least 10 characters/],
      [['add', '--username', 'ravi', '--languages', 'fr', '--role', 'counsellor'], 'long enough password\n', /languages/],
      [['add', '--username', 'ravi', '--languages', 'hi', '--role', 'boss'], 'long enough password\n', /role must be/],
      [['add', '--username', 'x y', '--languages', 'hi'], 'long enough password\n', /user name/],
      [['remove', '--username', 'nobody'], '', /no account nobody/],
      [['frobnicate'], '', /usage/],
    ];
    for (const [args, stdin, reason] of cases) {
      const result = await run(args, stdin);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(reason);
    }
    expect(await consoleAccounts(t.redis, t.prefix).list()).toEqual([]);
  });
});
