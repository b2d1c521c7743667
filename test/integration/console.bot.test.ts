import { ConversationState, MemoryStorage, TestAdapter, TurnContext, UserState } from 'botbuilder';
import { Registry } from 'prom-client';
import { HelplineBot } from '../../bots/HelplineBot';
import { configureAdapter } from '../../bots/configureAdapter';
import { CounsellorDialog } from '../../dialogs/CounsellorDialog';
import { JOURNEY, UnavailableJourney } from '../../dialogs/journeys';
import { loadConfig } from '../../services/config';
import { createHandoffService, type HandoffService } from '../../services/handoff';
import { createLogger } from '../../services/logger';
import { createMetrics } from '../../services/metrics';
import { EmbeddedUnderstanding } from '../../services/understanding';
import { i18n, replies, say, textsOf } from '../support/botHarness';
import { startConsoleRig, type ConsoleClient, type ConsoleRig } from '../support/console';

const en = (key: string, vars?: Record<string, unknown>) => i18n.t('en', `handoff:${key}`, vars);

let rig: ConsoleRig;
let handoff: HandoffService;
let adapter: TestAdapter;
let asha: ConsoleClient;

/** Waits until the handoff worker has delivered to the user something that matches. */
async function userGets(match: (texts: string[]) => boolean): Promise<string[]> {
  for (;;) {
    const texts = textsOf(adapter.activeQueue);
    if (match(texts)) {
      adapter.activeQueue.length = 0;
      return texts;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  // The real bot with the real handoff service (demo-mode store), as index.ts composes them.
  const logger = createLogger({ level: 'silent' });
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  handoff = createHandoffService({
    settings: loadConfig({ HANDOFF_LEASE_SECONDS: '5' }),
    i18n, conversationState, registry: new Registry(), logger,
  });
  const bot = new HelplineBot({
    conversationState, userState: new UserState(storage), understanding: new EmbeddedUnderstanding(), replies, logger, metrics: createMetrics(),
    journeys: [...[JOURNEY.report, JOURNEY.findHelp, JOURNEY.teacher].map((id) => new UnavailableJourney(id, replies)), new CounsellorDialog(handoff.desk)],
    handoff: handoff.desk,
  });
  adapter = configureAdapter(new TestAdapter((context) => bot.run(context)), { logger, metrics: createMetrics(), replies });
  // The user's channel as the worker reaches it outside a turn (a bridge's continueConversation).
  handoff.start(new Map([['test', {
    async continueConversation(reference, logic) {
      await logic(new TurnContext(adapter, TurnContext.applyConversationReference({ type: 'event' }, reference, true)));
    },
  }]]));
  rig = await startConsoleRig({ handoff: handoff.store });
  await rig.addAccount({ username: 'asha', alias: 'Asha', languages: ['en'] });
  asha = rig.client();
  await asha.login('asha');
});

afterAll(async () => {
  await rig.stop();
  await handoff.stop();
});

describe('a child, the bot and a counsellor at the console', () => {
  it('queues the child, lets the counsellor claim and talk through the console, and gives the child back to the bot', async () => {
    expect((await asha.post('heartbeat')).status).toBe(200); // a counsellor is signed in and on duty
    await say(adapter, 'hello');
    await say(adapter, 'lang:en');
    expect(textsOf(await say(adapter, 'cmd:human')).join('\n')).toContain(en('queued', { position: 1 }));

    const { waiting } = await asha.json<{ waiting: { id: string; language: string; channel: string }[] }>(asha.get('queue'));
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ language: 'en', channel: 'test' });
    const chatId = waiting[0].id;
    expect((await asha.post('queue/next')).status).toBe(200);
    expect(await userGets((t) => t.includes(en('notice.joined', { alias: 'Asha' })))).toContain(en('notice.joined', { alias: 'Asha' }));

    // the bot stays silent while the counsellor holds the chat; the child's words reach the console
    expect(await say(adapter, 'I am scared to go home')).toEqual([]);
    const opened = await asha.json<{ messages: { from: string; text: string | null }[] }>(asha.get(`chats/${chatId}`));
    expect(opened.messages.filter((m) => m.from === 'user').map((m) => m.text)).toEqual(['I am scared to go home']);

    expect((await asha.post(`chats/${chatId}/messages`, { text: 'I am here. Tell me more.' })).status).toBe(200);
    await userGets((t) => t.includes('I am here. Tell me more.'));

    expect((await asha.post(`chats/${chatId}/close`, { disposition: 'resolved' })).status).toBe(200);
    await userGets((t) => t.includes(en('notice.ended')));
    expect(textsOf(await say(adapter, 'rate:5'))).toEqual([en('rateThanks')]);
    expect(textsOf(await say(adapter, 'menu')).join('\n')).toContain(i18n.t('en', 'common:menuPrompt'));
  });
});
