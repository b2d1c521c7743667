import { LuaScript, type Redis } from '../../services/redis';
import type { InboundMessage } from './webhookPayload';
import { CONTACT_TTL_SECONDS, SEEN_TTL_SECONDS, type Contact, type QueuedMessage, type UserClaim, type WhatsAppStore } from './store';

/**
 * Stores one inbound message, once, in one round trip (the webhook's acknowledgement waits on it).
 * KEYS[1] seen:{wamid}      (string, TTL: de-duplicates Meta's retries)
 * KEYS[2] inbox:{userId}    (stream of the user's waiting messages, field m = message JSON)
 * KEYS[3] contact:{userId}  (hash: n = sealed number, t = last inbound ms, l = language; TTL)
 * KEYS[4] scheduled:{userId} (string: the user is in the ready stream or being processed)
 * KEYS[5] ready             (stream of user ids with waiting messages, read by a consumer group)
 * ARGV[1] message JSON  ARGV[2] user id  ARGV[3] sealed number  ARGV[4] the message's time (ms)
 * ARGV[5] seen TTL (s)  ARGV[6] contact TTL (s)
 * Returns 1 when stored, 0 when the wamid was seen before.
 */
const APPEND = new LuaScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[5]) then return 0 end
redis.call('XADD', KEYS[2], '*', 'm', ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[3], 't') or '0')
redis.call('HSET', KEYS[3], 'n', ARGV[3], 't', math.max(last, tonumber(ARGV[4])))
redis.call('EXPIRE', KEYS[3], ARGV[6])
if redis.call('SET', KEYS[4], '1', 'NX') then redis.call('XADD', KEYS[5], '*', 'u', ARGV[2]) end
return 1
`);

/** Renews a worker's lease on a user if it still holds it (KEYS[1] ready; ARGV[1] group, ARGV[2] consumer, ARGV[3] claim). */
const RENEW_LEASE = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
`;

/**
 * Renews this worker's lease on a user while it still holds it.
 * KEYS[1] ready  ARGV[1] consumer group  ARGV[2] consumer  ARGV[3] the claim's ready entry id
 * Returns 1 when the claim is still ours, 0 when another worker took it over (stop processing).
 */
const RENEW = new LuaScript(RENEW_LEASE);

/**
 * Removes a handled message, then renews the lease as RENEW does.
 * KEYS[1] ready  KEYS[2] inbox:{userId}
 * ARGV[1] consumer group  ARGV[2] consumer  ARGV[3] the claim's ready entry id  ARGV[4] the message's entry id
 * Returns 1 when the claim is still ours, 0 when another worker took it over.
 */
const REMOVE = new LuaScript(`redis.call('XDEL', KEYS[2], ARGV[4])\n${RENEW_LEASE}`);

/**
 * Moves a message the bot keeps failing on to the dead-letter stream.
 * KEYS[1] inbox:{userId}  KEYS[2] dead (stream)
 * ARGV[1] the message's entry id  ARGV[2] message JSON
 */
const DEAD_LETTER = new LuaScript(`
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 10000, '*', 'm', ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
`);

/**
 * Gives a user back once their inbox is empty (atomic with APPEND, so no message is stranded).
 * KEYS[1] inbox:{userId}  KEYS[2] scheduled:{userId}  KEYS[3] ready
 * ARGV[1] consumer group  ARGV[2] the claim's ready entry id
 * Returns 1 when released, 0 when a message is waiting.
 */
const RELEASE = new LuaScript(`
if redis.call('XLEN', KEYS[1]) > 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[3], ARGV[2])
return 1
`);

/**
 * Sets one field of a user's contact, only while it exists (never re-creating one whose number
 * has expired).
 * KEYS[1] contact:{userId}  ARGV[1] field (l = language, c = choices JSON)  ARGV[2] value
 */
