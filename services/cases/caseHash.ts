import type { CaseRecord, CaseWorkChange } from './types';
import type { FieldCipher } from './cipher';

/** A case as the flat string fields of one Redis hash (and of the memory store), secrets sealed. */
export type CaseHash = Record<string, string>;

/** Fields sealed with the FieldCipher: whatever could identify a person or tell what happened. */
const SEALED = ['details', 'phone'] as const;
const NUMBERS = ['createdAt', 'expiresAt', 'shareConsentAt', 'contactConsentAt', 'referredAt', 'callbackAt', 'updatedAt'] as const;

export class CaseCodec {
  constructor(private readonly cipher: FieldCipher) {}

  toHash(record: CaseRecord): CaseHash {
    const hash: CaseHash = {};
    for (const [field, value] of Object.entries(record)) {
      if (value === undefined) continue;
      hash[field] = (SEALED as readonly string[]).includes(field) ? this.cipher.seal(String(value), record.ref) : String(value);
    }
    return hash;
  }

  /** The work fields as hash values: '' for a field to delete (work fields are never sealed). */
  workFields(change: CaseWorkChange): [string, string][] {
    return Object.entries(change)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [field, value === null ? '' : String(value)]);
  }

  fromHash(hash: CaseHash): CaseRecord {
    const record: Record<string, unknown> = { ...hash };
    for (const field of NUMBERS) if (hash[field] !== undefined) record[field] = Number(hash[field]);
    for (const field of SEALED) if (hash[field] !== undefined) record[field] = this.cipher.open(hash[field], hash.ref);
    record.dangerNow = hash.dangerNow === 'true';
    return record as unknown as CaseRecord;
  }
}
