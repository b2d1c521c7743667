import { TurnContext } from 'botbuilder';
import type { CaseRecord, CaseStore, NewCase } from '../../services/cases/types';
import type { Enqueued, HandoffQueue, HandoffRequest, Priority } from '../../services/handoff/types';
import type { Lang } from '../../services/i18n';
import type { Logger } from '../../services/logger';
import type { ReportDraft } from './types';

export interface Submitted {
  record: CaseRecord;
  /** Place in the counsellors' queue, when the case was queued. */
  position?: number;
}

/**
 * Danger now first, then high risk, then a request to be called; other cases wait in the store as
 * `new` for the console.
 */
export function priorityOf(record: CaseRecord): Priority | undefined {
  if (record.dangerNow) return 1;
  if (record.risk === 'high') return 2;
  if (record.phone) return 3;
  return undefined;
}

/** Turns a consented draft into a case, and queues it for a counsellor when it needs one. */
export class ReportSubmitter {
  constructor(
    private readonly store: CaseStore,
    private readonly logger: Logger,
    /** The counsellors' queue; without it every case waits in the store as `new`. */
    private readonly queue?: Pick<HandoffQueue, 'enqueue' | 'open'>,
  ) {}

  async submit(context: TurnContext, draft: ReportDraft, language: Lang, consentAt: number): Promise<Submitted> {
    const record = await this.store.create(toNewCase(draft, language, context.activity.channelId ?? 'unknown', consentAt));
    this.logger.info({ caseRef: record.ref, category: record.category, risk: record.risk, district: record.district }, 'report stored');
    const priority = priorityOf(record);
    if (priority === undefined) return { record };
    const enqueued = await this.enqueue(context, { language, priority, category: record.category, district: record.district, summary: redactedSummary(record), caseRef: record.ref });
    if (!enqueued) return { record };
    await this.store.setStatus(record.ref, 'queued', enqueued.chat.id);
    return { record: { ...record, status: 'queued', handoffChatId: enqueued.chat.id }, position: enqueued.position };
  }

  /**
   * Danger now, before the report is finished: the conversation goes first in the counsellors'
   * queue at once. Nothing is stored (there is no consent yet); the counsellor takes it from here.
   * Returns the place in the queue, or undefined when there is no queue to go to.
   */
  async handOffNow(context: TurnContext, draft: ReportDraft, language: Lang): Promise<number | undefined> {
    const category = draft.category ?? draft.proposedCategory;
    const summary = ['report not finished', category, 'danger now'].filter(Boolean).join(' · ');
    return (await this.enqueue(context, { language, priority: 1, category, summary }))?.position;
  }

  private async enqueue(context: TurnContext, request: Pick<HandoffRequest, 'language' | 'priority' | 'category' | 'district' | 'summary' | 'caseRef'>): Promise<Enqueued | undefined> {
    if (!this.queue) return undefined;
    const { activity } = context;
    try {
      const enqueued = await this.queue.enqueue({
        ...request,
        conversationId: `${activity.channelId}:${activity.conversation?.id}`,
        reference: TurnContext.getConversationReference(activity),
        channel: activity.channelId ?? 'unknown',
      });
      await this.queue.open(enqueued.chat.id);
      return enqueued;
    } catch (err) {
      // A case stays safe in the store as `new`, where the console lists it.
      this.logger.warn({ caseRef: request.caseRef, err: { message: err instanceof Error ? err.message : String(err) } }, 'report not queued');
      return undefined;
    }
  }
}

function toNewCase(draft: ReportDraft, language: Lang, channel: string, consentAt: number): NewCase {
  return {
    reporter: draft.reporter ?? 'other',
    category: draft.category ?? 'other',
    risk: draft.risk,
    dangerNow: draft.dangerNow === true,
    district: draft.district,
    age: draft.age,
    gender: draft.gender,
    when: draft.when,
    details: draft.details,
    phone: draft.phone,
    contactConsentAt: draft.phone ? draft.contactConsentAt : undefined,
    shareConsentAt: consentAt,
    language,
    channel,
  };
}

/** What the queue shows before a counsellor opens the case: labels only, never details or a number. */
function redactedSummary(record: CaseRecord): string {
  const parts = [`report ${record.ref}`, record.category, record.district ?? 'district unknown', record.age ?? '', record.gender ?? ''];
  if (record.dangerNow) parts.push('danger now');
  if (record.phone) parts.push('asks for a call');
  return parts.filter(Boolean).join(' · ');
}
