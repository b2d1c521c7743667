import { randomUUID } from 'node:crypto';
import type { ConversationState } from 'botbuilder';
import type { Registry } from 'prom-client';
import type { Translator } from '../i18n';
import type { Logger } from '../logger';
import type { Redis } from '../redis';
import { HandoffDesk, type Proactive } from './HandoffDesk';
import { HandoffWorker } from './HandoffWorker';
import { MemoryHandoffStore } from './MemoryHandoffStore';
import { createHandoffMetrics } from './metrics';
import { RedisHandoffStore } from './RedisHandoffStore';
import { parseDutySchedule } from './schedule';
import { webhookAlert } from './supervisorAlert';
import type { HandoffStore, HandoffTimings } from './types';

export interface HandoffSettings {
  RETENTION_DAYS: number;
  HANDOFF_HOURS: string;
  HANDOFF_LEASE_SECONDS: number;
  HANDOFF_LANGUAGE_FALLBACK_SECONDS: number;
  HANDOFF_ALERT_WEBHOOK_URL?: string;
  HANDOFF_MODE: 'queue' | 'botframework';
  REDIS_KEY_PREFIX: string;
}

export interface HandoffServiceDeps {
  settings: HandoffSettings;
  /** Unset in demo mode: the queue then lives in this process. */
  redis?: Redis;
  /** A connection the live event reader may block on (createRedis(..., { blocking: true })). */
  openBlocking?: () => Redis;
  i18n: Translator;
  conversationState: ConversationState;
  registry: Registry;
  logger: Logger;
}

export interface HandoffService {
  store: HandoffStore;
  /** The bot's HandoffPort, and `enter` for the CounsellorDialog. */
  desk: HandoffDesk;
  /** Starts sweeping and delivering counsellor messages through these adapters (channelId → adapter). */
  start(adapters: ReadonlyMap<string, Proactive>): void;
  stop(): Promise<void>;
}

export function timingsOf(settings: HandoffSettings): HandoffTimings {
  return {
    leaseMs: settings.HANDOFF_LEASE_SECONDS * 1000,
    languageFallbackMs: settings.HANDOFF_LANGUAGE_FALLBACK_SECONDS * 1000,
    // A pending chat is opened by the turn that made it, in milliseconds; this only rescues a crash.
    pendingGraceMs: 10_000,
    retentionMs: settings.RETENTION_DAYS * 86_400_000,
  };
}

/** The handoff queue, relay and bot side, on Redis when there is one, else in memory (demo mode). */
export function createHandoffService(deps: HandoffServiceDeps): HandoffService {
  const { settings, redis, logger } = deps;
  const timings = timingsOf(settings);
  const store: HandoffStore = redis && deps.openBlocking
    ? new RedisHandoffStore({ redis, openBlocking: deps.openBlocking, prefix: settings.REDIS_KEY_PREFIX, timings, logger })
    : new MemoryHandoffStore(timings);
  const metrics = createHandoffMetrics(deps.registry, store);
  const desk = new HandoffDesk({
    store,
    i18n: deps.i18n,
    schedule: parseDutySchedule(settings.HANDOFF_HOURS),
    conversationState: deps.conversationState,
    logger,
    metrics,
    alert: settings.HANDOFF_ALERT_WEBHOOK_URL ? webhookAlert(settings.HANDOFF_ALERT_WEBHOOK_URL, logger) : undefined,
    agentHub: settings.HANDOFF_MODE === 'botframework',
  });
  let worker: HandoffWorker | undefined;
  return {
    store,
    desk,
    start(adapters) {
      worker = new HandoffWorker({
        store,
        deliver: desk.deliverer(adapters),
        showTyping: desk.typingShower(adapters),
        owner: randomUUID(),
        logger,
        // A third of the lease: a vanished counsellor's chat is back in the queue within 1.33 leases.
        intervalMs: Math.max(1000, Math.floor(timings.leaseMs / 3)),
        onRequeued: (count) => metrics.leaseExpiries.inc(count),
      });
      worker.start();
    },
    async stop() {
      await worker?.stop();
      await store.close();
    },
  };
}
