import type { CaseStore } from '../../services/cases/types';
import type { HandoffQueue } from '../../services/handoff/types';
import type { Translator } from '../../services/i18n';
import type { CallbackDesk, CallbackRequest } from './callbacks';

export interface QueueCallbackDeskDeps {
  cases: CaseStore;
  queue: Pick<HandoffQueue, 'enqueue' | 'open'>;
  i18n: Translator;
  serviceUrl: string;
}

/**
 * A callback request becomes a case (so the number is sealed with AES-GCM like any case's contact
 * number, shows in the console's case inbox, and is deleted with the case after RETENTION_DAYS)
 * and a chat in the handoff queue at the caller's priority and language, linked both ways with it.
 * Pressing "1 for yes" to "may a counsellor call you back on this number" is the consent.
 */
export class QueueCallbackDesk implements CallbackDesk {
  constructor(private readonly deps: QueueCallbackDeskDeps) {}

  async request(callback: CallbackRequest): Promise<void> {
    const at = callback.requestedAt.getTime();
    const urgent = callback.priority === 1;
    const record = await this.deps.cases.create({
      reporter: 'other',
      category: 'other',
      risk: urgent ? 'high' : 'normal',
      dangerNow: urgent,
      phone: callback.phone,
      contactConsentAt: at,
      shareConsentAt: at,
      language: callback.lang,
      channel: 'ivr',
      kind: 'callback',
    });
    const { chat } = await this.deps.queue.enqueue({
      conversationId: `ivr:${callback.callSid}`,
      reference: {
        channelId: 'ivr',
        serviceUrl: this.deps.serviceUrl,
        conversation: { id: callback.callSid, isGroup: false, conversationType: 'personal', name: '' },
        user: { id: callback.callerId, name: '' },
      },
      channel: 'ivr',
      language: callback.lang,
      priority: callback.priority,
      category: 'callback',
      summary: this.deps.i18n.t(callback.lang, 'ivr:callbackSummary'),
      caseRef: record.ref,
    });
    await this.deps.cases.setStatus(record.ref, 'queued', chat.id);
    await this.deps.queue.open(chat.id);
  }
}
