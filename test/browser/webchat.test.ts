import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { ConversationReference } from 'botbuilder';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { openTestRedis, type TestRedis } from '../support/redis';
import { EchoBot, startWebChat, type WebChatServer } from '../support/webchatSocket';
import as from '../../locales/as/webchat.json';
import hi from '../../locales/hi/webchat.json';
import en from '../../locales/en/webchat.json';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

let testRedis: TestRedis;
let browser: Browser;
let neutral: Server;
let neutralUrl: string;
let chat: WebChatServer;
const contexts: BrowserContext[] = [];

async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, ...options });
  contexts.push(context);
  return context.newPage();
}

/** Texts of the chat bubbles, without the screen-reader labels. */
async function bubbles(page: Page): Promise<string[]> {
  return page.locator('#log .msg > span:last-child').allTextContents();
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
}

const conversationOf = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('sishu-chat') ?? 'null') as { c: string } | null);

/** The package's exports hide dist/, so the bundle is read by path (once: a missing file fails the suite at once). */
const webchatBundle = readFileSync(join(__dirname, '..', '..', 'node_modules', 'botframework-webchat', 'dist', 'webchat.js'));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  testRedis = await openTestRedis('webchat-browser');
  // A stand-in for the neutral site the quick exit goes to.
  neutral = createServer((req, res) => {
    if (req.url === '/botframework-webchat.js') {
      // botframework-webchat's own self-contained bundle, as a site that embeds it would serve it.
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(webchatBundle);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<title>neutral</title><p>${req.url}</p><div id="webchat" style="height:600px"></div>`);
  });
  await new Promise<void>((resolve) => neutral.listen(0, '127.0.0.1', () => resolve()));
  neutralUrl = `http://127.0.0.1:${(neutral.address() as { port: number }).port}`;
  chat = await startWebChat({ redis: testRedis.redis, prefix: testRedis.prefix, quickExitUrl: `${neutralUrl}/weather`, origins: [neutralUrl] });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await chat?.close();
  await new Promise((resolve) => neutral.close(resolve));
  await testRedis.cleanup();
});

describe('the web chat page in Chromium', () => {
  it('holds a whole conversation in Assamese at 320 px, with buttons and a tappable helpline number', async () => {
    const page = await newPage();
    await page.goto(`${chat.baseUrl}/?lang=as`);
    expect(await page.getAttribute('html', 'lang')).toBe('as');
    expect(await page.textContent('#exit')).toBe(as.quickExit);
    expect(await page.textContent('#send')).toBe(as.send);
    await page.locator('.msg.bot', { hasText: 'hello (as)' }).waitFor();
    expect(await page.getAttribute('#log .msg.bot a', 'href')).toBe('tel:1098');
    expect(await page.getAttribute('#danger a', 'href')).toBe('tel:112');

    await page.click('#actions button:has-text("Help")');
    await page.locator('.msg.bot', { hasText: 'echo: Help [menu:help]' }).waitFor();
    await send(page, 'মোৰ ভয় লাগিছে');
    await page.locator('.msg.bot', { hasText: 'echo: মোৰ ভয় লাগিছে' }).waitFor();
    expect(await page.locator('.msg.pending').count()).toBe(0);
    expect(await bubbles(page)).toEqual(['hello (as) call 1098', 'Help', 'echo: Help [menu:help]', 'মোৰ ভয় লাগিছে', 'echo: মোৰ ভয় লাগিছে']);
    expect(await page.getAttribute('.msg.user >> nth=1', 'lang')).toBe('as');

    // typing: the page tells the server as the user types (no bubble, nothing kept), and shows a counsellor's typing
    const { c: conversationId } = (await conversationOf(page))!;
    const typed = () => (chat.bot as EchoBot).seen.some((a) => a.type === 'typing' && a.conversation?.id === conversationId);
    await page.fill('#input', 'মোক');
    for (const deadline = Date.now() + 5000; !typed() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(typed()).toBe(true);
    await page.fill('#input', '');
    const reference: Partial<ConversationReference> = { channelId: 'webchat', conversation: { id: conversationId } as ConversationReference['conversation'] };
    await chat.webchat.adapter.continueConversation(reference, async (ctx) => {
      await ctx.sendActivity({ type: 'typing', channelData: { typingBy: 'counsellor' } }); // as the handoff desk sends it
    });
    await page.locator('#typing:not([hidden])', { hasText: as.counsellorTyping }).waitFor({ timeout: 5000 });
    expect(await bubbles(page)).toHaveLength(5);

    // 320 px: nothing runs off the side
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    // no trace: no cookie, nothing in localStorage
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'webchat-as-320.png'), fullPage: true });
  });

  it('holds a conversation in Hindi and switches the page and the bot to English', async () => {
    const page = await newPage();
    await page.goto(`${chat.baseUrl}/?lang=hi`);
    expect(await page.textContent('#exit')).toBe(hi.quickExit);
    await page.locator('.msg.bot', { hasText: 'hello (hi)' }).waitFor();
    await send(page, 'मुझे मदद चाहिए');
    await page.locator('.msg.bot', { hasText: 'echo: मुझे मदद चाहिए' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'webchat-hi-320.png'), fullPage: true });

    await page.click(`#langs button[lang="en"]`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('#exit')).toBe(en.quickExit);
    expect(await page.getAttribute('#langs button[lang="en"]', 'aria-pressed')).toBe('true');
    await page.locator('.msg.bot', { hasText: 'echo: English [lang:en]' }).waitFor();
  });

  it('shares a location when allowed, and answers kindly when refused', async () => {
    const allowed = await newPage({ permissions: ['geolocation'], geolocation: { latitude: 26.14432, longitude: 91.73621 } });
    await allowed.goto(`${chat.baseUrl}/?lang=en`);
    await allowed.locator('.msg.bot', { hasText: 'hello' }).waitFor();
    await allowed.click('#loc');
    await allowed.locator('.msg.bot', { hasText: 'location 26.144,91.736' }).waitFor();
    expect(await bubbles(allowed)).toContain(en.locationShared);

    const refused = await newPage({ permissions: [] });
    await refused.goto(`${chat.baseUrl}/?lang=as`);
    await refused.locator('.msg.bot', { hasText: 'hello' }).waitFor();
    await refused.click('#loc');
    await refused.locator('.note', { hasText: as.locationRefused }).waitFor();
  });

  it('quick exit replaces the page, Back does not return to the chat, and nothing is kept', async () => {
    const page = await newPage();
    await page.goto(`${neutralUrl}/before`);
    await page.goto(`${chat.baseUrl}/?lang=en`);
    await send(page, 'a secret');
    await page.locator('.msg.bot', { hasText: 'echo: a secret' }).waitFor();
    expect(await conversationOf(page)).not.toBeNull();

    await page.keyboard.press('Escape');
    await page.waitForURL(`${neutralUrl}/weather`);
    await page.goBack();
    expect(page.url()).toBe(`${neutralUrl}/before`);

    // Coming back to the chat in the same tab: a new conversation, the secret is not shown.
    await page.goto(`${chat.baseUrl}/?lang=en`);
    await page.locator('.msg.bot', { hasText: 'hello' }).waitFor();
    expect((await bubbles(page)).join(' ')).not.toContain('a secret');

    // The button does the same.
    await page.click('#exit');
    await page.waitForURL(`${neutralUrl}/weather`);
  });

  it('loses nothing across a server restart, and a reload shows the conversation once', async () => {
    const page = await newPage();
    await page.goto(`${chat.baseUrl}/?lang=en`);
    await send(page, 'before restart');
    await page.locator('.msg.bot', { hasText: 'echo: before restart' }).waitFor();
    const { c: conversationId } = (await conversationOf(page))!;

    const port = Number(new URL(chat.baseUrl).port);
    await chat.close();
    await page.locator('#status', { hasText: en.reconnecting }).waitFor();
    await send(page, 'while down'); // kept by the page until the server is back
    chat = await startWebChat({ redis: testRedis.redis, prefix: testRedis.prefix, quickExitUrl: `${neutralUrl}/weather`, origins: [neutralUrl], port });
    // A counsellor's message sent by the new instance reaches the page too.
    const reference: Partial<ConversationReference> = { channelId: 'webchat', conversation: { id: conversationId } as ConversationReference['conversation'] };
    await chat.webchat.adapter.continueConversation(reference, async (ctx) => {
      await ctx.sendActivity('a counsellor is here');
    });

    await page.locator('.msg.bot', { hasText: 'echo: while down' }).waitFor({ timeout: 20_000 });
    await page.locator('.msg.bot', { hasText: 'a counsellor is here' }).waitFor();
    const expected = ['hello (en) call 1098', 'before restart', 'echo: before restart', 'while down'];
    const shown = await bubbles(page);
    expect(shown.slice(0, 4)).toEqual(expected);
    expect(shown.filter((t) => t === 'while down')).toHaveLength(1);
    expect(shown.filter((t) => t === 'echo: while down')).toHaveLength(1);
    expect(await page.locator('.msg.pending').count()).toBe(0);

    await page.reload();
    await page.locator('.msg.bot', { hasText: 'echo: while down' }).waitFor();
    const afterReload = await bubbles(page);
    expect(afterReload.filter((t) => t === 'before restart')).toHaveLength(1);
    expect(afterReload).toHaveLength(shown.length);
  });

  it('directline.js gives another site a DirectLine-like object over the same socket', async () => {
    const page = await newPage();
    await page.goto(`${neutralUrl}/embedding-site`);
    await page.addScriptTag({ url: `${chat.baseUrl}/webchat/directline.js` });
    const result = await page.evaluate(async (domain) => {
      type Obs<T> = { subscribe(next: (v: T) => void): { unsubscribe(): void } };
      const dl = (window as unknown as { SishuMitraDirectLine: { create(o: object): { activity$: Obs<{ type: string; text?: string; id?: string }>; connectionStatus$: Obs<number>; postActivity(a: object): Obs<string>; end(): void } } }).SishuMitraDirectLine.create({ domain, locale: 'en' });
      const statuses: number[] = [];
      dl.connectionStatus$.subscribe((s) => statuses.push(s));
      const texts: string[] = [];
      const answered = new Promise<void>((resolve) =>
        dl.activity$.subscribe((a) => {
          if (a.type === 'message' && a.text) texts.push(a.text);
          if (a.text === 'echo: from webchat') resolve();
        }),
      );
      // what botframework-webchat posts, with its own entities and fields
      const id = await new Promise<string>((resolve) =>
        dl.postActivity({ type: 'message', text: 'from webchat', textFormat: 'plain', from: { id: 'dl_user', role: 'user' }, entities: [{ type: 'ClientCapabilities', requiresBotState: true }], channelData: { clientActivityID: 'wc-1' } }).subscribe(resolve),
      );
      await answered;
      dl.end();
      return { id, texts, statuses };
    }, chat.baseUrl);
    expect(result.id).toMatch(/^\d+$/);
    expect(result.texts).toEqual(['hello (en) call 1098', 'from webchat', 'echo: from webchat']);
    expect(result.statuses).toEqual([0, 1, 2, 5]);
  });

  it('botframework-webchat, from its own bundle, talks to the bot through directline.js', async () => {
    const page = await newPage({ viewport: { width: 480, height: 800 } });
    await page.goto(`${neutralUrl}/embedding-site`);
    await page.addScriptTag({ url: `${neutralUrl}/botframework-webchat.js` });
    await page.addScriptTag({ url: `${chat.baseUrl}/webchat/directline.js` });
    await page.evaluate((domain) => {
      const w = window as unknown as {
        WebChat: { renderWebChat(props: object, element: Element | null): void };
        SishuMitraDirectLine: { create(o: object): object };
      };
      w.WebChat.renderWebChat({ directLine: w.SishuMitraDirectLine.create({ domain, locale: 'en' }), userID: 'dl_user', locale: 'en-US' }, document.getElementById('webchat'));
    }, chat.baseUrl);
    const said = (text: string) => page.locator('#webchat p', { hasText: text }).first();
    await said('hello (en) call 1098').waitFor({ timeout: 15_000 });
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill('hi from botframework-webchat');
    await input.press('Enter');
    await said('echo: hi from botframework-webchat').waitFor({ timeout: 15_000 });
    await page.getByText('Connectivity Status: Connected').waitFor({ state: 'attached', timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'webchat-botframework-webchat.png') });
  });
});