const REMEMBER = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
`);

const GROUP = 'whatsapp-workers';

export interface RedisStoreTiming {
  /** A claim not renewed for this long belongs to a dead worker and is taken over. Longer than any turn. */
  leaseMs: number;
  /** How often a worker looks for such claims. */
  reclaimEveryMs: number;
}
const DEFAULT_TIMING: RedisStoreTiming = { leaseMs: 60_000, reclaimEveryMs: 5_000 };

/**
 * The inbox on Redis, for any number of instances: a stream per user keeps their messages in
 * order; a `ready` stream read by one consumer group hands each user to one worker at a time,
 * and a worker that dies leaves its users pending, to be taken over after the lease.
 */
export class RedisWhatsAppStore implements WhatsAppStore {
  private readonly blocking: Redis;
  private groupReady = false;
  private lastReclaim = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly timing: RedisStoreTiming = DEFAULT_TIMING,
  ) {
    // XREADGROUP BLOCK holds its connection, so claims get their own.
    this.blocking = redis.duplicate();
    this.blocking.on('error', () => undefined); // the main connection already reports trouble
  }

  private key(...parts: string[]): string {
    return `${this.prefix}wa:${parts.join(':')}`;
  }

  async append(message: InboundMessage, sealedNumber: string): Promise<'stored' | 'duplicate'> {
    const u = message.userId;
    const stored = await APPEND.run(
      this.redis,
      [this.key('seen', message.wamid), this.key('inbox', u), this.key('contact', u), this.key('scheduled', u), this.key('ready')],
      [JSON.stringify(message), u, sealedNumber, message.sentAt, SEEN_TTL_SECONDS, CONTACT_TTL_SECONDS],
    );
    return stored === 1 ? 'stored' : 'duplicate';
  }

  async claim(consumer: string, max: number, blockMs: number): Promise<UserClaim[]> {
    await this.ensureGroup();
    if (Date.now() - this.lastReclaim > this.timing.reclaimEveryMs) {
      this.lastReclaim = Date.now();
      const [, entries] = (await this.redis.xautoclaim(this.key('ready'), GROUP, consumer, this.timing.leaseMs, '0-0', 'COUNT', max)) as [
        string,
        [string, string[]][],
      ];
      const taken = toClaims(entries);
      if (taken.length > 0) return taken;
    }
    try {
      const result = (await this.blocking.xreadgroup(
        'GROUP', GROUP, consumer, 'COUNT', max, 'BLOCK', blockMs, 'STREAMS', this.key('ready'), '>',
      )) as [string, [string, string[]][]][] | null;
      return result ? toClaims(result[0][1]) : [];
    } catch (err) {
      // Redis restarted without its data: the group is gone with it.
      if (err instanceof Error && err.message.includes('NOGROUP')) this.groupReady = false;
      throw err;
    }
  }

  async head(claim: UserClaim): Promise<QueuedMessage | null> {
    const entries = await this.redis.xrange(this.key('inbox', claim.userId), '-', '+', 'COUNT', 1);
    if (entries.length === 0) return null;
    const [entryId, fields] = entries[0];
    return { entryId, message: JSON.parse(fields[1]) as InboundMessage };
  }

  async remove(claim: UserClaim, consumer: string, entryId: string): Promise<boolean> {
    const kept = await REMOVE.run(this.redis, [this.key('ready'), this.key('inbox', claim.userId)], [GROUP, consumer, claim.ticket, entryId]);
    return kept === 1;
  }

  async renew(claim: UserClaim, consumer: string): Promise<boolean> {
    return (await RENEW.run(this.redis, [this.key('ready')], [GROUP, consumer, claim.ticket])) === 1;
  }

  async deadLetter(claim: UserClaim, entry: QueuedMessage): Promise<void> {
    await DEAD_LETTER.run(this.redis, [this.key('inbox', claim.userId), this.key('dead')], [entry.entryId, JSON.stringify(entry.message)]);
  }

  async release(claim: UserClaim): Promise<boolean> {
    const released = await RELEASE.run(
      this.redis,
      [this.key('inbox', claim.userId), this.key('scheduled', claim.userId), this.key('ready')],
      [GROUP, claim.ticket],
    );
    return released === 1;
  }

  async contact(userId: string): Promise<Contact | null> {
    const fields = await this.redis.hgetall(this.key('contact', userId));
    if (!fields.n) return null;
    return { sealedNumber: fields.n, lastInboundAt: Number(fields.t ?? 0), language: fields.l, choices: fields.c };
  }

  async remember(userId: string, what: 'language' | 'choices', value: string): Promise<void> {
    await REMEMBER.run(this.redis, [this.key('contact', userId)], [what === 'language' ? 'l' : 'c', value]);
  }

  async close(): Promise<void> {
    this.blocking.disconnect();
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.redis.xgroup('CREATE', this.key('ready'), GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) throw err;
    }
    this.groupReady = true;
  }
}

function toClaims(entries: [string, string[] | null][]): UserClaim[] {
  // An entry deleted while pending comes back with no fields: nothing to claim.
  return entries.filter(([, fields]) => fields && fields[1]).map(([ticket, fields]) => ({ userId: (fields as string[])[1], ticket }));
}
