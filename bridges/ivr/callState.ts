import type { Redis } from '../../services/redis';
import { isLang, type Lang } from '../../services/i18n';
import type { Plan } from './plan';

/** One choice the bot offered: what is read out, and the value sent back when its key is pressed. */
export interface MenuOption {
  title: string;
  value: string;
}

/**
 * Where a call stands between two webhooks: choosing the language, in the call's main menu, in one
 * of the bot's menus (find help, the teacher's guide, "in danger now"), or answering the callback offer.
 */
export interface CallState {
  step: 'language' | 'main' | 'menu' | 'callback';
  lang?: Lang;
  /** The bot's last menu; with more than 8 options, `offset` is the first one read out now. */
  options: MenuOption[];
  offset: number;
  /** What the caller last heard, replayed on "repeat", no input or a wrong key. */
  lastPlan?: Plan;
  /** No input or a wrong key in a row. */
  misses: number;
  /** The caller went through "in danger now": a callback request is then top priority. */
  urgent: boolean;
  /** The language the bot was told on this call; unset while the bot has had no turn (the main menu needs none). */
  botLang?: Lang;
}

export const newCallState = (): CallState => ({ step: 'language', options: [], offset: 0, misses: 0, urgent: false });

/** A call lasts minutes; state outlives a long pause but not the day. */
export const CALL_STATE_TTL_SECONDS = 2 * 60 * 60;

export interface CallStore {
  get(callSid: string): Promise<CallState | undefined>;
  set(callSid: string, state: CallState): Promise<void>;
  delete(callSid: string): Promise<void>;
}

/** A stored state that does not parse (an older shape, a hand edit) counts as a fresh call. */
function parse(raw: string | null | undefined): CallState | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as CallState;
    if (value.lang !== undefined && !isLang(value.lang)) return undefined;
    if (!['language', 'main', 'menu', 'callback'].includes(value.step)) return undefined;
    return Array.isArray(value.options) ? value : undefined;
  } catch {
    return undefined;
  }
}

export class RedisCallStore implements CallStore {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly ttlSeconds = CALL_STATE_TTL_SECONDS) {}

  private key(callSid: string): string {
    return `${this.prefix}ivr:call:${callSid}`;
  }

  async get(callSid: string): Promise<CallState | undefined> {
    return parse(await this.redis.get(this.key(callSid)));
  }

  async set(callSid: string, state: CallState): Promise<void> {
    await this.redis.set(this.key(callSid), JSON.stringify(state), 'EX', this.ttlSeconds);
  }

  async delete(callSid: string): Promise<void> {
    await this.redis.del(this.key(callSid));
  }
}

const SWEEP_AT = 1000;

/** Demo mode: one process, so a Map with expiry times does. */
export class MemoryCallStore implements CallStore {
  private readonly calls = new Map<string, { raw: string; expiresAt: number }>();

  constructor(private readonly ttlSeconds = CALL_STATE_TTL_SECONDS, private readonly now: () => number = Date.now) {}

  async get(callSid: string): Promise<CallState | undefined> {
    const entry = this.calls.get(callSid);
    if (entry && entry.expiresAt <= this.now()) this.calls.delete(callSid);
    return entry && entry.expiresAt > this.now() ? parse(entry.raw) : undefined;
  }

  async set(callSid: string, state: CallState): Promise<void> {
    // Calls that hung up without a last webhook would otherwise stay forever.
    if (this.calls.size >= SWEEP_AT) for (const [sid, e] of this.calls) if (e.expiresAt <= this.now()) this.calls.delete(sid);
    this.calls.set(callSid, { raw: JSON.stringify(state), expiresAt: this.now() + this.ttlSeconds * 1000 });
  }

  async delete(callSid: string): Promise<void> {
    this.calls.delete(callSid);
  }
}
