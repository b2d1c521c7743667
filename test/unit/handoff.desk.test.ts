import { ConversationState, MemoryStorage, TestAdapter, TurnContext, UserState } from 'botbuilder';
import { Registry } from 'prom-client';
import { HelplineBot } from '../../bots/HelplineBot';
import { configureAdapter } from '../../bots/configureAdapter';
import { CounsellorDialog } from '../../dialogs/CounsellorDialog';
import { JOURNEY, UnavailableJourney } from '../../dialogs/journeys';
import { HandoffDesk, type Proactive } from '../../services/handoff/HandoffDesk';
import { HandoffWorker } from '../../services/handoff/HandoffWorker';
import { MemoryHandoffStore } from '../../services/handoff/MemoryHandoffStore';
import { createHandoffMetrics } from '../../services/handoff/metrics';
import { parseDutySchedule } from '../../services/handoff/schedule';
import type { HandoffChat, LiveSignal } from '../../services/handoff/types';
import { createLogger } from '../../services/logger';
import { createMetrics } from '../../services/metrics';
import { EmbeddedUnderstanding } from '../../services/understanding';
import { asha, TEST_TIMINGS } from '../support/handoffContract';
import { i18n, lastButtons, replies, say, textsOf } from '../support/botHarness';

const en = (key: string, vars?: Record<string, unknown>) => i18n.t('en', `handoff:${key}`, vars);

/** The real bot with the real counsellor journey and handoff desk, on a TestAdapter and the demo-mode store. */
function setUp(options: { hours?: string; counsellorOnDuty?: boolean; agentHub?: boolean } = {}) {
  const logger = createLogger({ level: 'silent' });
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const store = new MemoryHandoffStore(TEST_TIMINGS);
  const alerts: HandoffChat[] = [];
  const desk = new HandoffDesk({
    store, i18n, logger, conversationState,
    schedule: parseDutySchedule(options.hours ?? '24x7'),
    metrics: createHandoffMetrics(new Registry(), store),
    alert: (chat) => alerts.push(chat),
    agentHub: options.agentHub,
  });
  const bot = new HelplineBot({
    conversationState, userState: new UserState(storage), understanding: new EmbeddedUnderstanding(), replies,
    journeys: [
      ...[JOURNEY.report, JOURNEY.findHelp, JOURNEY.teacher].map((id) => new UnavailableJourney(id, replies)),
      new CounsellorDialog(desk),
    ],
    logger, metrics: createMetrics(), handoff: desk,
  });
  const adapter = configureAdapter(new TestAdapter((context) => bot.run(context)), { logger, metrics: createMetrics(), replies });
  // The user's channel, reached outside a turn as a bridge's continueConversation would.
  const channel: Proactive = {
    async continueConversation(reference, logic) {
      await logic(new TurnContext(adapter, TurnContext.applyConversationReference({ type: 'event' }, reference, true)));
    },
  };
  const worker = new HandoffWorker({ store, deliver: desk.deliverer(new Map([['test', channel]])), owner: 'test', logger, intervalMs: 3_600_000 });
  /** Counsellor messages reach the user (a sweep delivers whatever is due), returned as the user saw them. */
  const delivered = async () => {
    adapter.activeQueue.length = 0;
    await worker.tick();
    const sent = [...adapter.activeQueue];
    adapter.activeQueue.length = 0;
    return sent;
  };
  if (options.counsellorOnDuty ?? true) void store.heartbeat(asha.id);
  return { adapter, store, delivered, alerts };
}

async function startInEnglish(adapter: TestAdapter): Promise<void> {
  await say(adapter, 'hello');
  await say(adapter, 'lang:en');
}

