import type { NewCase } from '../../services/cases/types';
import { startConsoleRig, type ConsoleClient, type ConsoleRig } from '../support/console';
import { TestClock } from '../support/handoffContract';

interface CaseRow {
  ref: string; kind: string; status: string; district: string | null; category: string; risk: string; assignee: string | null;
  referral: { to: string; at: number | null } | null; callback: { outcome: string; at: number | null } | null;
  hasPhone: boolean; hasDetails: boolean; details?: string | null; chatId: string | null;
}
interface Audit { actor: string; action: string; caseRef?: string; chatId?: string; detail?: string }

const PHONE = '+919876500001';
const DETAILS = 'a neighbour keeps a girl of 12 working in his house at night';

const clock = new TestClock();
let rig: ConsoleRig;
let asha: ConsoleClient;
let ravi: ConsoleClient;
let sup: ConsoleClient;

function aReport(overrides: Partial<NewCase> = {}): NewCase {
  return {
    reporter: 'family', category: 'child_labour', risk: 'normal', dangerNow: false, district: 'jorhat', details: DETAILS,
    shareConsentAt: clock.now(), language: 'as', channel: 'webchat', ...overrides,
  };
}

const aCallback = (): NewCase => ({
  reporter: 'other', category: 'other', risk: 'normal', dangerNow: false, phone: PHONE, contactConsentAt: clock.now(),
  shareConsentAt: clock.now(), language: 'hi', channel: 'ivr', kind: 'callback',
});

async function audit(): Promise<Audit[]> {
  return (await sup.json<{ entries: Audit[] }>(sup.get('audit'))).entries;
}

async function reason(res: Promise<Response>): Promise<[number, string]> {
  const r = await res;
  return [r.status, await r.text()];
}

beforeAll(async () => {
  rig = await startConsoleRig({ redis: true, clock: clock.now, longWaitSeconds: 120 });
  await rig.addAccount({ username: 'asha', alias: 'Asha', languages: ['as', 'en'] });
  await rig.addAccount({ username: 'ravi', alias: 'Ravi', languages: ['hi', 'as'] });
  await rig.addAccount({ username: 'sup', role: 'supervisor', languages: ['en'] });
  asha = rig.client();
  ravi = rig.client();
  sup = rig.client();
  for (const [client, name] of [[asha, 'asha'], [ravi, 'ravi'], [sup, 'sup']] as const) expect((await client.login(name)).status).toBe(200);
});

afterAll(async () => {
  await rig.stop();
});

