import type { BotAdapter, Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../services/logger';
import type { Metrics } from '../services/metrics';
import { errSummary } from '../services/http/server';
import { message, type Replies } from './replies';
import { langOf } from './state';

export interface AdapterDeps {
  logger: Logger;
  metrics: Metrics;
  replies: Replies;
}

/** Counts turns and their latency by channel. It never blocks or fails a turn. */
class TurnMetrics implements Middleware {
  constructor(private readonly metrics: Metrics) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const channel = context.activity.channelId ?? 'unknown';
    const end = this.metrics.turnSeconds.startTimer({ channel });
    try {
      await next();
    } finally {
      end();
      this.metrics.turns.inc({ channel });
    }
  }
}

function errorKind(error: Error): 'state_conflict' | 'store_unavailable' | 'turn' {
  if (error.name === 'StaleWriteError' || /eTag/.test(error.message)) return 'state_conflict';
  // ioredis's words for a connection that is down, closed, or too slow to answer.
  if (/Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|max retries|redis/i.test(error.message)) return 'store_unavailable';
  return 'turn';
}

/**
 * Every adapter (CloudAdapter and each bridge) gets the same error answer and metrics: a short
 * apology with the emergency numbers in the user's language; no stack trace reaches a user.
 */
export function configureAdapter<A extends BotAdapter>(adapter: A, deps: AdapterDeps): A {
  adapter.use(new TurnMetrics(deps.metrics));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const kind = errorKind(error);
    deps.metrics.errors.inc({ kind });
    deps.logger.error({ err: errSummary(error), kind, channel: context.activity.channelId }, 'turn failed');
    try {
      const lang = langOf(context);
      // When the stores are away, counsellors cannot be reached either: say so plainly and point to 1098.
      const apology = kind === 'store_unavailable' ? 'common:storeDown' : 'common:error';
      await context.sendActivity(message(`${deps.replies.t(context, apology)}\n${deps.replies.emergencyText(lang)}`));
    } catch (sendError) {
      deps.metrics.errors.inc({ kind: 'send' });
      deps.logger.warn({ err: errSummary(sendError) }, 'could not send the error answer');
    }
  };
  return adapter;
}
