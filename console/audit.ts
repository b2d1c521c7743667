import type { Logger } from '../services/logger';
import type { ConsoleKv } from './kv';

/** What a console user did; never a message's text. */
export type AuditAction =
  | 'login' | 'login-refused' | 'logout' | 'claim' | 'open-chat' | 'send' | 'note' | 'transfer' | 'close' | 'view-audit'
  | 'view-case' | 'update-case' | 'case-note' | 'reveal-phone' | 'send-service' | 'view-supervisor';

export interface AuditEntry {
  at: number;
  actor: string;
  action: AuditAction;
  chatId?: string;
  /** The case reference, for an action on a case. */
  caseRef?: string;
  /** A short machine detail: a disposition, a transfer target, a refusal reason. */
  detail?: string;
}

const LOG = 'audit';

/** Who did what, when: kept for RETENTION_DAYS and mirrored to the service log. */
export class AuditLog {
  constructor(
    private readonly kv: ConsoleKv,
    private readonly retentionMs: number,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  async record(actor: string, action: AuditAction, chatId?: string, detail?: string, caseRef?: string): Promise<void> {
    const at = this.clock();
    const entry: Record<string, string> = { actor, action };
    if (chatId) entry.chatId = chatId;
    if (caseRef) entry.caseRef = caseRef;
    if (detail) entry.detail = detail;
    await this.kv.append(LOG, entry, at, this.retentionMs);
    this.logger.info({ audit: { actor, action, chatId, caseRef, detail } }, 'console audit');
  }

  /** An action on a case (never its details or phone number). */
  async recordCase(actor: string, action: AuditAction, caseRef: string, detail?: string): Promise<void> {
    await this.record(actor, action, undefined, detail, caseRef);
  }

  async latest(count = 200): Promise<AuditEntry[]> {
    const rows = await this.kv.latest(LOG, count);
    return rows.map((r) => ({ at: Number(r.at), actor: r.actor, action: r.action as AuditAction, chatId: r.chatId, caseRef: r.caseRef, detail: r.detail }));
  }
}
