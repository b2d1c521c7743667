// npm run directory:import -- FILE.csv|FILE.json
// Checks every row of an operator's verified service list and, only if all pass, replaces the live
// list in Redis in one step (see services/directory/redisStore.ts). Without REDIS_URL (demo mode)
// the file is only checked: demo mode always serves the shipped list in data/directory.
import { ConfigError, loadConfig } from '../services/config';
import { loadGazetteer } from '../services/directory/gazetteer';
import { parseImportFile } from '../services/directory/importFile';
import { RedisServiceListStore } from '../services/directory/redisStore';
import { createLogger } from '../services/logger';
import { createRedis, sentinelOf, untilReady } from '../services/redis';
import { readInputFile } from './inputFile';

async function main(args: string[]): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) {
    console.error('usage: npm run directory:import -- FILE.csv|FILE.json');
    return 2;
  }
  const config = loadConfig(process.env);
  const content = readInputFile(file);
  if (content === undefined) return 2;
  const result = parseImportFile(file, content, loadGazetteer(), new Date());
  if (!result.ok) {
    for (const problem of result.problems) console.error(`${file}:${problem.line}: ${problem.message}`);
    console.error(`${result.problems.length} problem(s); nothing imported, the live list is unchanged`);
    return 1;
  }
  const { provenance } = result.list;
  if (!config.REDIS_URL) {
    console.log(`${provenance.count} services checked, all valid. No REDIS_URL: demo mode serves the shipped list; nothing imported.`);
    return 0;
  }
  const redis = createRedis(config.REDIS_URL, 'directory-import', createLogger({ level: config.LOG_LEVEL }), { sentinel: sentinelOf(config) });
  try {
    if (!(await untilReady(redis))) {
      console.error('Redis does not answer at REDIS_URL; nothing imported');
      return 1;
    }
    const version = await new RedisServiceListStore(redis, config.REDIS_KEY_PREFIX).replace(result.list);
    console.log(`${provenance.count} services imported from ${provenance.source} (sha256 ${provenance.sha256.slice(0, 12)}…), directory version ${version}`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `directory import failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