describe('the case inbox', () => {
  it('lists every report, anonymous ones without a chat included, with no details or phone number', async () => {
    const anonymous = await rig.cases.create(aReport({ reporter: 'child', details: undefined }));
    const withPhone = await rig.cases.create(aReport({ district: 'cachar', category: 'sexual_abuse', risk: 'high', phone: PHONE, contactConsentAt: clock.now() }));
    const res = await asha.get('cases');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('neighbour');
    const { cases } = JSON.parse(text) as { cases: CaseRow[] };
    expect(cases.find((c) => c.ref === anonymous.ref)).toMatchObject({ kind: 'report', status: 'new', hasPhone: false, hasDetails: false, chatId: null, assignee: null });
    expect(cases.find((c) => c.ref === withPhone.ref)).toMatchObject({ kind: 'report', hasPhone: true, hasDetails: true, risk: 'high' });
  });

  it('filters by district, category, risk, status, kind and assignee', async () => {
    const high = await rig.cases.create(aReport({ district: 'dibrugarh', category: 'trafficking', risk: 'high' }));
    const callback = await rig.cases.create(aCallback());
    const refs = async (query: string) => (await asha.json<{ cases: CaseRow[] }>(asha.get(`cases?${query}`))).cases.map((c) => c.ref);
    expect(await refs('district=dibrugarh')).toEqual([high.ref]);
    expect(await refs('category=trafficking&risk=high')).toEqual([high.ref]);
    expect(await refs('district=dibrugarh&risk=normal')).toEqual([]);
    expect(await refs('kind=callback')).toEqual([callback.ref]);
    expect(await refs('status=new')).toContain(high.ref);
    expect(await refs('status=closed')).not.toContain(high.ref);
    expect(await refs('assignee=me')).toEqual([]);
  });

  it('refuses bad filters with a 400 and a reason', async () => {
    expect(await reason(asha.get('cases?risk=urgent'))).toEqual([400, expect.stringContaining('risk must be one of high, normal')]);
    expect(await reason(asha.get('cases?category=nonsense'))).toEqual([400, expect.stringContaining('category must be one of')]);
    expect(await reason(asha.get('cases?status=open'))).toEqual([400, expect.stringContaining('status must be one of')]);
    expect(await reason(asha.get('cases?district=Jorhat%20Town'))).toEqual([400, expect.stringContaining('district')]);
    expect(await reason(asha.get('cases?assignee=ravi'))).toEqual([400, expect.stringContaining('assignee')]);
    expect(await reason(asha.get('cases/not-a-ref'))).toEqual([400, expect.stringContaining('malformed')]);
    expect(await reason(asha.get('cases/SM-000000'))).toEqual([404, expect.stringContaining('no such case')]);
  });

  it('opens a case with its details for the counsellor, audits the view, and never logs the details', async () => {
    const report = await rig.cases.create(aReport());
    const { case: opened } = await asha.json<{ case: CaseRow }>(asha.get(`cases/${report.ref}`));
    expect(opened).toMatchObject({ ref: report.ref, details: DETAILS, hasDetails: true });
    expect(opened).not.toHaveProperty('phone');
    expect((await audit()).some((e) => e.actor === 'asha' && e.action === 'view-case' && e.caseRef === report.ref)).toBe(true);
    expect(rig.logs.text).not.toContain('neighbour');
  });

  it('refuses every case route without a session, and every change without the CSRF token', async () => {
    const report = await rig.cases.create(aReport());
    const stranger = rig.client();
    for (const path of ['cases', `cases/${report.ref}`]) expect((await stranger.get(path)).status).toBe(401);
    expect((await stranger.post(`cases/${report.ref}`, { assignee: 'me' })).status).toBe(401);
    expect((await stranger.post(`cases/${report.ref}/reveal-phone`)).status).toBe(401);
    expect(await reason(asha.post(`cases/${report.ref}`, { assignee: 'me' }, { csrf: null }))).toEqual([403, expect.stringContaining('X-CSRF-Token')]);
    expect(await reason(asha.post(`cases/${report.ref}/reveal-phone`, undefined, { csrf: 'wrong' }))).toEqual([403, expect.stringContaining('X-CSRF-Token')]);
    expect((await rig.cases.get(report.ref))?.assignee).toBeUndefined();
  });

  it('refuses bad changes with a 4xx and a reason', async () => {
    const report = await rig.cases.create(aReport());
    const post = (body: unknown) => reason(asha.post(`cases/${report.ref}`, body));
    expect(await post({})).toEqual([400, expect.stringContaining('at least one')]);
    expect(await post({ colour: 'red' })).toEqual([400, expect.stringContaining('unknown field')]);
    expect(await post({ status: 'queued' })).toEqual([400, expect.stringContaining('status must be one of new, assigned, referred, closed')]);
    expect(await post({ assignee: 42 })).toEqual([400, expect.stringContaining('assignee')]);
    expect(await post({ assignee: 'nobody' })).toEqual([404, expect.stringContaining('no such colleague')]);
    expect(await post({ referral: { to: 'the mayor' } })).toEqual([400, expect.stringContaining('referral.to must be one of')]);
    expect(await post({ referral: { to: 'cwc', at: clock.now() + 86_400_000 } })).toEqual([400, expect.stringContaining('not in the future')]);
    expect(await post({ referral: 'cwc' })).toEqual([400, expect.stringContaining('referral')]);
    expect(await post({ note: '' })).toEqual([400, expect.stringContaining('note must be')]);
    expect(await post({ callback: 'called' })).toEqual([409, expect.stringContaining('no number')]);
    expect(await reason(asha.post(`cases/${report.ref}`, '{not json'))).toEqual([400, expect.any(String)]);
    expect(await reason(asha.post('cases/SM-000000', { assignee: 'me' }))).toEqual([404, expect.stringContaining('no such case')]);
    expect((await rig.cases.get(report.ref))?.status).toBe('new');
  });

  it('takes a case, records the referral made and a note, then closes it; the status follows and each step is audited', async () => {
    const report = await rig.cases.create(aReport({ district: 'golaghat' }));
    const taken = await asha.json<{ case: CaseRow }>(asha.post(`cases/${report.ref}`, { assignee: 'me' }));
    expect(taken.case).toMatchObject({ assignee: 'asha', status: 'assigned' });
    expect((await asha.json<{ cases: CaseRow[] }>(asha.get('cases?assignee=me&status=assigned'))).cases.map((c) => c.ref)).toContain(report.ref);

    const referredAt = clock.now() - 3_600_000;
    const referred = await asha.json<{ case: CaseRow; notes: { author: string; text: string }[] }>(
      asha.post(`cases/${report.ref}`, { referral: { to: 'cwc', at: referredAt }, note: 'CWC Golaghat told by phone; <b>visit</b> tomorrow' }),
    );
    expect(referred.case).toMatchObject({ status: 'referred', referral: { to: 'cwc', at: referredAt }, assignee: 'asha' });
    expect(referred.notes).toEqual([expect.objectContaining({ author: 'asha', text: 'CWC Golaghat told by phone; <b>visit</b> tomorrow' })]);
    expect((await rig.cases.get(report.ref))?.status).toBe('referred');

    const closed = await asha.json<{ case: CaseRow }>(asha.post(`cases/${report.ref}`, { status: 'closed' }));
    expect(closed.case.status).toBe('closed');
    expect((await asha.json<{ cases: CaseRow[] }>(asha.get('cases?status=closed'))).cases.map((c) => c.ref)).toContain(report.ref);
    const steps = (await audit()).filter((e) => e.caseRef === report.ref).map((e) => [e.actor, e.action, e.detail ?? null]).reverse();
    expect(steps).toEqual([
      ['asha', 'update-case', 'assignee:asha status:assigned'],
      ['asha', 'update-case', 'referral:cwc status:referred'],
      ['asha', 'case-note', null],
      ['asha', 'update-case', 'status:closed'],
    ]);
    expect(rig.logs.text).not.toContain('visit</b>');
  });

  it('lets only the holder (or a supervisor) change a case, and hands it to a colleague', async () => {
    const report = await rig.cases.create(aReport());
    await asha.post(`cases/${report.ref}`, { assignee: 'me' });
    expect(await reason(ravi.post(`cases/${report.ref}`, { assignee: 'me' }))).toEqual([403, expect.stringContaining('held by asha')]);
    expect(await reason(ravi.post(`cases/${report.ref}`, { status: 'closed' }))).toEqual([403, expect.stringContaining('held by asha')]);
    const handed = await asha.json<{ case: CaseRow }>(asha.post(`cases/${report.ref}`, { assignee: 'ravi' }));
    expect(handed.case).toMatchObject({ assignee: 'ravi', status: 'assigned' });
    expect((await ravi.post(`cases/${report.ref}`, { note: 'I have it' })).status).toBe(200);
    const taken = await sup.json<{ case: CaseRow }>(sup.post(`cases/${report.ref}`, { assignee: null }));
    expect(taken.case).toMatchObject({ assignee: null, status: 'new' });
  });

  it('gives one of two counsellors taking a new case at the same moment the case, the other a 4xx', async () => {
    const report = await rig.cases.create(aReport());
    const [a, r] = await Promise.all([asha.post(`cases/${report.ref}`, { assignee: 'me' }), ravi.post(`cases/${report.ref}`, { assignee: 'me' })]);
    const statuses = [a.status, r.status].sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const holder = (await rig.cases.get(report.ref))?.assignee;
    expect(holder).toBe(a.status === 200 ? 'asha' : 'ravi');
  });
});

