import type { Logger } from '../logger';
import type { HandoffChat } from './types';

/** Tells supervisors (HANDOFF_ALERT_WEBHOOK_URL) that an urgent chat waits with no counsellor on duty. */
export type SupervisorAlert = (chat: HandoffChat, reason: 'no-counsellor' | 'out-of-hours') => void;

const ALERT_TIMEOUT_MS = 3000;

/**
 * POSTs one JSON object per alert, fire and forget: a slow or broken webhook never holds up a child's
 * turn. Only what a supervisor needs to act; never what the user wrote.
 */
export function webhookAlert(url: string, logger: Logger): SupervisorAlert {
  return (chat, reason) => {
    const body = {
      event: 'handoff.urgent-waiting',
      reason,
      chatId: chat.id,
      priority: chat.priority,
      language: chat.language,
      channel: chat.channel,
      district: chat.district ?? null,
      category: chat.category ?? null,
      caseRef: chat.caseRef ?? null,
      createdAt: new Date(chat.createdAt).toISOString(),
    };
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(ALERT_TIMEOUT_MS),
    })
      .then((res) => {
        if (!res.ok) logger.warn({ status: res.status }, 'handoff: supervisor alert webhook refused');
      })
      .catch((err: unknown) => logger.warn({ err }, 'handoff: supervisor alert webhook failed'));
  };
}
