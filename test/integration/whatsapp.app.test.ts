import { GraphApiServer } from '../support/graphApiServer';
import { startApp, type RunningApp } from '../support/http';
import { ACCESS_TOKEN, APP_SECRET, i18n, newNumber, post, VERIFY_TOKEN } from '../support/whatsappHarness';
import { messageWebhook, PHONE_NUMBER_ID, textWebhook } from '../support/whatsappWebhooks';

/** The whole service, as index.ts wires it, talking to a WhatsApp user through the loopback Graph API. */
describe('WhatsApp through the composed app (real bot, Redis)', () => {
  let graph: GraphApiServer;
  let running: RunningApp;

  beforeAll(async () => {
    graph = await GraphApiServer.start(ACCESS_TOKEN);
    running = await startApp(
      {
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
        WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        WHATSAPP_GRAPH_URL: graph.baseUrl,
      },
      { redis: true },
    );
  });
  afterAll(async () => {
    await running.stop();
    await graph.close();
  });

  it('greets a new user with choices WhatsApp can show, and follows a tapped choice', async () => {
    const number = newNumber();
    expect((await post(`${running.url}/api/whatsapp`, textWebhook(number, 'hello'))).status).toBe(200);
    const greeting = await graph.waitForSent(1);
    const interactive = greeting.map((r) => r.body).find((b) => b.type === 'interactive') as { interactive: { type: string; action: { buttons?: { reply: { id: string } }[] } } } | undefined;
    expect(interactive?.interactive.type).toBe('button');
    const ids = interactive?.interactive.action.buttons?.map((b) => b.reply.id) ?? [];
    expect(ids).toContain('lang:as');

    await post(`${running.url}/api/whatsapp`, messageWebhook(number, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'lang:as', title: 'অসমীয়া' } } }));
    // The bot now speaks Assamese.
    const confirmed = () => graph.sent.some((r) => JSON.stringify(r.body).includes(i18n.t('as', 'common:languageSet')));
    for (let i = 0; i < 100 && !confirmed(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(confirmed()).toBe(true);
    expect(graph.sent.every((r) => r.body.to === number)).toBe(true);
  });

  it('answers the verification handshake', async () => {
    const res = await fetch(`${running.url}/api/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`);
    expect(await res.text()).toBe('42');
  });
});