describe('IVR callback requests in the inbox', () => {
  it('shows the number only on a deliberate, audited reveal, to whoever holds the request', async () => {
    const callback = await rig.cases.create(aCallback());
    const { case: opened } = await ravi.json<{ case: CaseRow }>(ravi.get(`cases/${callback.ref}`));
    expect(opened).toMatchObject({ kind: 'callback', hasPhone: true });
    expect(JSON.stringify(opened)).not.toContain('9876500001');

    expect(await reason(ravi.post(`cases/${callback.ref}/reveal-phone`))).toEqual([403, expect.stringContaining('take the case first')]);
    await ravi.post(`cases/${callback.ref}`, { assignee: 'me' });
    const revealed = await ravi.post(`cases/${callback.ref}/reveal-phone`);
    expect(revealed.status).toBe(200);
    expect(revealed.headers.get('cache-control')).toBe('no-store');
    expect(await revealed.json()).toEqual({ phone: PHONE });
    expect(await reason(asha.post(`cases/${callback.ref}/reveal-phone`))).toEqual([403, expect.any(String)]);
    expect((await sup.post(`cases/${callback.ref}/reveal-phone`)).status).toBe(200);

    const reveals = (await audit()).filter((e) => e.caseRef === callback.ref && e.action === 'reveal-phone').map((e) => e.actor);
    expect(reveals.sort()).toEqual(['ravi', 'sup']);
    expect(rig.logs.text).not.toContain('9876500001');

    const report = await rig.cases.create(aReport());
    await asha.post(`cases/${report.ref}`, { assignee: 'me' });
    expect(await reason(asha.post(`cases/${report.ref}/reveal-phone`))).toEqual([404, expect.stringContaining('no phone number')]);
  });

  it('marks a request called, no answer, or done (done closes it)', async () => {
    const callback = await rig.cases.create(aCallback());
    await asha.post(`cases/${callback.ref}`, { assignee: 'me' });
    const noAnswer = await asha.json<{ case: CaseRow }>(asha.post(`cases/${callback.ref}`, { callback: 'no-answer' }));
    expect(noAnswer.case).toMatchObject({ status: 'assigned', callback: { outcome: 'no-answer', at: expect.any(Number) } });
    expect((await asha.json<{ case: CaseRow }>(asha.post(`cases/${callback.ref}`, { callback: 'called' }))).case.callback?.outcome).toBe('called');
    const done = await asha.json<{ case: CaseRow }>(asha.post(`cases/${callback.ref}`, { callback: 'done' }));
    expect(done.case).toMatchObject({ status: 'closed', callback: { outcome: 'done' } });
    expect(await reason(asha.post(`cases/${callback.ref}`, { callback: 'maybe' }))).toEqual([400, expect.stringContaining('callback must be one of called, no-answer, done')]);
  });
});

