import { newCaseRef } from './caseRef';
import { CaseCodec, type CaseHash } from './caseHash';
import type { FieldCipher } from './cipher';
import type { CaseFilter, CaseRecord, NewCase } from './types';

export interface CaseStoreDeps {
  cipher: FieldCipher;
  /** RETENTION_DAYS in milliseconds: a case is deleted this long after it was made. */
  retentionMs: number;
  now?: () => number;
}

/** A fresh reference collides about once in a billion; a few tries make a clash impossible in practice. */
export const REF_ATTEMPTS = 5;
export const DEFAULT_LIST_LIMIT = 100;

/** What both stores share: making the record, sealing it, and filtering by the indexed fields. */
export class CaseStoreCore {
  readonly codec: CaseCodec;
  readonly now: () => number;

  constructor(readonly deps: CaseStoreDeps) {
    this.codec = new CaseCodec(deps.cipher);
    this.now = deps.now ?? Date.now;
  }

  /** A new record under a fresh reference, with its hash (secrets sealed to that reference). */
  draft(input: NewCase): { record: CaseRecord; hash: CaseHash } {
    const createdAt = this.now();
    const record: CaseRecord = { ...input, ref: newCaseRef(), status: 'new', createdAt, expiresAt: createdAt + this.deps.retentionMs };
    return { record, hash: this.codec.toHash(record) };
  }
}

/** The records matching every field of the filter, newest first, at most `limit`. */
export function selectCases(records: CaseRecord[], filter: CaseFilter, limit: number): CaseRecord[] {
  const fields = (Object.keys(filter) as (keyof CaseFilter)[]).filter((field) => filter[field] !== undefined);
  return records
    .filter((record) => fields.every((field) => record[field] === filter[field]))
    .sort((a, b) => b.createdAt - a.createdAt || (a.ref < b.ref ? 1 : -1))
    .slice(0, limit);
}

/** Indexed fields present on a record, as [field, value] pairs: the index keys both stores keep. */
export function indexEntries(record: CaseFilter): [keyof CaseFilter, string][] {
  const entries: [keyof CaseFilter, string | undefined][] = [
    ['status', record.status],
    ['district', record.district],
    ['category', record.category],
    ['risk', record.risk],
  ];
  return entries.filter((e): e is [keyof CaseFilter, string] => e[1] !== undefined);
}
