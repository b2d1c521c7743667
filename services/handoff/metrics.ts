import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HandoffQueue } from './types';

/** Handoff figures for /metrics. Each event is counted by the one instance that did it. */
export interface HandoffMetrics {
  /** Seconds from asking for a person to a counsellor joining (observed where "joined" is delivered). */
  waitSeconds: Histogram<'priority'>;
  abandoned: Counter<'priority'>;
  leaseExpiries: Counter;
  ratings: Counter<'rating'>;
}

export function createHandoffMetrics(registry: Registry, queue: Pick<HandoffQueue, 'listWaiting'>): HandoffMetrics {
  new Gauge({
    name: 'sishu_handoff_queue_length',
    help: 'Chats waiting for a counsellor, by priority (1 emergency, 2 high risk, 3 normal) and language',
    labelNames: ['priority', 'language'],
    registers: [registry],
    // Read from the shared queue at scrape time, so every instance reports the same truth.
    async collect() {
      this.reset();
      for (const chat of await queue.listWaiting()) this.inc({ priority: String(chat.priority), language: chat.queueLanguage });
    },
  });
  return {
    waitSeconds: new Histogram({
      name: 'sishu_handoff_wait_seconds',
      help: 'Wait from asking for a person to a counsellor joining',
      labelNames: ['priority'],
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers: [registry],
    }),
    abandoned: new Counter({ name: 'sishu_handoff_abandoned_total', help: 'Handoffs the user left (or ended with the safe word)', labelNames: ['priority'], registers: [registry] }),
    leaseExpiries: new Counter({ name: 'sishu_handoff_lease_expiries_total', help: 'Claims returned to the queue because the counsellor stopped answering', registers: [registry] }),
    ratings: new Counter({ name: 'sishu_handoff_ratings_total', help: "Users' 1-5 ratings after a chat", labelNames: ['rating'], registers: [registry] }),
  };
}
