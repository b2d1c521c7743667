import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import type { LiveSignal } from '../../services/handoff/types';
import { PASSWORD, startConsoleRig, type ConsoleRig } from '../support/console';

const XSS_IMG = '<img src=x onerror="window.__pwned=1">';
const XSS_SCRIPT = '<script>window.__pwned=2</script>';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

let rig: ConsoleRig;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  rig = await startConsoleRig({ redis: true });
  await rig.addAccount({ username: 'asha', alias: 'Asha', languages: ['as', 'en'] });
  await rig.addAccount({ username: 'sup', alias: 'Mira', role: 'supervisor', languages: ['en'] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await rig.stop();
});

describe('the console in Chromium', () => {
  it('signs in, sees a chat arrive live, claims it, talks with the user safely, and ends it', async () => {
    await page.goto(`${rig.url}/console`);
    await page.fill('#username', 'asha');
    await page.fill('#password', PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#workView:not([hidden])');
    await rig.untilEventsFlow();
    await page.waitForSelector('#queueEmpty:not([hidden])');

    // a chat enters the queue after the page loaded: it must appear without a reload
    const chatId = await rig.queueChat({ language: 'as', priority: 1, summary: `${XSS_IMG} ${XSS_SCRIPT}`, caseRef: 'SM-77' });
    const row = page.locator(`#queueRows tr[data-id="${chatId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toBe('p1');
    expect(await row.locator('.badge').textContent()).toBe('Emergency');
    expect(await row.locator('td.summary').textContent()).toContain(XSS_IMG);

    // keyboard: Alt+N takes the next chat, the message box gets the focus
    await page.keyboard.press('Alt+N');
    await page.waitForSelector('#chat:not([hidden])');
    await page.waitForFunction(() => document.activeElement?.id === 'messageText');
    expect((await rig.handoff.get(chatId))?.counsellorId).toBe('asha');

    // the user types: the console shows it live; the counsellor types: the user's channel is told (throttled)
    await rig.handoff.signal({ type: 'typing', chatId, from: 'user', counsellorId: 'asha' }); // as the handoff desk sends it
    await page.locator('#chatTyping:not([hidden])', { hasText: 'typing' }).waitFor({ timeout: 5000 });
    const counsellorTyping = new Promise<LiveSignal | 'none'>((resolve) => {
      const timer = setTimeout(() => (stop(), resolve('none')), 5000);
      const stop = rig.handoff.onSignal((signal) => {
        if (signal.type !== 'typing' || signal.from !== 'counsellor') return;
        stop();
        clearTimeout(timer);
        resolve(signal);
      });
    });
    await page.type('#messageText', 'I am');
    expect(await counsellorTyping).toEqual({ type: 'typing', chatId, from: 'counsellor', counsellorId: 'asha' });
    await page.fill('#messageText', '');

    // the user writes (in Assamese, then hostile markup); it arrives without reload, as text
    await rig.handoff.post(chatId, { msgId: 'u-1', from: 'user', to: 'counsellor', text: 'মোক সহায় লাগে' });
    await rig.handoff.post(chatId, { msgId: 'u-2', from: 'user', to: 'counsellor', text: `${XSS_IMG}${XSS_SCRIPT}` });
    const transcript = page.locator('#transcript');
    await transcript.locator('li.msg.user', { hasText: XSS_SCRIPT }).waitFor();
    expect(await transcript.locator('li.msg.user').first().getAttribute('lang')).toBe('as');
    expect(await page.locator('#transcript img, #transcript script, #queueRows img').count()).toBe(0);
    await page.locator('#chatTyping').waitFor({ state: 'hidden', timeout: 6000 }); // their message ends "typing"

    await page.fill('#messageText', 'I am here with you.');
    await page.keyboard.press('Enter');
    await transcript.locator('li.msg.counsellor', { hasText: 'I am here with you.' }).waitFor();
    // a quick reply goes in the user's language (Assamese here), ready to edit
    await page.selectOption('#canned', 'childline');
    await page.click('#cannedForm button');
    expect(await page.inputValue('#messageText')).toContain('চাইল্ডলাইন');
    await page.keyboard.press('Enter');
    await transcript.locator('li.msg.counsellor', { hasText: '1098' }).waitFor();
    const delivered = await rig.handoff.takeDeliveries(chatId, 'bridge', 5000);
    expect(delivered?.filter((m) => m.from === 'counsellor').map((m) => m.text)).toEqual([
      'I am here with you.',
      'তুমি 1098 (চাইল্ডলাইন)ত ফোন কৰিব পাৰা। ই বিনামূলীয়া, দিনে-ৰাতিয়ে।',
    ]);

    await page.fill('#noteText', 'Call back after school.');
    await page.click('#noteForm button');
    await page.locator('#notes li', { hasText: 'asha: Call back after school.' }).waitFor();

    // the nearest services for the chat's district (Kamrup Metropolitan): one click sends a card in Assamese
    const service = page.locator('#services li').first();
    await service.waitFor();
    const counsellorLines = await transcript.locator('li.msg.counsellor').count();
    await service.locator('button.send-service').click();
    await transcript.locator('li.msg.counsellor').nth(counsellorLines).waitFor();
    const card = (await rig.handoff.messages(chatId)).filter((m) => m.from === 'counsellor').at(-1)?.text ?? '';
    expect(card).toMatch(/[\u0980-\u09FF]/);
    expect(await transcript.locator('li.msg.counsellor').last().textContent()).toContain(card.split('\n')[0]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'console-live-chat.png') });

    await page.selectOption('#disposition', 'referred-cwc');
    await page.click('#closeForm button');
    await page.waitForFunction(() => (document.getElementById('chatError')?.textContent ?? '').includes('ended'));
    expect(await rig.handoff.get(chatId)).toMatchObject({ state: 'ended', disposition: 'referred-cwc' });

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('works the case inbox: an anonymous report referred, a callback number revealed on a click, and the supervisor view', async () => {
    const report = await rig.cases.create({
      reporter: 'child', category: 'child_labour', risk: 'high', dangerNow: false, district: 'jorhat', details: `কাম কৰিব লগা হয় ${XSS_IMG}${XSS_SCRIPT}`,
      shareConsentAt: Date.now(), language: 'as', channel: 'webchat',
    });
    const callback = await rig.cases.create({
      reporter: 'other', category: 'other', risk: 'normal', dangerNow: false, phone: '+919876500002', contactConsentAt: Date.now(),
      shareConsentAt: Date.now(), language: 'hi', channel: 'ivr', kind: 'callback',
    });
    await page.click('#tabCases');
    const row = page.locator(`#caseRows tr[data-ref="${report.ref}"]`);
    await row.waitFor();
    await row.locator('button').click();
    await page.locator('#caseTitle', { hasText: report.ref }).waitFor();
    expect(await page.locator('#caseDetails').textContent()).toContain(XSS_SCRIPT);
    expect(await page.locator('#caseDetail img, #caseDetail script').count()).toBe(0);
    expect(await page.locator('#phoneBox').isHidden()).toBe(true);

    await page.click('#takeCase');
    await page.locator('#caseMeta', { hasText: 'held by asha' }).waitFor();
    await page.selectOption('#referralTo', 'cwc');
    await page.click('#referralForm button');
    await page.locator('#caseMeta', { hasText: 'Referred' }).waitFor();
    await page.fill('#caseNoteText', 'CWC Jorhat informed.');
    await page.click('#caseNoteForm button');
    await page.locator('#caseNotes li', { hasText: 'asha: CWC Jorhat informed.' }).waitFor();
    expect(await rig.cases.get(report.ref)).toMatchObject({ status: 'referred', assignee: 'asha', referredTo: 'cwc' });

    // an anonymous report made now (no chat) appears in the open inbox live, without a reload
    const live = await rig.cases.create({
      reporter: 'other', category: 'other', risk: 'normal', dangerNow: false, shareConsentAt: Date.now(), language: 'hi', channel: 'webchat',
    });
    await page.locator(`#caseRows tr[data-ref="${live.ref}"]`).waitFor({ timeout: 5000 });

    // a callback request: the number is not on the page until a deliberate click, once the case is taken
    await page.locator(`#caseRows tr[data-ref="${callback.ref}"] button`).click();
    await page.locator('#caseTitle', { hasText: callback.ref }).waitFor();
    expect(await page.content()).not.toContain('9876500002');
    await page.click('#takeCase');
    await page.locator('#caseMeta', { hasText: 'held by asha' }).waitFor();
    await page.click('#revealPhone');
    await page.locator('#casePhone', { hasText: '+919876500002' }).waitFor();
    await page.click('#callbackBox button[data-outcome="done"]');
    await page.locator('#caseMeta', { hasText: 'Closed' }).waitFor();
    expect(await rig.cases.get(callback.ref)).toMatchObject({ status: 'closed', callbackOutcome: 'done' });
    await page.screenshot({ path: join(ARTIFACTS, 'console-cases.png') });

    // a chat that came with a report: its case opens from the chat
    const chatId = await rig.queueChat({ language: 'as', caseRef: report.ref, summary: 'report with a chat' });
    expect((await rig.handoff.claim(chatId, { id: 'asha', alias: 'Asha', languages: ['as', 'en'] })).ok).toBe(true);
    await page.click('#tabChats');
    await page.locator('#mine li button').first().waitFor(); // the claim's event refreshes "My chats" live
    expect(await page.locator('#mine li').count()).toBe(1);
    await page.click('#mine li button');
    await page.locator('#chatSummary', { hasText: 'report with a chat' }).waitFor();
    await page.click('#chatCase');
    await page.locator('#caseTitle', { hasText: report.ref }).waitFor();
    expect(await page.locator('#casesView').isVisible()).toBe(true);

    // the supervisor sees who is signed in and the audit of the reveal
    const supervisor = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await supervisor.goto(`${rig.url}/console`);
      await supervisor.fill('#username', 'sup');
      await supervisor.fill('#password', PASSWORD);
      await supervisor.keyboard.press('Enter');
      await supervisor.waitForSelector('#tabSupervisor:not([hidden])');
      await supervisor.click('#tabSupervisor');
      await supervisor.locator('#presenceRows tr[data-username="asha"]').waitFor();
      await supervisor.locator('#auditList li', { hasText: `asha · reveal-phone case ${callback.ref}` }).waitFor();
      await supervisor.screenshot({ path: join(ARTIFACTS, 'console-supervisor.png') });
    } finally {
      await supervisor.close();
    }
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('keeps no message text or session secret in the URL, and the cookie out of reach of scripts', async () => {
    expect(page.url()).toBe(`${rig.url}/console`);
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });
});
