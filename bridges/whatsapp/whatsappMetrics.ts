import { Counter, type Registry } from 'prom-client';

/** The bridge's counters: what came in, what was ignored, and every send that failed. */
export interface WhatsAppMetrics {
  /** Webhook messages by outcome: stored, duplicate. */
  inbound: Counter<'outcome'>;
  /** Events acknowledged without a turn: statuses, reactions, unknown types, malformed entries. */
  ignored: Counter<'kind'>;
  /** Webhooks refused before reading them: bad signature, bad body, store unavailable. */
  rejected: Counter<'reason'>;
  /** Sends that did not reach WhatsApp, by reason. */
  sendFailures: Counter<'reason'>;
  /** Messages moved to the dead-letter stream after the bot kept failing on them. */
  deadLettered: Counter<string>;
}

/** Registers the counters once per registry (several bridges in one test process share none). */
export function createWhatsAppMetrics(registry: Registry): WhatsAppMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  return {
    inbound: counter('sishu_whatsapp_inbound_total', 'WhatsApp webhook messages by outcome', ['outcome']),
    ignored: counter('sishu_whatsapp_ignored_total', 'WhatsApp webhook events acknowledged without a turn', ['kind']),
    rejected: counter('sishu_whatsapp_rejected_total', 'WhatsApp webhooks refused', ['reason']),
    sendFailures: counter('sishu_whatsapp_send_failures_total', 'WhatsApp sends that failed', ['reason']),
    deadLettered: counter('sishu_whatsapp_dead_lettered_total', 'WhatsApp messages set aside after failing turns', []),
  };
}
