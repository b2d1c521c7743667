import { randomBytes } from 'node:crypto';
import { CASE_REF_PATTERN } from '../../services/cases/caseRef';
import { FieldCipher } from '../../services/cases/cipher';
import { MemoryCaseStore } from '../../services/cases/MemoryCaseStore';
import { RedisCaseStore } from '../../services/cases/RedisCaseStore';
import type { Reporter } from '../../services/cases/types';
import type { Lang } from '../../services/i18n';
import { buttonsOf, i18n, lastButtons, say, textsOf } from '../support/botHarness';
import { openTestRedis, type TestRedis } from '../support/redis';
import { createReportBot } from './reportRig';

const cipher = new FieldCipher(randomBytes(32).toString('base64'));
const RETENTION_MS = 90 * 86_400_000;
const joined = (replies: { text?: string }[]) => textsOf(replies).join('\n');
const JORHAT: Record<Lang, string> = { as: 'যোৰহাট', hi: 'जोरहाट', en: 'Jorhat' };

/** Each answer, and the question (report namespace key) the bot must ask next. */
function journeyOf(reporter: Reporter, lng: Lang): [string, string][] {
  const child = reporter === 'child';
  const ask = (step: string, childWording = false) => `ask.${step}${child && childWording ? '_child' : ''}`;
  return [
    [`report:who:${reporter}`, ask('what', true)],
    ['report:what:child_labour', ask('danger', true)],
    ['report:danger:no', ask('where', true)],
    // The district typed in the reporter's own script.
    [JORHAT[lng], ask('age', true)],
    ['report:age:12to14', ask('gender', true)],
    ...(child
      ? [['report:gender:boy', ask('summary', true)] as [string, string]]
      : ([
          ['report:gender:boy', ask('when')],
          ['report:when:ongoing', ask('contact')],
          ['report:contact:anonymous', ask('summary')],
        ] as [string, string][])),
    ['report:summary:ok', ask('consent', true)],
  ];
}

const TABLE = (['child', 'family', 'teacher', 'other'] as Reporter[]).flatMap((reporter) => (['as', 'hi', 'en'] as Lang[]).map((lng) => [reporter, lng] as const));

describe.each(TABLE)('a report by %s in %s', (reporter, lng) => {
  it('asks each question in turn and ends with a case reference; nothing is stored before consent', async () => {
    const store = new MemoryCaseStore({ cipher, retentionMs: RETENTION_MS });
    const { adapter } = createReportBot({ store });
    const context = reporter === 'child' ? { context: 'child' } : {};
    const t = (key: string, vars?: Record<string, unknown>) => i18n.t(lng, `report:${key}`, { ...context, ...vars });
    await say(adapter, `lang:${lng}`);
    const start = await say(adapter, 'menu:report');
    expect(joined(start)).toContain(i18n.t(lng, 'report:ask.who'));
    expect(lastButtons(start)).toEqual(['report:who:child', 'report:who:family', 'report:who:teacher', 'report:who:other']);

    for (const [answer, asked] of journeyOf(reporter, lng)) {
      const replies = await say(adapter, answer);
      expect(joined(replies)).toContain(i18n.t(lng, `report:${asked}`));
    }
    expect(await store.list({})).toEqual([]);

    const sent = await say(adapter, 'report:consent:send');
    const [stored] = await store.list({ status: 'new' });
    expect(stored).toMatchObject({ reporter, category: 'child_labour', district: 'jorhat', age: '12to14', gender: 'boy', dangerNow: false, language: lng });
    expect(stored.ref).toMatch(CASE_REF_PATTERN);
    expect(stored.phone).toBeUndefined();
    expect(joined(sent)).toContain(t('sent', { ref: stored.ref }));
    expect(joined(sent)).toContain('1098');
    expect(buttonsOf(sent[sent.length - 1])).toEqual([]);
  });
});

describe('a report kept in Redis', () => {
  let test: TestRedis;
  beforeAll(async () => {
    test = await openTestRedis('report-journey');
  });
  afterAll(async () => test.cleanup());

  it('holds the details and the phone number sealed, with the retention TTL, and never logs them', async () => {
    const store = new RedisCaseStore(test.redis, test.prefix, { cipher, retentionMs: RETENTION_MS });
    const { adapter, logs, reportLogs } = createReportBot({ store });
    await say(adapter, 'lang:en');
    await say(adapter, 'menu:report');
    for (const answer of [
      'report:who:family', 'my neighbour locks his daughter in the shed every night', 'report:danger:no', 'Cachar',
      'report:age:6to11', 'report:gender:girl', 'report:when:ongoing', '+91 98765-43210', 'report:callConsent:yes', 'report:summary:ok',
    ]) await say(adapter, answer);
    await say(adapter, 'report:consent:send');

    const [stored] = await store.list({ district: 'cachar' });
    expect(stored).toMatchObject({ details: 'my neighbour locks his daughter in the shed every night', phone: '+919876543210' });
    const raw = await test.redis.hgetall(`${test.prefix}{cases}:case:${stored.ref}`);
    expect(raw.district).toBe('cachar');
    expect(JSON.stringify(raw)).not.toMatch(/9876543210|neighbour|shed/);
    expect(await test.redis.pttl(`${test.prefix}{cases}:case:${stored.ref}`)).toBeGreaterThan(RETENTION_MS - 60_000);
    // The logs name the case, never what was told or the number.
    expect(reportLogs.text).toContain(stored.ref);
    expect(`${logs.text}\n${reportLogs.text}`).not.toMatch(/9876543210|neighbour|shed/);
  });
});
