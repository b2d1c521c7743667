import type { CaseStore } from './types';

/**
 * The case store, telling `announce` the reference of every case it creates or changes (the
 * console's inbox refreshes live). Only the reference goes out, after the write succeeded; a failing
 * announcement never fails the write.
 */
export function announcingCaseStore(store: CaseStore, announce: (ref: string) => Promise<void> | void): CaseStore {
  const tell = (ref: string): void => {
    void Promise.resolve()
      .then(() => announce(ref))
      .catch(() => undefined);
  };
  return {
    get: (ref) => store.get(ref),
    list: (filter, limit) => store.list(filter, limit),
    async create(input) {
      const record = await store.create(input);
      tell(record.ref);
      return record;
    },
    async setStatus(ref, status, handoffChatId) {
      const changed = await store.setStatus(ref, status, handoffChatId);
      if (changed) tell(ref);
      return changed;
    },
    async update(ref, change, opts) {
      const result = await store.update(ref, change, opts);
      if (typeof result !== 'string') tell(ref);
      return result;
    },
  };
}
