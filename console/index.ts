import type { Server } from 'restify';
import type { CaseStore } from '../services/cases/types';
import type { Directory } from '../services/directory';
import type { HandoffStore } from '../services/handoff/types';
import { createI18n, type Translator } from '../services/i18n';
import type { Logger } from '../services/logger';
import type { Redis } from '../services/redis';
import { AccountStore } from './accounts';
import { AuditLog } from './audit';
import { registerAuthRoutes } from './authRoutes';
import { registerCaseRoutes } from './caseRoutes';
import { registerChatRoutes } from './chatRoutes';
import type { ConsoleContext } from './context';
import { ConsoleEvents } from './events';
import { consoleKeyPrefix, MemoryConsoleKv, RedisConsoleKv } from './kv';
import { DEFAULT_LOGIN_LIMITS, LoginGuard, type LoginLimits } from './loginGuard';
import { CaseNotes } from './notes';
import { registerConsolePage } from './page';
import { randomPassword } from './passwords';
import { registerServiceRoutes } from './serviceRoutes';
import { SessionStore, type SessionTimings } from './sessions';
import { DEFAULT_LONG_WAIT_SECONDS, registerSupervisorRoutes } from './supervisorRoutes';

export interface ConsoleDeps {
  handoff: HandoffStore;
  /** Unset in demo mode: accounts, sessions and the audit log then live in this process. */
  redis?: Redis;
  /** The service's key prefix (REDIS_KEY_PREFIX); see consoleKeyPrefix. */
  keyPrefix: string;
  sessionSecret: string;
  retentionMs: number;
  /** true when the public URL is https: cookies get Secure. */
  secureCookies: boolean;
  logger: Logger;
  sessionTimings?: SessionTimings;
  loginLimits?: LoginLimits;
  clock?: () => number;
  /** The case store the report journey and the IVR callback desk write: the case inbox. */
  cases?: CaseStore;
  /** The service directory: the nearest-services panel of a chat. */
  directory?: Directory;
  /** Renders service cards in the user's language (default: the shipped locales). */
  i18n?: Translator;
  /** A wait in the queue past this many seconds is highlighted (CONSOLE_LONG_WAIT_SECONDS; default 300). */
  longWaitSeconds?: number;
}

export interface CounsellorConsole {
  accounts: AccountStore;
  /** Ends the live event streams (call before closing the HTTP server). */
  close(): void;
}

export const DEFAULT_SESSION_TIMINGS: SessionTimings = { idleMs: 30 * 60_000, maxAgeMs: 14 * 3600_000 };

/** The counsellors' console: the page at /console and its JSON API under /console/api/. */
export function registerConsole(server: Server, deps: ConsoleDeps): CounsellorConsole {
  const clock = deps.clock ?? Date.now;
  const kv = deps.redis ? new RedisConsoleKv(deps.redis, consoleKeyPrefix(deps.keyPrefix)) : new MemoryConsoleKv(clock);
  const ctx: ConsoleContext = {
    handoff: deps.handoff,
    accounts: new AccountStore(kv, clock),
    sessions: new SessionStore(kv, deps.sessionSecret, deps.sessionTimings ?? DEFAULT_SESSION_TIMINGS, clock),
    guard: new LoginGuard(kv, deps.loginLimits ?? DEFAULT_LOGIN_LIMITS, clock),
    audit: new AuditLog(kv, deps.retentionMs, deps.logger.child({ component: 'console' }), clock),
    notes: new CaseNotes(kv, deps.retentionMs, clock),
    logger: deps.logger,
    secureCookies: deps.secureCookies,
    settings: { longWaitSeconds: deps.longWaitSeconds ?? DEFAULT_LONG_WAIT_SECONDS, cases: deps.cases !== undefined, services: deps.directory !== undefined },
  };
  const events = new ConsoleEvents(ctx);
  registerConsolePage(server, deps.logger);
  registerAuthRoutes(server, ctx);
  registerChatRoutes(server, ctx, clock, deps.cases);
  if (deps.cases) registerCaseRoutes(server, ctx, deps.cases, clock);
  if (deps.directory) registerServiceRoutes(server, ctx, deps.directory, deps.i18n ?? createI18n());
  registerSupervisorRoutes(server, ctx, clock, ctx.settings.longWaitSeconds);
  events.register(server);
  return { accounts: ctx.accounts, close: () => events.close() };
}

export const DEMO_USERNAME = 'demo';

/**
 * Demo mode: one supervisor with a fresh random password, returned so start-up can print it once
 * (never logged). Null when the account exists already.
 */
export async function createDemoSupervisor(accounts: AccountStore): Promise<{ username: string; password: string } | null> {
  if (await accounts.get(DEMO_USERNAME)) return null;
  const password = randomPassword();
  await accounts.add({ username: DEMO_USERNAME, alias: 'Mitra', role: 'supervisor', languages: ['as', 'hi', 'en'], capacity: 5 }, password);
  return { username: DEMO_USERNAME, password };
}
