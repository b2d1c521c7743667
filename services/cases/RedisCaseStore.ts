import type { Redis } from '../redis';
import { CREATE_CASE, SET_STATUS, UPDATE_CASE } from './luaScripts';
import { CaseStoreCore, DEFAULT_LIST_LIMIT, indexEntries, selectCases, REF_ATTEMPTS, type CaseStoreDeps } from './storeCore';
import { CASE_STATUSES, type CaseFilter, type CaseRecord, type CaseStatus, type CaseStore, type CaseWorkChange, type NewCase } from './types';

/** Cases in Redis: one hash each, sorted-set indexes by status, district, category and risk (see luaScripts.ts). */
export class RedisCaseStore implements CaseStore {
  private readonly core: CaseStoreCore;
  private readonly base: string;

  /** `prefix`: config.REDIS_KEY_PREFIX (tests: a random one). */
  constructor(private readonly redis: Redis, prefix: string, deps: CaseStoreDeps) {
    this.core = new CaseStoreCore(deps);
    this.base = `${prefix}{cases}:`;
  }

  async create(input: NewCase): Promise<CaseRecord> {
    for (let attempt = 0; attempt < REF_ATTEMPTS; attempt++) {
      const { record, hash } = this.core.draft(input);
      const indexes = [this.key('idx:all'), ...indexEntries(record).map(([field, value]) => this.indexKey(field, value))];
      const stored = await CREATE_CASE.run(this.redis, [this.caseKey(record.ref), ...indexes], [
        record.ref,
        record.createdAt,
        record.expiresAt,
        ...Object.entries(hash).flat(),
      ]);
      if (stored === 1) return record;
    }
    throw new Error('could not find a free case reference');
  }

  async get(ref: string): Promise<CaseRecord | null> {
    const hash = await this.redis.hgetall(this.caseKey(ref));
    return hash.ref ? this.core.codec.fromHash(hash) : null;
  }

  /** Reads the narrowest index the filter names, then checks the other filters on the records. */
  async list(filter: CaseFilter, limit = DEFAULT_LIST_LIMIT): Promise<CaseRecord[]> {
    const named = indexEntries(filter);
    const index = named.length > 0 ? this.indexKey(...named[0]) : this.key('idx:all');
    await this.redis.zremrangebyscore(index, '-inf', `(${this.core.now() - this.core.deps.retentionMs}`);
    const refs = await this.redis.zrevrange(index, 0, -1);
    const pipeline = this.redis.pipeline();
    for (const ref of refs) pipeline.hgetall(this.caseKey(ref));
    const hashes = ((await pipeline.exec()) ?? []).map(([, hash]) => hash as Record<string, string>);
    // A hash may have expired a moment before its index entry: skip it.
    const records = hashes.filter((hash) => hash?.ref).map((hash) => this.core.codec.fromHash(hash));
    return selectCases(records, filter, limit);
  }

  async setStatus(ref: string, status: CaseStatus, handoffChatId?: string): Promise<boolean> {
    const others = CASE_STATUSES.filter((s) => s !== status).map((s) => this.indexKey('status', s));
    const moved = await SET_STATUS.run(this.redis, [this.caseKey(ref), this.indexKey('status', status), ...others], [ref, status, handoffChatId ?? '']);
    return moved === 1;
  }

  async update(ref: string, change: CaseWorkChange, opts: { status?: CaseStatus; expectAssignee?: string } = {}): Promise<CaseRecord | 'not-found' | 'conflict'> {
    const status = opts.status ?? '';
    const others = CASE_STATUSES.filter((s) => s !== status).map((s) => this.indexKey('status', s));
    const reply = await UPDATE_CASE.run(
      this.redis,
      [this.caseKey(ref), status ? this.indexKey('status', status) : this.caseKey(ref), ...(status ? others : [])],
      [ref, status, opts.expectAssignee === undefined ? '0' : '1', opts.expectAssignee ?? '', ...this.core.codec.workFields(change).flat()],
    );
    if (reply === 0) return 'not-found';
    if (reply === -1) return 'conflict';
    return (await this.get(ref)) ?? 'not-found';
  }

  private key(suffix: string): string {
    return `${this.base}${suffix}`;
  }

  private caseKey(ref: string): string {
    return this.key(`case:${ref}`);
  }

  private indexKey(field: keyof CaseFilter, value: string): string {
    return this.key(`idx:${field}:${value}`);
  }
}
