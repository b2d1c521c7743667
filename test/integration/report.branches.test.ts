import { randomBytes } from 'node:crypto';
import { FieldCipher } from '../../services/cases/cipher';
import { MemoryCaseStore } from '../../services/cases/MemoryCaseStore';
import { MemoryHandoffStore } from '../../services/handoff/MemoryHandoffStore';
import type { Lang } from '../../services/i18n';
import { i18n, lastButtons, say, textsOf } from '../support/botHarness';
import { createReportBot, send, type ReportRigOptions } from './reportRig';

const memoryStore = () => new MemoryCaseStore({ cipher: new FieldCipher(randomBytes(32).toString('base64')), retentionMs: 90 * 86_400_000 });
const t = (key: string, vars?: Record<string, unknown>, lng: Lang = 'en') => i18n.t(lng, `report:${key}`, vars);
const joined = (replies: { text?: string }[]) => textsOf(replies).join('\n');

/** A report begun from the menu in English over a fresh memory store, with these answers given. */
async function reportUntil(answers: string[], options: Omit<ReportRigOptions, 'store'> = {}) {
  const store = memoryStore();
  const { adapter } = createReportBot({ store, ...options });
  await say(adapter, 'lang:en');
  await say(adapter, 'menu:report');
  for (const answer of answers) await say(adapter, answer);
  return { adapter, store };
}

const PARENT_TO_SUMMARY = [
  'report:who:family', 'report:what:physical_abuse', 'report:danger:no', 'Cachar',
  'report:age:6to11', 'report:gender:girl', 'report:when:thisWeek', 'report:contact:anonymous',
];

