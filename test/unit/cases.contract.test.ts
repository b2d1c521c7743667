import { randomBytes } from 'node:crypto';
import { CASE_REF_PATTERN } from '../../services/cases/caseRef';
import { FieldCipher } from '../../services/cases/cipher';
import { MemoryCaseStore } from '../../services/cases/MemoryCaseStore';
import { RedisCaseStore } from '../../services/cases/RedisCaseStore';
import type { CaseStoreDeps } from '../../services/cases/storeCore';
import type { CaseStore, NewCase } from '../../services/cases/types';
import { openTestRedis } from '../support/redis';

const DAY_MS = 86_400_000;
const RETENTION_MS = 90 * DAY_MS;

function aCase(overrides: Partial<NewCase> = {}): NewCase {
  return {
    reporter: 'family',
    category: 'child_labour',
    risk: 'normal',
    dangerNow: false,
    district: 'jorhat',
    age: '12to14',
    gender: 'boy',
    when: 'ongoing',
    details: 'a shop keeps a 10 year old working all night',
    shareConsentAt: 1_700_000_000_000,
    language: 'en',
    channel: 'webchat',
    ...overrides,
  };
}

/** A clock the test moves by hand, so retention is tested without waiting 90 days. */
class Clock {
  ms = 1_800_000_000_000;
  readonly now = (): number => this.ms;
}

type MakeStore = (deps: CaseStoreDeps) => CaseStore;

