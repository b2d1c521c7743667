// How the composition root builds the case store.
import type { Redis } from '../redis';
import { FieldCipher } from './cipher';
import { MemoryCaseStore } from './MemoryCaseStore';
import { RedisCaseStore } from './RedisCaseStore';
import type { CaseStore } from './types';

export type { CaseFilter, CaseKind, CaseRecord, CaseStatus, CaseStore, CaseWork, CaseWorkChange, NewCase } from './types';
export { CASE_KINDS, CASE_STATUSES } from './types';
export { announcingCaseStore } from './announce';

/** Redis when there is one, memory in demo mode; details and phone numbers sealed under `encryptionKey` either way. */
export function createCaseStore(opts: { redis?: Redis; keyPrefix: string; encryptionKey: string; retentionDays: number }): CaseStore {
  const deps = { cipher: new FieldCipher(opts.encryptionKey), retentionMs: opts.retentionDays * 86_400_000 };
  return opts.redis ? new RedisCaseStore(opts.redis, opts.keyPrefix, deps) : new MemoryCaseStore(deps);
}