describe('the report journey, branch by branch', () => {
  it('gives a child the shortest path, child wording, and "talk to a person now" at every step', async () => {
    const store = memoryStore();
    const { adapter } = createReportBot({ store });
    await say(adapter, 'lang:en');
    await say(adapter, 'menu:report');
    const steps: [string, string][] = [
      ['report:who:child', 'ask.what_child'],
      ['report:what:bullying', 'ask.danger_child'],
      ['report:danger:no', 'ask.where_child'],
      ['Jorhat', 'ask.age_child'],
      ['report:age:12to14', 'ask.gender_child'],
      ['report:gender:girl', 'ask.summary_child'],
    ];
    for (const [answer, asked] of steps) {
      const replies = await say(adapter, answer);
      expect(joined(replies)).toContain(t(asked));
      expect(lastButtons(replies)).toContain('cmd:human');
    }
    const consent = await say(adapter, 'report:summary:ok');
    expect(joined(consent)).toContain(t('ask.consent_child'));
    expect(lastButtons(consent)).toContain('cmd:human');
    const sent = await say(adapter, 'report:consent:send');
    const [stored] = await store.list({});
    expect(joined(sent)).toContain(t('sent_child', { ref: stored.ref }));
    expect(stored).toMatchObject({ reporter: 'child', category: 'bullying', district: 'jorhat', age: '12to14', gender: 'girl' });
    expect(stored.when).toBeUndefined();
    expect(stored.phone).toBeUndefined();
  });

  it('answers danger now with the emergency numbers, then puts the conversation first in the queue at once', async () => {
    const queue = new MemoryHandoffStore({ leaseMs: 60_000, languageFallbackMs: 60_000, pendingGraceMs: 5_000, retentionMs: 86_400_000 });
    const { adapter, store } = await reportUntil(['report:who:family', 'report:what:physical_abuse'], { queue });
    const danger = await say(adapter, 'report:danger:yes');
    expect(danger[0].text).toContain(i18n.t('en', 'common:danger'));
    expect(danger[0].text).toContain('112');
    expect(joined(danger)).toContain(t('dangerQueued', { position: 1 }));
    expect(joined(danger)).not.toContain(t('ask.where'));
    const [chat] = await queue.listWaiting();
    expect(chat).toMatchObject({ priority: 1, category: 'physical_abuse', language: 'en' });
    expect(chat.caseRef).toBeUndefined();
    // Nothing was consented to, so nothing is stored; the counsellor takes it from here.
    expect(await store.list({})).toEqual([]);
  });

  it('with no queue to go to, answers danger now and goes on; the case is marked danger now', async () => {
    const { adapter, store } = await reportUntil(['report:who:family', 'report:what:physical_abuse']);
    const danger = await say(adapter, 'report:danger:yes');
    expect(danger[0].text).toContain(i18n.t('en', 'common:danger'));
    expect(joined(danger)).toContain(t('dangerGoOn'));
    expect(joined(danger)).toContain(t('ask.where'));
    for (const answer of PARENT_TO_SUMMARY.slice(3)) await say(adapter, answer);
    await say(adapter, 'report:summary:ok');
    await say(adapter, 'report:consent:send');
    expect((await store.list({}))[0]).toMatchObject({ dangerNow: true, risk: 'high', status: 'new' });
  });

  it('queues a high-risk case with its reference and priority once it is sent', async () => {
    const queue = new MemoryHandoffStore({ leaseMs: 60_000, languageFallbackMs: 60_000, pendingGraceMs: 5_000, retentionMs: 86_400_000 });
    const { adapter, store } = await reportUntil([], { queue });
    await say(adapter, 'report:who:family');
    await say(adapter, 'report:what:sexual_abuse');
    await say(adapter, 'report:danger:no');
    // A high-risk message mid-report: the emergency answer, then the report goes on.
    await say(adapter, 'he is beating me right now');
    for (const answer of ['report:resume', 'Cachar', 'report:age:6to11', 'report:gender:girl', 'report:when:thisWeek', 'report:contact:anonymous', 'report:summary:ok']) await say(adapter, answer);
    const sent = await say(adapter, 'report:consent:send');
    const [stored] = await store.list({});
    expect(stored).toMatchObject({ risk: 'high', dangerNow: false, status: 'queued' });
    const [chat] = await queue.listWaiting();
    expect(chat).toMatchObject({ priority: 2, caseRef: stored.ref, district: 'cachar' });
    expect(stored.handoffChatId).toBe(chat.id);
    expect(chat.summary).not.toContain('"');
    expect(joined(sent)).toContain(t('queued', { position: 1 }));
  });

  it('starts with the danger question when the first message was high risk, and proposes the category it read', async () => {
    const store = memoryStore();
    const { adapter } = createReportBot({ store });
    await say(adapter, 'lang:en');
    const first = await say(adapter, 'i want to report child marriage of my neighbour girl next week');
    expect(joined(first)).toContain(t('ask.danger'));
    await say(adapter, 'report:danger:notSure');
    const proposed = await say(adapter, 'report:who:other');
    expect(joined(proposed)).toContain(t('ask.whatProposed', { category: t('category.child_marriage') }));
    expect(lastButtons(proposed)).toEqual(['report:what:yes', 'report:what:no', 'report:back']);
    expect(joined(await say(adapter, 'report:what:yes'))).toContain(t('ask.where'));
  });

  it('keeps only the district of a shared location', async () => {
    const { adapter, store } = await reportUntil(PARENT_TO_SUMMARY.slice(0, 3));
    const located = await send(adapter, { entities: [{ type: 'GeoCoordinates', latitude: 26.7612, longitude: 94.2137 }] });
    expect(joined(located)).toContain(t('whereFound', { district: 'Jorhat' }));
    for (const answer of PARENT_TO_SUMMARY.slice(4)) await say(adapter, answer);
    await say(adapter, 'report:summary:ok');
    await say(adapter, 'report:consent:send');
    const [stored] = await store.list({});
    expect(stored.district).toBe('jorhat');
    expect(JSON.stringify(stored)).not.toMatch(/26\.76|94\.21/);
  });

  it('lets the summary be corrected item by item, then comes back to it', async () => {
    const { adapter, store } = await reportUntil(PARENT_TO_SUMMARY);
    const fix = await say(adapter, 'report:summary:change');
    expect(joined(fix)).toContain(t('ask.fix'));
    expect(lastButtons(fix)).toEqual(expect.arrayContaining(['report:fix:who', 'report:fix:where', 'report:fix:contact']));
    expect(joined(await say(adapter, 'report:fix:where'))).toContain(t('ask.where'));
    const back = await say(adapter, 'Jorhat');
    expect(joined(back)).toContain(t('ask.summary'));
    expect(joined(back)).toContain('District: Jorhat');
    await say(adapter, 'report:summary:ok');
    await say(adapter, 'report:consent:send');
    expect((await store.list({}))[0]).toMatchObject({ district: 'jorhat', age: '6to11', gender: 'girl' });
  });

  it('takes a typed yes or no for the yes-or-no questions, in the reporter\'s language', async () => {
    const { adapter, store } = await reportUntil([...PARENT_TO_SUMMARY]);
    expect(joined(await say(adapter, 'yes'))).toContain(t('ask.consent'));
    await say(adapter, 'हाँ');
    expect((await store.list({}))[0]).toMatchObject({ district: 'cachar', category: 'physical_abuse' });
  });

  it('stores nothing when the reporter does not consent', async () => {
    const { adapter, store } = await reportUntil([...PARENT_TO_SUMMARY, 'report:summary:ok']);
    const refused = await say(adapter, 'report:consent:dontSend');
    expect(joined(refused)).toContain(t('notSent'));
    expect(joined(refused)).toContain('1098');
    expect(await store.list({})).toEqual([]);
  });

  it('cancels at any point, keeping nothing', async () => {
    const { adapter, store } = await reportUntil(PARENT_TO_SUMMARY.slice(0, 4));
    expect(joined(await say(adapter, 'cancel'))).toContain(t('cancelled'));
    expect(joined(await say(adapter, 'report:age:6to11'))).not.toContain(t('ask.gender'));
    expect(await store.list({})).toEqual([]);
  });

  it('goes back to the previous question', async () => {
    const { adapter } = await reportUntil(PARENT_TO_SUMMARY.slice(0, 2));
    expect(joined(await say(adapter, 'back'))).toContain(t('ask.what'));
    expect(joined(await say(adapter, 'report:back'))).toContain(t('ask.who'));
  });

  it('after a safety interruption offers to go on, keeping the place in the report', async () => {
    const { adapter } = await reportUntil(PARENT_TO_SUMMARY.slice(0, 3));
    const interrupted = await say(adapter, 'he is beating me right now');
    expect(interrupted[0].text).toContain(i18n.t('en', 'common:danger'));
    expect(joined(interrupted)).toContain(t('resumeOffer'));
    expect(lastButtons(interrupted)).toContain('report:resume');
    expect(joined(await say(adapter, 'report:resume'))).toContain(t('ask.where'));
  });

  it('after a long pause asks whether to go on where the reporter left off', async () => {
    let now = 1_800_000_000_000;
    const { adapter } = await reportUntil(PARENT_TO_SUMMARY.slice(0, 2), { now: () => now });
    now += 26 * 3_600_000;
    const back = await say(adapter, 'hello');
    expect(joined(back)).toContain(t('welcomeBack'));
    expect(lastButtons(back)).toEqual(expect.arrayContaining(['report:resume', 'report:cancel']));
    expect(joined(await say(adapter, 'report:resume'))).toContain(t('ask.danger'));
  });

  it('asks again in other words twice, then offers a counsellor, at every step', async () => {
    const { adapter } = createReportBot({ store: memoryStore() });
    await say(adapter, 'lang:en');
    await say(adapter, 'menu:report');
    const steps: [string, string][] = [
      ['who', 'report:who:teacher'], ['what', 'report:what:bullying'], ['danger', 'report:danger:no'], ['where', 'Cachar'],
      ['age', 'report:age:12to14'], ['gender', 'report:gender:boy'], ['when', 'report:when:earlier'], ['contact', 'report:contact:anonymous'],
    ];
    for (const [step, answer] of steps) {
      expect(joined(await say(adapter, '~~~'))).toContain(t(`again.${step}`));
      expect(joined(await say(adapter, '~~~'))).toContain(`${t('lastTry')} ${t(`again.${step}`)}`);
      const offer = await say(adapter, '~~~');
      expect(joined(offer)).toContain(t('offerPerson'));
      expect(lastButtons(offer)).toContain('cmd:human');
      await say(adapter, answer);
    }
    expect(joined(await say(adapter, '~~~'))).toContain(t('again.summary'));
  });

  it('takes a phone number only with consent to be called, saying who will call', async () => {
    const { adapter, store } = await reportUntil(PARENT_TO_SUMMARY.slice(0, 7));
    expect(joined(await say(adapter, 'report:contact:phone'))).toContain(t('ask.phone'));
    const consent = await say(adapter, '98765 43210');
    expect(joined(consent)).toContain(t('ask.callConsent', { phone: '+919876543210' }));
    const summary = await say(adapter, 'report:callConsent:yes');
    expect(joined(summary)).toContain(t('value.callMe', { phone: '+919876543210' }));
    await say(adapter, 'report:summary:ok');
    const sent = await say(adapter, 'report:consent:send');
    expect(joined(sent)).toContain(t('nextCall'));
    const [stored] = await store.list({});
    expect(stored.phone).toBe('+919876543210');
    expect(typeof stored.contactConsentAt).toBe('number');
  });

  it('forgets a number the reporter does not want to be called on', async () => {
    const { adapter, store } = await reportUntil([...PARENT_TO_SUMMARY.slice(0, 7), '9876543210']);
    expect(joined(await say(adapter, 'report:callConsent:no'))).toContain(t('stayAnonymous'));
    await say(adapter, 'report:summary:ok');
    await say(adapter, 'report:consent:send');
    expect((await store.list({}))[0].phone).toBeUndefined();
  });

  it('never keeps a picture, and says where to report one', async () => {
    const { adapter, store } = await reportUntil(['report:who:family']);
    const replies = await send(adapter, { attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://example.invalid/p.jpg' }] });
    expect(joined(replies)).toContain(t('noPictures'));
    expect(joined(replies)).toContain('cybercrime.gov.in');
    expect(joined(replies)).toContain(t('ask.what'));
    for (const answer of PARENT_TO_SUMMARY.slice(1)) await say(adapter, answer);
    await say(adapter, 'report:summary:ok');
    await say(adapter, 'report:consent:send');
    expect(JSON.stringify(await store.list({}))).not.toContain('example.invalid');
  });

  it('keeps two reporters writing at the same moment apart', async () => {
    const store = memoryStore();
    const { adapter } = createReportBot({ store });
    const as = (id: string, text: string) => adapter.receiveActivity({ type: 'message', text, conversation: { id: `conv-${id}` }, from: { id: `user-${id}` } } as never);
    const a = ['lang:en', 'menu:report', 'report:who:family', 'report:what:child_labour', 'report:danger:no', 'Jorhat', 'report:age:12to14', 'report:gender:boy', 'report:when:ongoing', 'report:contact:anonymous', 'report:summary:ok', 'report:consent:send'];
    const b = ['lang:hi', 'menu:report', 'report:who:teacher', 'report:what:corporal_punishment', 'report:danger:no', 'Cachar', 'report:age:6to11', 'report:gender:girl', 'report:when:today', 'report:contact:anonymous', 'report:summary:ok', 'report:consent:send'];
    for (let i = 0; i < a.length; i++) await Promise.all([as('a', a[i]), as('b', b[i])]);
    const byReporter = Object.fromEntries((await store.list({})).map((c) => [c.reporter, c]));
    expect(byReporter.family).toMatchObject({ category: 'child_labour', district: 'jorhat', age: '12to14', gender: 'boy', language: 'en' });
    expect(byReporter.teacher).toMatchObject({ category: 'corporal_punishment', district: 'cachar', age: '6to11', gender: 'girl', language: 'hi' });
  });
});
