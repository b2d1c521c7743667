import { MemoryCallStore, RedisCallStore, newCallState, type CallStore } from '../../bridges/ivr/callState';
import { callerPseudonym } from '../../bridges/ivr/IvrAdapter';
import { spokenDigits } from '../../bridges/ivr/plan';
import { plainForVoice } from '../../bridges/ivr/voice';
import { openTestRedis, type TestRedis } from '../support/redis';

function callStoreContract(name: string, make: () => CallStore) {
  describe(`CallStore contract: ${name}`, () => {
    let store: CallStore;
    beforeEach(() => {
      store = make();
    });

    it('has nothing for a call it never saw', async () => {
      expect(await store.get('CA-unknown')).toBeUndefined();
    });

    it('reads back what it kept, plan included', async () => {
      const state = { ...newCallState(), step: 'menu' as const, lang: 'hi' as const, options: [{ title: 'Report', value: 'menu:report' }, { title: 'Talk to a person', value: 'cmd:human' }], offset: 0, misses: 1,
        lastPlan: { speak: [{ kind: 'say' as const, text: 'नमस्ते', lang: 'hi' as const }], next: { kind: 'gather' as const, keys: 'one' as const } } };
      await store.set('CA1', state);
      expect(await store.get('CA1')).toEqual(state);
    });

    it('forgets a call it was told to delete, and keeps calls apart', async () => {
      await store.set('CA2', newCallState());
      await store.set('CA3', { ...newCallState(), lang: 'as' });
      await store.delete('CA2');
      expect(await store.get('CA2')).toBeUndefined();
      expect((await store.get('CA3'))?.lang).toBe('as');
    });
  });
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await openTestRedis('ivrstate');
});
afterAll(async () => {
  await redis.cleanup();
});

callStoreContract('memory', () => new MemoryCallStore());
callStoreContract('redis', () => new RedisCallStore(redis.redis, redis.prefix));

describe('call state expiry', () => {
  it('memory: a call past its TTL is gone', async () => {
    let now = 1_000_000;
    const store = new MemoryCallStore(60, () => now);
    await store.set('CA1', newCallState());
    now += 59_000;
    expect(await store.get('CA1')).toBeDefined();
    now += 2_000;
    expect(await store.get('CA1')).toBeUndefined();
  });

  it('redis: the key carries the TTL and a state that does not parse counts as a new call', async () => {
    const store = new RedisCallStore(redis.redis, redis.prefix, 120);
    await store.set('CA9', newCallState());
    const ttl = await redis.redis.ttl(`${redis.prefix}ivr:call:CA9`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    await redis.redis.set(`${redis.prefix}ivr:call:CA9`, '{not json');
    expect(await store.get('CA9')).toBeUndefined();
    await redis.redis.set(`${redis.prefix}ivr:call:CA9`, JSON.stringify({ ...newCallState(), lang: 'fr' }));
    expect(await store.get('CA9')).toBeUndefined();
  });
});

describe('caller pseudonym', () => {
  it('is stable for a number, differs between numbers and secrets, and never contains the number', () => {
    const a = callerPseudonym('secret', '+919876543210', 'CA1');
    expect(a).toBe(callerPseudonym('secret', '+919876543210', 'CA2'));
    expect(a).not.toBe(callerPseudonym('secret', '+919876543211', 'CA1'));
    expect(a).not.toBe(callerPseudonym('other', '+919876543210', 'CA1'));
    expect(a).toMatch(/^ivr:[0-9a-f]{32}$/);
    expect(a).not.toContain('9876543210');
  });

  it('a withheld number gets an id for this call only', () => {
    expect(callerPseudonym('s', 'anonymous', 'CA1')).not.toBe(callerPseudonym('s', 'anonymous', 'CA2'));
    expect(callerPseudonym('s', '', 'CA1')).toBe(callerPseudonym('s', 'anonymous', 'CA1'));
  });
});

describe('spoken digits', () => {
  it('reads numbers of three digits or more digit by digit, leaving menu keys alone', () => {
    expect(spokenDigits('Dial 112 or 1098. Press 1.')).toBe('Dial 1 1 2 or 1 0 9 8. Press 1.');
  });
});

describe('plain text for a voice', () => {
  it('drops chat formatting and emoji, keeping the words', () => {
    expect(plainForVoice('⚠️ *One Stop Centre*, _Barpeta_ 👩‍👧')).toBe('One Stop Centre, Barpeta');
    expect(plainForVoice('বিপদত আছা নেকি? 112')).toBe('বিপদত আছা নেকি? 112');
  });
});