describe('the nearest-services panel', () => {
  interface Service { id: string; name: string; phones: string[]; card: string; distanceKm: number | null }

  it('offers the services near the chat\'s district and sends one as a message in the user\'s language', async () => {
    const chatId = await rig.queueChat({ language: 'as', district: 'jorhat', channel: 'whatsapp' });
    expect((await asha.post(`chats/${chatId}/claim`)).status).toBe(200);
    const panel = await asha.json<{ district: string; services: Service[] }>(asha.get(`chats/${chatId}/services`));
    expect(panel.district).toBe('jorhat');
    const near = panel.services.filter((s) => s.distanceKm !== null);
    expect(near.length).toBeGreaterThan(0);
    expect(near.map((s) => s.distanceKm)).toEqual([...near.map((s) => s.distanceKm)].sort((a, b) => (a ?? 0) - (b ?? 0)));
    const first = near[0];

    const sent = await asha.json<{ message: { from: string; text: string } }>(asha.post(`chats/${chatId}/services`, { serviceId: first.id }));
    expect(sent.message).toMatchObject({ from: 'counsellor', text: first.card });
    expect(first.card).toContain(first.phones[0]);
    expect(first.card).toMatch(/[\u0980-\u09FF]/); // Assamese script: the user's language
    const messages = await rig.handoff.messages(chatId);
    expect(messages.at(-1)).toMatchObject({ from: 'counsellor', text: first.card });
    expect((await audit()).some((e) => e.action === 'send-service' && e.chatId === chatId && e.detail === first.id)).toBe(true);

    const other = await asha.json<{ district: string; services: Service[] }>(asha.get(`chats/${chatId}/services?district=cachar`));
    expect(other.district).toBe('cachar');
  });

  it('lists the districts to choose from, to signed-in users only', async () => {
    const { districts } = await asha.json<{ districts: { id: string; name: string }[] }>(asha.get('districts'));
    expect(districts).toContainEqual({ id: 'kamrup-metropolitan', name: 'Kamrup Metropolitan' });
    expect((await rig.client().get('districts')).status).toBe(401);
  });

  it('refuses a stranger, another counsellor\'s chat, a missing token and bad input, with reasons', async () => {
    const chatId = await rig.queueChat({ language: 'as', district: 'jorhat' });
    expect((await asha.post(`chats/${chatId}/claim`)).status).toBe(200);
    expect((await rig.client().get(`chats/${chatId}/services`)).status).toBe(401);
    expect(await reason(ravi.get(`chats/${chatId}/services`))).toEqual([403, expect.stringContaining('not yours')]);
    expect(await reason(ravi.post(`chats/${chatId}/services`, { serviceId: 'childline-1098' }))).toEqual([403, expect.stringContaining('not yours')]);
    expect(await reason(asha.post(`chats/${chatId}/services`, { serviceId: 'x' }, { csrf: null }))).toEqual([403, expect.stringContaining('X-CSRF-Token')]);
    expect(await reason(asha.post(`chats/${chatId}/services`, {}))).toEqual([400, expect.stringContaining('serviceId')]);
    expect(await reason(asha.post(`chats/${chatId}/services`, { serviceId: 'no-such-service' }))).toEqual([404, expect.stringContaining('no such service')]);
    expect(await reason(asha.get(`chats/${chatId}/services?district=atlantis`))).toEqual([400, expect.stringContaining('district')]);
    expect(await reason(asha.get('chats/bad%20id/services'))).toEqual([400, expect.stringContaining('malformed')]);
    const messages = await rig.handoff.messages(chatId);
    expect(messages.filter((m) => m.from === 'counsellor')).toEqual([]);
  });
});

