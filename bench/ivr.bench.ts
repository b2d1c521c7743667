// The phone line's webhooks under load: Twilio gives up on a webhook after 15 s, and a caller hears
// silence while it waits, so each answer's p99 must stay under 100 ms. Full bot, Redis-backed state.
// The callers run in a child process (this same file, run directly) so they do not share the
// event loop they measure.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { registerIvr } from '../bridges/ivr/register';
import { createBenchApp } from './benchApp';
import { jsonFromChildProcess } from './processes';
import type { BenchResult } from './types';
import { percentileOfSorted as percentile } from './percentile';

const CALLERS = 8;
const SECONDS = 6;
const WARMUP_SECONDS = 1;
const P99_TARGET_MS = 100;
const PUBLIC = 'https://helpline.example.org';
const VOICE = '/api/ivr/twilio/voice';
const GATHER = '/api/ivr/twilio/gather';
/**
 * One call: choose English, repeat the main menu, 1 "in danger now", back to the main menu (none of
 * these needs the bot), 3 find help (two bot turns: the language, then the journey), 5 who needs
 * help (a bot turn), 1 the first district (a bot turn: the directory), back (a bot turn ends the journey).
 */
const KEYS = ['3', '9', '1', '*', '3', '5', '1', '*'];

interface CallerSpec {
  url: string;
  token: string;
}

interface CallerReport {
  voice: number[];
  gather: number[];
  failures: number;
  seconds: number;
}

/** The callers' side: CALLERS calls at once, each a whole call after another, every webhook signed. */
async function callers(spec: CallerSpec): Promise<CallerReport> {
  const report: CallerReport = { voice: [], gather: [], failures: 0, seconds: SECONDS };
  let measuring = false;
  const post = async (path: string, params: Record<string, string>): Promise<void> => {
    const signature = twilio.getExpectedTwilioSignature(spec.token, `${PUBLIC}${path}`, params);
    const started = performance.now();
    const res = await fetch(`${spec.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    const body = await res.text();
    if (!measuring) return;
    (path === VOICE ? report.voice : report.gather).push(performance.now() - started);
    if (res.status !== 200 || !body.includes('<Response>')) report.failures++;
  };
  const caller = async (n: number, until: number): Promise<void> => {
    while (performance.now() < until) {
      const call = { CallSid: `CA${randomBytes(16).toString('hex')}`, From: `+9198${String(n).padStart(8, '0')}` };
      await post(VOICE, call);
      for (const digits of KEYS) await post(GATHER, { ...call, Digits: digits });
    }
  };
  const all = (until: number) => Promise.all(Array.from({ length: CALLERS }, (_, n) => caller(n, until)));
  await all(performance.now() + WARMUP_SECONDS * 1000);
  measuring = true;
  await all(performance.now() + SECONDS * 1000);
  return report;
}

function runCallers(spec: CallerSpec): Promise<CallerReport> {
  return jsonFromChildProcess<CallerReport>([__filename, JSON.stringify(spec)], 'ivr callers');
}

export async function run(): Promise<BenchResult[]> {
  const { app, prefix } = await createBenchApp();
  const token = randomBytes(16).toString('hex');
  // The bridge is registered here with its own token, so the measure does not depend on how the
  // composition root wires callbacks (no callback is requested on these calls).
  registerIvr(app.server, {
    config: { ...app.config, TWILIO_AUTH_TOKEN: token, publicBaseUrl: PUBLIC },
    redis: app.redis,
    bot: app.bot,
    logger: app.logger,
    configureAdapter: () => undefined,
    callbacks: { request: async () => undefined },
  });
  const url = await app.start();
  try {
    const report = await runCallers({ url, token });
    const voice = [...report.voice].sort((a, b) => a - b);
    const gather = [...report.gather].sort((a, b) => a - b);
    const row = (name: string, sorted: number[], p: number): BenchResult => {
      const figure = percentile(sorted, p);
      return p === 99
        ? { name: `${name} p99 (${CALLERS} calls at once)`, figure, unit: 'ms', target: `< ${P99_TARGET_MS} ms`, met: figure < P99_TARGET_MS }
        : { name: `${name} p50 (${CALLERS} calls at once)`, figure, unit: 'ms', target: 'report', met: true };
    };
    return [
      row('voice webhook (call starts)', voice, 50),
      row('voice webhook (call starts)', voice, 99),
      row('gather webhook (keys, bot turns)', gather, 50),
      row('gather webhook (keys, bot turns)', gather, 99),
      { name: 'webhooks answered', figure: (voice.length + gather.length) / report.seconds, unit: 'req/s', target: 'report', met: true },
      { name: 'failed webhooks', figure: report.failures, unit: '', target: '0', met: report.failures === 0 },
    ];
  } finally {
    const redis = app.redis;
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await app.stop();
  }
}

if (require.main === module) {
  callers(JSON.parse(process.argv[2]) as CallerSpec).then(
    (report) => process.stdout.write(JSON.stringify(report)),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
