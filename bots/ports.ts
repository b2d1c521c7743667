import type { TurnContext } from 'botbuilder';
import type { Understood } from '../services/understanding';

/**
 * What the bot asks of the handoff service on each turn. The bot knows nothing of queues or
 * counsellors beyond this.
 */
export interface HandoffPort {
  /**
   * When a counsellor holds (or the queue keeps) this conversation, passes the user's message on
   * and returns true: the bot then stays silent.
   */
  relayIfHeld(context: TurnContext, understood: Understood | undefined): Promise<boolean>;
  /** The user is typing (a 'typing' activity): passed to their counsellor's console, if one holds the chat. */
  relayTyping?(context: TurnContext): Promise<boolean>;
  /** The safe word: leave the queue or end the chat at once. */
  endForUser(context: TurnContext): Promise<void>;
  /** An external agent hub's `handoff.status` event (HANDOFF_MODE=botframework): answered, true; anything else, false. */
  answerHandoffStatus?(context: TurnContext): Promise<boolean>;
}