describe('the supervisor view', () => {
  it('shows who is signed in, every live chat and the long waits, to supervisors only', async () => {
    const longWaiting = await rig.queueChat({ language: 'hi', summary: 'waiting long' });
    clock.advance(130_000);
    const fresh = await rig.queueChat({ language: 'hi', summary: 'just came' });
    for (const c of [asha, ravi, sup]) await c.post('heartbeat');
    const view = await sup.json<{
      longWaitSeconds: number;
      signedIn: { username: string; chats: number }[];
      live: { id: string; counsellorId: string }[];
      waiting: { id: string; longWait: boolean }[];
    }>(sup.get('supervisor'));
    expect(view.longWaitSeconds).toBe(120);
    expect(view.signedIn.map((u) => u.username).sort()).toEqual(['asha', 'ravi', 'sup']);
    expect(view.signedIn.find((u) => u.username === 'asha')?.chats).toBeGreaterThan(0);
    expect(view.live.length).toBeGreaterThan(0);
    expect(view.live.every((c) => c.counsellorId)).toBe(true);
    expect(view.waiting.find((w) => w.id === longWaiting)?.longWait).toBe(true);
    expect(view.waiting.find((w) => w.id === fresh)?.longWait).toBe(false);
    expect(await reason(asha.get('supervisor'))).toEqual([403, expect.stringContaining('supervisor')]);
    expect((await rig.client().get('supervisor')).status).toBe(401);
    expect((await sup.json<{ settings: { longWaitSeconds: number } }>(sup.get('session'))).settings.longWaitSeconds).toBe(120);
  });

  it('takes a counsellor off the signed-in list on sign-out', async () => {
    const temp = rig.client();
    await rig.addAccount({ username: 'temp' });
    await temp.login('temp');
    const names = async () => (await sup.json<{ signedIn: { username: string }[] }>(sup.get('supervisor'))).signedIn.map((u) => u.username);
    expect(await names()).toContain('temp');
    await temp.post('logout');
    expect(await names()).not.toContain('temp');
  });
});