describe('talking to a counsellor through the bot', () => {
  it('tells the user their place before any counsellor can join, then relays both ways while the bot stays silent', async () => {
    const { adapter, store, delivered } = setUp();
    await startInEnglish(adapter);

    // A counsellor clicking the very moment the answer goes out must find nothing to claim yet.
    const claimsWhileAnswering: (HandoffChat | null)[] = [];
    adapter.use(async (context, next) => {
      context.onSendActivities(async (_ctx, activities, sendNext) => {
        if (activities.some((a) => a.text?.includes(en('queued', { position: 1 })))) claimsWhileAnswering.push(await store.claimNext(asha));
        return sendNext();
      });
      await next();
    });
    const answer = textsOf(await say(adapter, 'cmd:human'));
    expect(answer).toEqual([`${en('queued', { position: 1 })}\n${en('estimateUnknown')}`]);
    expect(claimsWhileAnswering).toEqual([null]);

    const chat = await store.claimNext(asha);
    expect(chat).toMatchObject({ state: 'active', language: 'en', channel: 'test', priority: 3 });
    expect(textsOf(await delivered())).toEqual([en('notice.joined', { alias: 'Asha' })]);

    expect(await say(adapter, 'I am scared to go home')).toEqual([]);
    await store.post(chat!.id, { msgId: 'c1', from: 'counsellor', to: 'user', text: 'I am here. Tell me more.' }, { counsellorId: asha.id });
    expect(textsOf(await delivered())).toEqual(['I am here. Tell me more.']);
    expect((await store.messages(chat!.id)).filter((m) => m.from === 'user').map((m) => m.text)).toEqual(['I am scared to go home']);
  });

  it("passes the user's typing activities to the holding counsellor, throttled, with no answer and nothing kept", async () => {
    const { adapter, store } = setUp();
    await startInEnglish(adapter);
    const heard: LiveSignal[] = [];
    store.onSignal((signal) => heard.push(signal));
    const typing = async () => {
      adapter.activeQueue.length = 0;
      await adapter.receiveActivity({ type: 'typing' });
      return [...adapter.activeQueue];
    };
    await say(adapter, 'cmd:human');
    const chat = await store.claimNext(asha);
    const before = await store.messages(chat!.id);
    expect(await typing()).toEqual([]);
    expect(await typing()).toEqual([]); // a keystroke later: throttled
    await new Promise((r) => setTimeout(r, 0));
    expect(heard).toEqual([{ type: 'typing', chatId: chat!.id, from: 'user', counsellorId: asha.id }]);
    expect(await store.messages(chat!.id)).toEqual(before);
  });

  it('gives the conversation back to the bot when the counsellor ends it, and asks for a rating', async () => {
    const { adapter, store, delivered } = setUp();
    await startInEnglish(adapter);
    await say(adapter, 'cmd:human');
    const chat = await store.claimNext(asha);
    await delivered();
    await store.end(chat!.id, { counsellorId: asha.id }, 'resolved');
    const ended = await delivered();
    expect(textsOf(ended)).toEqual([en('notice.ended')]);
    expect(lastButtons(ended)).toEqual(['rate:1', 'rate:2', 'rate:3', 'rate:4', 'rate:5']);
    expect(textsOf(await say(adapter, 'rate:4'))).toEqual([en('rateThanks')]);
    expect(textsOf(await say(adapter, 'menu')).join('\n')).toContain(i18n.t('en', 'common:menuPrompt'));
  });

  it('ends the handoff at once on the safe word, and the counsellor is told', async () => {
    const { adapter, store } = setUp();
    await startInEnglish(adapter);
    await say(adapter, 'cmd:human');
    const chat = await store.claimNext(asha);
    expect(textsOf(await say(adapter, 'stop'))).toEqual([i18n.t('en', 'common:safeWord')]);
    expect(await store.get(chat!.id)).toMatchObject({ state: 'ended', endedBy: 'user' });
    expect((await store.messages(chat!.id)).at(-1)).toMatchObject({ to: 'counsellor', notice: { key: 'endedByUser' } });
    expect(textsOf(await say(adapter, 'hello')).join('\n')).not.toContain(en('stillWaiting', { position: 1 }));
  });

  it('still answers danger during a handoff, and a high-risk child waits ahead of others', async () => {
    const { adapter, store } = setUp();
    await startInEnglish(adapter);
    const danger = textsOf(await say(adapter, 'my uncle hits me and I want to die'));
    expect(danger.join('\n')).toContain('112');
    await say(adapter, 'cmd:human');
    const [waiting] = await store.listWaiting();
    expect(waiting.priority).toBeLessThanOrEqual(2);
    const during = textsOf(await say(adapter, 'he is coming back, he will hit me, I want to die'));
    expect(during.join('\n')).toContain('112');
    expect(during.at(-1)).toBe(en('stillWaiting', { position: 1 }));
    expect((await store.messages(waiting.id)).map((m) => m.text)).toEqual(['he is coming back, he will hit me, I want to die']);
  });

  it('says plainly when no counsellor is on duty, gives 112 and 1098, keeps the request and alerts supervisors for a child in danger', async () => {
    const { adapter, store, alerts } = setUp({ counsellorOnDuty: false });
    await startInEnglish(adapter);
    await say(adapter, 'my uncle hits me and I want to die');
    const answer = textsOf(await say(adapter, 'cmd:human'));
    expect(answer).toEqual([en('noCounsellor')]);
    expect(answer[0]).toMatch(/112[\s\S]*1098/);
    expect(await store.listWaiting()).toHaveLength(1);
    expect(alerts).toHaveLength(1);
  });

  it('says so out of hours, with the hours, and keeps the request for the morning', async () => {
    const closedNow = new Date(Date.now() + 330 * 60_000);
    const hour = closedNow.getUTCHours();
    // A one-hour duty window that is certainly not now (India time).
    const from = String((hour + 2) % 24).padStart(2, '0');
    const to = String((hour + 3) % 24).padStart(2, '0');
    const hours = to === '00' ? `${from}:00-24:00` : `${from}:00-${to}:00`;
    const { adapter, store } = setUp({ hours });
    await startInEnglish(adapter);
    expect(textsOf(await say(adapter, 'cmd:human'))).toEqual([en('outOfHours', { hours })]);
    expect(await store.listWaiting()).toHaveLength(1);
  });

  describe('with an external agent hub (HANDOFF_MODE=botframework) on an Azure channel', () => {
    it('emits handoff.initiate instead of queueing, and tells the user a person was asked for', async () => {
      const { adapter, store } = setUp({ agentHub: true });
      await startInEnglish(adapter);
      await say(adapter, 'my uncle hits me and I want to die');
      const sent = await say(adapter, 'cmd:human');
      expect(sent[0]).toMatchObject({ type: 'event', name: 'handoff.initiate', value: { language: 'en' } });
      expect((sent[0].value as { priority: number }).priority).toBeLessThanOrEqual(2);
      expect(textsOf(sent.slice(1))).toEqual([en('agentHubAsked')]);
      expect(await store.listWaiting()).toEqual([]);
    });

    it('answers the hub\'s status: silence when accepted, the honest answer when it failed, a rating when completed', async () => {
      const { adapter } = setUp({ agentHub: true });
      await startInEnglish(adapter);
      await say(adapter, 'cmd:human');
      const status = async (state: string) => {
        adapter.activeQueue.length = 0;
        await adapter.receiveActivity({ type: 'event', name: 'handoff.status', value: { state } });
        return [...adapter.activeQueue];
      };
      expect(await status('accepted')).toEqual([]);
      expect(textsOf(await status('failed'))).toEqual([en('unavailable')]);
      const completed = await status('completed');
      expect(textsOf(completed)).toEqual([en('notice.ended')]);
      expect(lastButtons(completed)).toEqual(['rate:1', 'rate:2', 'rate:3', 'rate:4', 'rate:5']);
    });
  });
});
