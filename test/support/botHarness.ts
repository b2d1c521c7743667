import { ConversationState, MemoryStorage, TestAdapter, UserState, type Activity, type Storage } from 'botbuilder';
import { Writable } from 'node:stream';
import { HelplineBot } from '../../bots/HelplineBot';
import { configureAdapter } from '../../bots/configureAdapter';
import type { HandoffPort } from '../../bots/ports';
import { Replies } from '../../bots/replies';
import { JOURNEY, UnavailableJourney, type Journey } from '../../dialogs/journeys';
import { createI18n } from '../../services/i18n';
import { createLogger } from '../../services/logger';
import { createMetrics } from '../../services/metrics';
import { EmbeddedUnderstanding } from '../../services/understanding';

export const i18n = createI18n();
export const replies = new Replies(i18n);

/** Log lines a test can read back (to check that nothing personal is logged). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface HarnessOptions {
  storage?: Storage;
  journeys?: (replies: Replies) => Journey[];
  handoff?: HandoffPort;
}

export function unavailableJourneys(r: Replies): Journey[] {
  return [JOURNEY.report, JOURNEY.findHelp, JOURNEY.teacher, JOURNEY.counsellor].map((id) => new UnavailableJourney(id, r));
}

/** The real bot on a botbuilder TestAdapter, with real understanding and the given storage. */
export function createTestBot(options: HarnessOptions = {}) {
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const metrics = createMetrics();
  const storage = options.storage ?? new MemoryStorage();
  const bot = new HelplineBot({
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    understanding: new EmbeddedUnderstanding(),
    replies,
    journeys: (options.journeys ?? unavailableJourneys)(replies),
    logger,
    metrics,
    handoff: options.handoff,
  });
  const adapter = configureAdapter(new TestAdapter((context) => bot.run(context)), { logger, metrics, replies });
  return { bot, adapter, logs, metrics, storage };
}

/** Sends one message (or button value) and returns every reply the bot sent for it. */
export async function say(adapter: TestAdapter, text: string): Promise<Partial<Activity>[]> {
  adapter.activeQueue.length = 0;
  await adapter.receiveActivity(text);
  const replies = [...adapter.activeQueue];
  adapter.activeQueue.length = 0;
  return replies;
}

export const textsOf = (activities: Partial<Activity>[]): string[] => activities.map((a) => a.text ?? '');
export const buttonsOf = (activity: Partial<Activity> | undefined): string[] =>
  (activity?.suggestedActions?.actions ?? []).map((a) => String(a.value));
export const lastButtons = (activities: Partial<Activity>[]): string[] => buttonsOf(activities[activities.length - 1]);
