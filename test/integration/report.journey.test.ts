import { randomBytes } from 'node:crypto';
import { CASE_REF_PATTERN } from '../../services/cases/caseRef';
import { FieldCipher } from '../../services/cases/cipher';
import { MemoryCaseStore } from '../../services/cases/MemoryCaseStore';
import type { Lang } from '../../services/i18n';
import { buttonsOf, i18n, lastButtons, say, textsOf } from '../support/botHarness';
import { createReportBot } from './reportRig';

const memoryStore = () => new MemoryCaseStore({ cipher: new FieldCipher(randomBytes(32).toString('base64')), retentionMs: 90 * 86_400_000 });
const t = (lng: Lang, key: string, vars?: Record<string, unknown>) => i18n.t(lng, `report:${key}`, vars);
const joined = (replies: { text?: string }[]) => textsOf(replies).join('\n');

describe.each<[Lang]>([['as'], ['hi'], ['en']])('a parent reports in %s', (lng) => {
  it('goes from who to a case reference, anonymously, and the case is stored as new', async () => {
    const store = memoryStore();
    const { adapter } = createReportBot({ store });
    await say(adapter, `lang:${lng}`);
    const start = await say(adapter, 'menu:report');
    expect(joined(start)).toContain(t(lng, 'ask.who'));
    expect(lastButtons(start)).toEqual(['report:who:child', 'report:who:family', 'report:who:teacher', 'report:who:other']);

    expect(joined(await say(adapter, 'report:who:family'))).toContain(t(lng, 'ask.what'));
    expect(joined(await say(adapter, 'report:what:child_labour'))).toContain(t(lng, 'ask.danger'));
    expect(joined(await say(adapter, 'report:danger:no'))).toContain(t(lng, 'ask.where'));
    const where = await say(adapter, 'Jorhat');
    expect(joined(where)).toContain(t(lng, 'whereFound', { district: lng === 'en' ? 'Jorhat' : lng === 'hi' ? 'जोरहाट' : 'যোৰহাট' }));
    expect(joined(where)).toContain(t(lng, 'ask.age'));
    expect(joined(await say(adapter, 'report:age:12to14'))).toContain(t(lng, 'ask.gender'));
    expect(joined(await say(adapter, 'report:gender:boy'))).toContain(t(lng, 'ask.when'));
    expect(joined(await say(adapter, 'report:when:ongoing'))).toContain(t(lng, 'ask.contact'));
    const summary = await say(adapter, 'report:contact:anonymous');
    expect(joined(summary)).toContain(t(lng, 'ask.summary'));
    expect(joined(summary)).toContain(t(lng, 'category.child_labour'));
    expect(lastButtons(summary)).toEqual(['report:summary:ok', 'report:summary:change', 'report:cancel', 'report:back']);
    expect(joined(await say(adapter, 'report:summary:ok'))).toContain(t(lng, 'ask.consent'));
    expect(await store.list({})).toEqual([]);

    const sent = await say(adapter, 'report:consent:send');
    const [stored] = await store.list({ status: 'new' });
    expect(stored).toMatchObject({ reporter: 'family', category: 'child_labour', district: 'jorhat', age: '12to14', gender: 'boy', when: 'ongoing', dangerNow: false, language: lng });
    expect(stored.ref).toMatch(CASE_REF_PATTERN);
    expect(stored.phone).toBeUndefined();
    expect(joined(sent)).toContain(t(lng, 'sent', { ref: stored.ref }));
    expect(joined(sent)).toContain('1098');
    expect(buttonsOf(sent[sent.length - 1])).toEqual([]);
  });
});
