import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { registerConsole, type ConsoleDeps, type CounsellorConsole } from '../../console';
import type { NewAccount } from '../../console/accounts';
import { announcingCaseStore } from '../../services/cases/announce';
import { FieldCipher } from '../../services/cases/cipher';
import { MemoryCaseStore } from '../../services/cases/MemoryCaseStore';
import { RedisCaseStore } from '../../services/cases/RedisCaseStore';
import type { CaseStore } from '../../services/cases/types';
import { createDirectory } from '../../services/directory';
import { MemoryHandoffStore } from '../../services/handoff/MemoryHandoffStore';
import { RedisHandoffStore } from '../../services/handoff/RedisHandoffStore';
import type { HandoffStore, HandoffTimings } from '../../services/handoff/types';
import { createHttpServer } from '../../services/http/server';
import { createLogger } from '../../services/logger';
import { LogCapture } from './botHarness';
import { request as handoffRequest, TEST_TIMINGS } from './handoffContract';
import { deleteByPrefix, randomPrefix, TEST_REDIS_URL } from './redis';

/** A clock that moves only when the test moves it (unit tests of time rules, no real time involved). */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let at = start;
  return { now: () => at, advance: (ms) => (at += ms) };
}

export const PASSWORD = 'correct horse battery';

/** One console user in a test: keeps its cookie and CSRF token like a browser would. */
export class ConsoleClient {
  cookie?: string;
  csrf?: string;

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, opts: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, opts.headers);
    return fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  }

  async login(username: string, password = PASSWORD): Promise<Response> {
    const res = await this.request('POST', '/console/api/login', { username, password });
    const setCookie = res.headers.get('set-cookie');
    if (res.ok && setCookie) {
      this.cookie = setCookie.split(';')[0];
      this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    }
    return res;
  }

  get(path: string): Promise<Response> {
    return this.request('GET', `/console/api/${path}`);
  }

  post(path: string, body?: unknown, opts: { csrf?: string | null } = {}): Promise<Response> {
    return this.request('POST', `/console/api/${path}`, body, opts);
  }

  async json<T = Record<string, unknown>>(res: Promise<Response> | Response): Promise<T> {
    return (await (await res).json()) as T;
  }
}

export interface ConsoleRig {
  url: string;
  /** The Redis key prefix of this rig's stores. */
  prefix: string;
  handoff: HandoffStore;
  /** The case inbox's store (on the test Redis when the rig is), as the report journey writes it. */
  cases: CaseStore;
  console: CounsellorConsole;
  logs: LogCapture;
  addAccount(account: Partial<NewAccount> & { username: string }): Promise<void>;
  /** A waiting chat, as the bot would put one in the queue. */
  queueChat(overrides?: Parameters<typeof handoffRequest>[0]): Promise<string>;
  client(): ConsoleClient;
  /**
   * Queues throwaway chats until one's event comes through this instance's event reader (Redis's
   * starts on the first subscription and reads only what follows): from then on events are live.
   */
  untilEventsFlow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The console's routes on their own server, over a real handoff store: the one given, in memory, or
 * on the test Redis under a random prefix (deleted on stop).
 */
export async function startConsoleRig(
  opts: { redis?: boolean; timings?: Partial<HandoffTimings> } & Partial<Pick<ConsoleDeps, 'handoff' | 'clock' | 'loginLimits' | 'sessionTimings' | 'longWaitSeconds'>> = {},
): Promise<ConsoleRig> {
  const logs = new LogCapture();
  const logger = createLogger({ level: 'info', destination: logs });
  const timings = { ...TEST_TIMINGS, ...opts.timings };
  const prefix = randomPrefix('console');
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  const redis = opts.redis ? connect() : undefined;
  const handoff: HandoffStore = opts.handoff ?? (redis
    ? new RedisHandoffStore({ redis, openBlocking: connect, prefix, timings, logger, clock: opts.clock })
    : new MemoryHandoffStore(timings, opts.clock));
  const caseDeps = { cipher: new FieldCipher(randomBytes(32).toString('base64')), retentionMs: timings.retentionMs, now: opts.clock };
  // As the composition root wires it: every new or changed case is announced to the consoles.
  const cases: CaseStore = announcingCaseStore(redis ? new RedisCaseStore(redis, prefix, caseDeps) : new MemoryCaseStore(caseDeps), (ref) => handoff.signal({ type: 'case', ref }));
  const server = createHttpServer();
  const counsellorConsole = registerConsole(server, {
    handoff, redis, keyPrefix: prefix, sessionSecret: 'test-secret-test-secret-test-secret!', retentionMs: timings.retentionMs,
    secureCookies: false, logger, clock: opts.clock, loginLimits: opts.loginLimits, sessionTimings: opts.sessionTimings,
    cases, directory: createDirectory({ keyPrefix: prefix, logger }), longWaitSeconds: opts.longWaitSeconds,
  });
  const queueChat = async (overrides?: Parameters<typeof handoffRequest>[0]): Promise<string> => {
    const entered = await handoff.enqueue(handoffRequest(overrides));
    await handoff.open(entered.chat.id);
    return entered.chat.id;
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    prefix,
    handoff,
    cases,
    console: counsellorConsole,
    logs,
    async addAccount(account) {
      await counsellorConsole.accounts.add({ role: 'counsellor', languages: ['as', 'en'], ...account }, PASSWORD);
    },
    queueChat,
    client: () => new ConsoleClient(url),
    async untilEventsFlow() {
      for (let seen = false; !seen; ) {
        const id = await queueChat();
        seen = await new Promise<boolean>((resolve) => {
          const stop = handoff.onEvent((e) => e.chatId === id && (stop(), resolve(true)));
          setTimeout(() => (stop(), resolve(false)), 250);
        });
        await handoff.abandon((await handoff.get(id))!.conversationId);
      }
    },
    async stop() {
      counsellorConsole.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.server.closeAllConnections?.();
      });
      await handoff.close();
      if (redis) await deleteByPrefix(redis, prefix);
      for (const c of connections) c.disconnect();
    },
  };
}
