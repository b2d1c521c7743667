import type { Activity, TestAdapter } from 'botbuilder';
import type { Replies } from '../../bots/replies';
import { ReportDialog } from '../../dialogs/ReportDialog';
import { JOURNEY, UnavailableJourney, type Journey } from '../../dialogs/journeys';
import { ReportSubmitter } from '../../dialogs/report/submit';
import type { CaseStore } from '../../services/cases/types';
import type { HandoffQueue } from '../../services/handoff/types';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { createLogger } from '../../services/logger';
import { createTestBot, i18n, LogCapture } from '../support/botHarness';

const gazetteer = loadGazetteer();

export interface ReportRigOptions {
  store: CaseStore;
  queue?: Pick<HandoffQueue, 'enqueue' | 'open'>;
  /** The report's clock, for the "welcome back" after a long pause. */
  now?: () => number;
}

/** The real bot with the real report journey over the given case store; other journeys stand in. */
export function createReportBot(options: ReportRigOptions) {
  const reportLogs = new LogCapture();
  const submitter = new ReportSubmitter(options.store, createLogger({ level: 'debug', destination: reportLogs }), options.queue);
  const journeys = (replies: Replies): Journey[] => [
    new ReportDialog({ replies, i18n, places: gazetteer, submitter, now: options.now }),
    ...[JOURNEY.findHelp, JOURNEY.teacher, JOURNEY.counsellor].map((id) => new UnavailableJourney(id, replies)),
  ];
  return { ...createTestBot({ journeys }), reportLogs };
}

/** Sends a whole activity (a location, an attachment) and returns the replies, like `say`. */
export async function send(adapter: TestAdapter, activity: Partial<Activity>): Promise<Partial<Activity>[]> {
  adapter.activeQueue.length = 0;
  await adapter.receiveActivity({ type: 'message', ...activity });
  const replies = [...adapter.activeQueue];
  adapter.activeQueue.length = 0;
  return replies;
}