/** One contract for every CaseStore: both must pass it unchanged. */
function caseStoreContract(name: string, setUp: () => Promise<{ make: MakeStore; done(): Promise<void> }>): void {
  describe(`CaseStore contract: ${name}`, () => {
    let make: MakeStore;
    let done: () => Promise<void>;
    let clock: Clock;
    let store: CaseStore;
    const cipher = new FieldCipher(randomBytes(32).toString('base64'));

    beforeAll(async () => {
      ({ make, done } = await setUp());
    });
    afterAll(async () => done());
    beforeEach(() => {
      clock = new Clock();
      store = make({ cipher, retentionMs: RETENTION_MS, now: clock.now });
    });

    it('stores a case as new, under an SM- reference, expiring after the retention time', async () => {
      const created = await store.create(aCase());
      expect(created.ref).toMatch(CASE_REF_PATTERN);
      expect(created).toMatchObject({ status: 'new', createdAt: clock.ms, expiresAt: clock.ms + RETENTION_MS });
      expect(await store.get(created.ref)).toEqual(created);
    });

    it('reads back every field, details and phone included, and leaves out what was not given', async () => {
      const { district: _district, age: _age, ...given } = aCase({ phone: '+919876543210', contactConsentAt: 1_700_000_000_500 });
      const created = await store.create(given);
      const read = await store.get(created.ref);
      expect(read).toEqual({ ...given, ref: created.ref, status: 'new', createdAt: clock.ms, expiresAt: clock.ms + RETENTION_MS });
      expect(read?.dangerNow).toBe(false);
    });

    it('keeps an anonymous report: no phone, no consent to call', async () => {
      const created = await store.create(aCase({ reporter: 'child', details: undefined }));
      const read = await store.get(created.ref);
      expect(read?.phone).toBeUndefined();
      expect(read?.contactConsentAt).toBeUndefined();
      expect(read?.details).toBeUndefined();
    });

    it('gives every case its own reference', async () => {
      const refs = await Promise.all(Array.from({ length: 40 }, () => store.create(aCase())));
      expect(new Set(refs.map((r) => r.ref)).size).toBe(40);
    });

    it('answers null for a reference it does not hold', async () => {
      expect(await store.get('SM-000000')).toBeNull();
    });

    it('lists by status, district, category and risk, newest first', async () => {
      const older = await store.create(aCase({ district: 'jorhat', category: 'child_labour' }));
      clock.ms += 1000;
      const high = await store.create(aCase({ district: 'cachar', category: 'sexual_abuse', risk: 'high', dangerNow: true }));
      clock.ms += 1000;
      const newer = await store.create(aCase({ district: 'jorhat', category: 'bullying' }));

      expect((await store.list({ status: 'new' })).map((c) => c.ref)).toEqual([newer.ref, high.ref, older.ref]);
      expect((await store.list({ district: 'jorhat' })).map((c) => c.ref)).toEqual([newer.ref, older.ref]);
      expect((await store.list({ category: 'sexual_abuse' })).map((c) => c.ref)).toEqual([high.ref]);
      expect((await store.list({ risk: 'high' })).map((c) => c.ref)).toEqual([high.ref]);
      expect((await store.list({ district: 'jorhat', category: 'bullying' })).map((c) => c.ref)).toEqual([newer.ref]);
      expect((await store.list({})).map((c) => c.ref)).toEqual([newer.ref, high.ref, older.ref]);
      expect(await store.list({ status: 'new' }, 2)).toHaveLength(2);
    });

    it('moves a case between statuses and its index follows', async () => {
      const created = await store.create(aCase());
      expect(await store.setStatus(created.ref, 'queued', 'chat-7')).toBe(true);
      expect(await store.list({ status: 'new' })).toEqual([]);
      const queued = await store.list({ status: 'queued' });
      expect(queued.map((c) => [c.ref, c.status, c.handoffChatId])).toEqual([[created.ref, 'queued', 'chat-7']]);
      expect(await store.setStatus(created.ref, 'closed')).toBe(true);
      expect((await store.get(created.ref))?.handoffChatId).toBe('chat-7');
      expect((await store.list({ status: 'closed' })).map((c) => c.ref)).toEqual([created.ref]);
    });

    it('records the work on a case and moves its status in one change, cleared fields gone', async () => {
      const created = await store.create(aCase({ kind: 'callback' }));
      const assigned = await store.update(created.ref, { assignee: 'asha', updatedBy: 'asha', updatedAt: clock.ms }, { status: 'assigned', expectAssignee: '' });
      expect(assigned).toMatchObject({ ref: created.ref, kind: 'callback', status: 'assigned', assignee: 'asha', updatedAt: clock.ms, details: created.details });
      expect((await store.list({ status: 'assigned' })).map((c) => c.ref)).toEqual([created.ref]);
      expect(await store.list({ status: 'new' })).toEqual([]);
      const referred = await store.update(created.ref, { referredTo: 'cwc', referredAt: clock.ms - 5, callbackOutcome: 'no-answer', callbackAt: clock.ms });
      expect(referred).toMatchObject({ status: 'assigned', referredTo: 'cwc', referredAt: clock.ms - 5, callbackOutcome: 'no-answer' });
      const cleared = await store.update(created.ref, { assignee: null, referredTo: null, referredAt: null }, { status: 'referred' });
      expect(cleared).not.toHaveProperty('assignee');
      expect(cleared).not.toHaveProperty('referredTo');
      expect((await store.get(created.ref))?.status).toBe('referred');
      expect((await store.list({ status: 'referred' })).map((c) => c.ref)).toEqual([created.ref]);
      expect(await store.list({ status: 'assigned' })).toEqual([]);
    });

    it('refuses a change when the case is not held by whom the caller expects, or does not exist', async () => {
      const created = await store.create(aCase());
      expect(await store.update(created.ref, { assignee: 'asha' }, { expectAssignee: '' })).toMatchObject({ assignee: 'asha' });
      expect(await store.update(created.ref, { assignee: 'ravi' }, { status: 'assigned', expectAssignee: '' })).toBe('conflict');
      expect(await store.get(created.ref)).toMatchObject({ assignee: 'asha', status: 'new' });
      expect(await store.update('SM-000000', { assignee: 'asha' })).toBe('not-found');
    });

    it('refuses to move a case it does not hold', async () => {
      expect(await store.setStatus('SM-000000', 'queued')).toBe(false);
      expect(await store.list({ status: 'queued' })).toEqual([]);
    });

    it('no longer lists a case once its retention time has passed', async () => {
      await store.create(aCase());
      clock.ms += RETENTION_MS + 1;
      expect(await store.list({ status: 'new' })).toEqual([]);
      expect(await store.list({})).toEqual([]);
    });
  });
}

caseStoreContract('memory', async () => ({ make: (deps) => new MemoryCaseStore(deps), done: async () => undefined }));

caseStoreContract('redis', async () => {
  const test = await openTestRedis('cases');
  let made = 0;
  return {
    // A fresh prefix per test keeps the tests of this file from seeing each other's cases.
    make: (deps) => new RedisCaseStore(test.redis, `${test.prefix}${made++}:`, deps),
    done: () => test.cleanup(),
  };
});
