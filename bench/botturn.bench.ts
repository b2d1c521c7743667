import { createLogger } from '../services/logger';
import { startEchoBot } from './echoBot';
import { load } from './processes';
import { createBenchApp } from './benchApp';
import type { BenchResult } from './types';

const CONNECTIONS = 32;
const SECONDS = 8;
/** Each conversation's pace when people are typing: a message a second each, faster than anyone types. */
const PERSON_RATE = CONNECTIONS;
/** A conversation as a user has it: greeting, menu choices, free text, commands. */
const TEXTS = ['hello', 'menu:teacher', 'teacher:school', 'menu', 'where is the nearest police station', 'cmd:emergency', 'lang:hi', 'मदद'];

/**
 * The whole bot on Redis-backed state through POST /api/messages (expectReplies), against a bare echo
 * bot on the same stack in the same run: the figure is the ratio, so the machine's speed cancels out.
 */
export async function run(): Promise<BenchResult[]> {
  const logger = createLogger({ level: 'silent' });
  const echo = await startEchoBot(logger);
  const { app, prefix } = await createBenchApp();
  const botUrl = await app.start();
  try {
    await load(`${echo.url}/api/messages`, { connections: CONNECTIONS, seconds: 2, texts: TEXTS });
    const baseline = await load(`${echo.url}/api/messages`, { connections: CONNECTIONS, seconds: SECONDS, texts: TEXTS });
    await load(`${botUrl}/api/messages`, { connections: CONNECTIONS, seconds: 2, texts: TEXTS });
    const bot = await load(`${botUrl}/api/messages`, { connections: CONNECTIONS, seconds: SECONDS, texts: TEXTS });
    // Latency paced at half the bot's own most: a saturating closed loop measures only its own
    // queue (32 conversations / throughput), the echo bot's too. The echo bot gets the same rate.
    const rate = Math.round(bot.requests.average / 2);
    const echoPaced = await load(`${echo.url}/api/messages`, { connections: CONNECTIONS, seconds: SECONDS, texts: TEXTS, rate });
    const botPaced = await load(`${botUrl}/api/messages`, { connections: CONNECTIONS, seconds: SECONDS, texts: TEXTS, rate });
    const botAtPersonPace = await load(`${botUrl}/api/messages`, { connections: CONNECTIONS, seconds: SECONDS, texts: TEXTS, rate: PERSON_RATE });
    const ratio = bot.requests.average / baseline.requests.average;
    const failures = [bot, botPaced, botAtPersonPace].reduce((sum, r) => sum + r.errors + r.non2xx + r.timeouts, 0);
    return [
      { name: 'echo bot (baseline) throughput', figure: baseline.requests.average, unit: 'msg/s', target: 'baseline', met: true },
      { name: 'bot turn throughput', figure: bot.requests.average, unit: 'msg/s', target: 'see ratio', met: true },
      { name: 'bot / echo throughput ratio', figure: ratio, unit: '', target: '>= 0.5', met: ratio >= 0.5 },
      { name: `bot turn p50, ${CONNECTIONS} conversations at ${rate} msg/s (half the bot's most)`, figure: botPaced.latency.p50, unit: 'ms', target: 'report', met: true },
      { name: `bot turn p99, ${CONNECTIONS} conversations at ${rate} msg/s`, figure: botPaced.latency.p99, unit: 'ms', target: '< 25 ms', met: botPaced.latency.p99 < 25 },
      { name: `echo bot p99, ${CONNECTIONS} conversations at ${rate} msg/s (baseline)`, figure: echoPaced.latency.p99, unit: 'ms', target: 'baseline', met: true },
      {
        name: `bot turn p99, ${CONNECTIONS} conversations each sending a message a second (${PERSON_RATE} msg/s)`,
        figure: botAtPersonPace.latency.p99,
        unit: 'ms',
        target: '< 25 ms',
        met: botAtPersonPace.latency.p99 < 25,
      },
      { name: `bot turn p99, ${CONNECTIONS} conversations sending back to back (saturated)`, figure: bot.latency.p99, unit: 'ms', target: 'report', met: true },
      { name: `echo bot p99, ${CONNECTIONS} conversations back to back (baseline)`, figure: baseline.latency.p99, unit: 'ms', target: 'baseline', met: true },
      { name: 'failed requests', figure: failures, unit: '', target: '0', met: failures === 0 },
    ];
  } finally {
    const redis = app.redis;
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await app.stop();
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
  }
}
