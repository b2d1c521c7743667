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

/**
 * Every adapter (CloudAdapter and each bridge) gets the same error answer and metrics: a short
 * apology with the emergency numbers in the user's language; no stack trace reaches a user.
 */
export function configureAdapter<A extends BotAdapter>(adapter: A, deps: AdapterDeps): A {
  adapter.use(new TurnMetrics(deps.metrics));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const kind = error.name === 'StaleWriteError' || /eTag/.test(error.message) ? 'state_conflict' : /redis|connection|ECONN|timeout/i.test(error.message) ? 'store_unavailable' : 'turn';
    deps.metrics.errors.inc({ kind });
    deps.logger.error({ err: errSummary(error), kind, channel: context.activity.channelId }, 'turn failed');
    try {
      const lang = langOf(context);
      await context.sendActivity(message(`${deps.replies.t(context, 'common:error')}\n${deps.replies.emergencyText(lang)}`));
    } catch (sendError) {
      deps.metrics.errors.inc({ kind: 'send' });
      deps.logger.warn({ err: errSummary(sendError) }, 'could not send the error answer');
    }
  };
  return adapter;
}
