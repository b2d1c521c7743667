import { randomBytes } from 'node:crypto';
import { FieldCipher } from '../../services/cases/cipher';
import { RedisCaseStore } from '../../services/cases/RedisCaseStore';
import type { NewCase } from '../../services/cases/types';
import { openTestRedis, type TestRedis } from '../support/redis';

const DAY_MS = 86_400_000;
const PHONE = '+919876543210';
const DETAILS = 'my uncle hits my cousin every night';

const report: NewCase = {
  reporter: 'family',
  category: 'physical_abuse',
  risk: 'normal',
  dangerNow: false,
  district: 'cachar',
  details: DETAILS,
  phone: PHONE,
  contactConsentAt: 1_700_000_000_000,
  shareConsentAt: 1_700_000_000_000,
  language: 'en',
  channel: 'whatsapp',
};

describe('RedisCaseStore at rest', () => {
  let test: TestRedis;
  const key = randomBytes(32).toString('base64');
  let store: RedisCaseStore;

  beforeAll(async () => {
    test = await openTestRedis('cases-at-rest');
    store = new RedisCaseStore(test.redis, test.prefix, { cipher: new FieldCipher(key), retentionMs: 30 * DAY_MS });
  });
  afterAll(async () => test.cleanup());

  const caseKey = (ref: string) => `${test.prefix}{cases}:case:${ref}`;

  it('holds no plain details or phone number anywhere under its keys', async () => {
    const created = await store.create(report);
    const keys = await test.redis.keys(`${test.prefix}*`);
    const dump = (await Promise.all(keys.map(async (k) => JSON.stringify((await test.redis.type(k)) === 'hash' ? await test.redis.hgetall(k) : await test.redis.zrange(k, 0, -1))))).join('\n');
    expect(dump).toContain(created.ref);
    expect(dump).not.toContain(PHONE);
    expect(dump).not.toContain('9876543210');
    expect(dump).not.toContain('uncle');
    const raw = await test.redis.hgetall(caseKey(created.ref));
    expect(raw.details).toMatch(/^v1\./);
    expect(raw.phone).toMatch(/^v1\./);
    expect((await store.get(created.ref))?.phone).toBe(PHONE);
  });

  it('sets the retention time as the TTL of the case and of its indexes', async () => {
    const created = await store.create(report);
    const ttl = await test.redis.pttl(caseKey(created.ref));
    expect(ttl).toBeGreaterThan(29 * DAY_MS);
    expect(ttl).toBeLessThanOrEqual(30 * DAY_MS);
    for (const index of ['idx:all', 'idx:status:new', 'idx:district:cachar', 'idx:category:physical_abuse', 'idx:risk:normal']) {
      expect(await test.redis.pttl(`${test.prefix}{cases}:${index}`)).toBeGreaterThan(29 * DAY_MS);
    }
  });

  it('cannot open a sealed field under another key, or moved into another case', async () => {
    const created = await store.create(report);
    const other = new RedisCaseStore(test.redis, test.prefix, { cipher: new FieldCipher(randomBytes(32).toString('base64')), retentionMs: DAY_MS });
    await expect(other.get(created.ref)).rejects.toThrow();

    const second = await store.create(report);
    const sealedDetails = await test.redis.hget(caseKey(created.ref), 'details');
    await test.redis.hset(caseKey(second.ref), 'details', sealedDetails ?? '');
    await expect(store.get(second.ref)).rejects.toThrow();
  });
});

describe('FieldCipher', () => {
  it('refuses a key that is not 32 bytes', () => {
    expect(() => new FieldCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('seals the same text differently each time and opens it back', () => {
    const cipher = new FieldCipher(randomBytes(32).toString('base64'));
    const a = cipher.seal('মোৰ দেউতাই মোক মাৰে', 'SM-ABC123');
    expect(a).not.toBe(cipher.seal('মোৰ দেউতাই মোক মাৰে', 'SM-ABC123'));
    expect(cipher.open(a, 'SM-ABC123')).toBe('মোৰ দেউতাই মোক মাৰে');
    const flipped = a.slice(0, -2) + (a.endsWith('A') ? 'B' : 'A') + a.slice(-1);
    expect(() => cipher.open(flipped, 'SM-ABC123')).toThrow();
  });
});
