import type { CaseHash } from './caseHash';
import { CaseStoreCore, DEFAULT_LIST_LIMIT, selectCases, REF_ATTEMPTS, type CaseStoreDeps } from './storeCore';
import type { CaseFilter, CaseRecord, CaseStatus, CaseStore, CaseWorkChange, NewCase } from './types';

/** Demo mode's case store: one process, sealed like Redis, gone on restart. */
export class MemoryCaseStore implements CaseStore {
  private readonly core: CaseStoreCore;
  private readonly cases = new Map<string, CaseHash>();

  constructor(deps: CaseStoreDeps) {
    this.core = new CaseStoreCore(deps);
  }

  async create(input: NewCase): Promise<CaseRecord> {
    for (let attempt = 0; attempt < REF_ATTEMPTS; attempt++) {
      const { record, hash } = this.core.draft(input);
      if (this.live(record.ref)) continue;
      this.cases.set(record.ref, hash);
      return record;
    }
    throw new Error('could not find a free case reference');
  }

  async get(ref: string): Promise<CaseRecord | null> {
    const hash = this.live(ref);
    return hash ? this.core.codec.fromHash(hash) : null;
  }

  async list(filter: CaseFilter, limit = DEFAULT_LIST_LIMIT): Promise<CaseRecord[]> {
    const records = [...this.cases.keys()].flatMap((ref) => {
      const hash = this.live(ref);
      return hash ? [this.core.codec.fromHash(hash)] : [];
    });
    return selectCases(records, filter, limit);
  }

  async setStatus(ref: string, status: CaseStatus, handoffChatId?: string): Promise<boolean> {
    const hash = this.live(ref);
    if (!hash) return false;
    hash.status = status;
    if (handoffChatId !== undefined) hash.handoffChatId = handoffChatId;
    return true;
  }

  async update(ref: string, change: CaseWorkChange, opts: { status?: CaseStatus; expectAssignee?: string } = {}): Promise<CaseRecord | 'not-found' | 'conflict'> {
    const hash = this.live(ref);
    if (!hash) return 'not-found';
    if (opts.expectAssignee !== undefined && (hash.assignee ?? '') !== opts.expectAssignee) return 'conflict';
    for (const [field, value] of this.core.codec.workFields(change)) {
      if (value === '') delete hash[field];
      else hash[field] = value;
    }
    if (opts.status) hash.status = opts.status;
    return this.core.codec.fromHash(hash);
  }

  /** The case's hash while it is within its retention time; an expired one is dropped on sight. */
  private live(ref: string): CaseHash | undefined {
    const hash = this.cases.get(ref);
    if (hash && Number(hash.expiresAt) <= this.core.now()) {
      this.cases.delete(ref);
      return undefined;
    }
    return hash;
  }
}
