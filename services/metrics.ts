import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, one registry per app so tests and instances never share counts. */
export interface Metrics {
  registry: Registry;
  turns: Counter<'channel'>;
  turnSeconds: Histogram<'channel'>;
  errors: Counter<'kind'>;
  highRisk: Counter<'channel'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sishu_' });
  return {
    registry,
    turns: new Counter({ name: 'sishu_turns_total', help: 'Bot turns by channel', labelNames: ['channel'], registers: [registry] }),
    turnSeconds: new Histogram({
      name: 'sishu_turn_seconds',
      help: 'Bot turn latency in seconds',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    errors: new Counter({ name: 'sishu_errors_total', help: 'Errors by kind', labelNames: ['kind'], registers: [registry] }),
    highRisk: new Counter({ name: 'sishu_high_risk_total', help: 'Messages read as high risk, by channel', labelNames: ['channel'], registers: [registry] }),
  };
}
