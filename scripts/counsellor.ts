// npm run counsellor -- add --username NAME --languages as,hi --role counsellor|supervisor [--alias NAME] [--capacity N]
// npm run counsellor -- remove --username NAME | list | reset-password --username NAME
// Manages console accounts in Redis. A password is read from stdin (its first line), never from the
// command line, where it would stay in the shell history and the process list.
import { parseArgs } from 'node:util';
import { AccountError, consoleAccounts, MIN_PASSWORD_LENGTH, type Role } from '../console/accounts';
import { ConfigError, loadConfig } from '../services/config';
import { createLogger } from '../services/logger';
import { createRedis, sentinelOf, untilReady } from '../services/redis';

const USAGE = `usage:
  npm run counsellor -- add --username NAME --languages as,hi --role counsellor|supervisor [--alias NAME] [--capacity N]
  npm run counsellor -- remove --username NAME
  npm run counsellor -- list
  npm run counsellor -- reset-password --username NAME
The password is read from stdin (at least ${MIN_PASSWORD_LENGTH} characters).`;

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  let input = '';
  for await (const chunk of process.stdin) {
    input += String(chunk);
    if (input.includes('\n')) break;
  }
  return input.split(/\r?\n/)[0];
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { username: { type: 'string' }, languages: { type: 'string' }, role: { type: 'string' }, alias: { type: 'string' }, capacity: { type: 'string' } },
  });
  const command = positionals[0];
  const needsName = command === 'add' || command === 'remove' || command === 'reset-password';
  if (positionals.length !== 1 || !['add', 'remove', 'list', 'reset-password'].includes(command) || (needsName && !values.username)) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(process.env);
  if (!config.REDIS_URL) {
    console.error('No REDIS_URL: demo mode keeps its one account in the server process; sign in with the demo supervisor printed at start-up.');
    return 2;
  }
  const redis = createRedis(config.REDIS_URL, 'counsellor-script', createLogger({ level: config.LOG_LEVEL }), { sentinel: sentinelOf(config) });
  if (!(await untilReady(redis))) {
    redis.disconnect();
    throw new ConfigError('REDIS_URL: Redis does not answer');
  }
  const accounts = consoleAccounts(redis, config.REDIS_KEY_PREFIX);
  try {
    if (command === 'list') {
      for (const a of await accounts.list()) console.log(`${a.username}\t${a.role}\t${a.languages.join(',')}\talias=${a.alias}\tcapacity=${a.capacity}`);
    } else if (command === 'remove') {
      if (!(await accounts.remove(values.username!))) throw new AccountError(`no account ${values.username}`);
      console.log(`removed ${values.username} (signed-in sessions end at their next request)`);
    } else if (command === 'reset-password') {
      await accounts.resetPassword(values.username!, await readPassword());
      console.log(`password of ${values.username} changed`);
    } else {
      const capacity = values.capacity === undefined ? undefined : Number(values.capacity);
      const added = await accounts.add(
        { username: values.username!, alias: values.alias, role: (values.role ?? 'counsellor') as Role, languages: (values.languages ?? '').split(','), capacity },
        await readPassword(),
      );
      console.log(`added ${added.username} (${added.role}; ${added.languages.join(',')})`);
    }
    return 0;
  } finally {
    redis.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof ConfigError || err instanceof AccountError || (err instanceof TypeError && 'code' in err);
    console.error(known ? (err as Error).message : `counsellor: failed (${(err as Error).message})`);
    process.exit(known ? 2 : 1);
  },
);
