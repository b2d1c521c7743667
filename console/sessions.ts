import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleKv } from './kv';

export interface Session {
  id: string;
  username: string;
  /** Sent back by the page in X-CSRF-Token on every change. */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionTimings {
  /** A session unused this long is over. */
  idleMs: number;
  /** A session is over this long after sign-in, however busy (one shift). */
  maxAgeMs: number;
}

export interface Presence {
  username: string;
  lastSeenAt: number;
}

const PRESENCE = 'presence';

/** Touch the session at most this often (or a quarter of the idle time), so a busy page does not write on every call. */
const TOUCH_EVERY_MS = 15_000;

/**
 * Server-side sessions: the cookie carries only a random id and its HMAC under CONSOLE_SESSION_SECRET,
 * so a guessed or altered cookie is refused before any lookup, and signing out really ends the session.
 */
export class SessionStore {
  constructor(
    private readonly kv: ConsoleKv,
    private readonly secret: string,
    private readonly timings: SessionTimings,
    private readonly clock: () => number = Date.now,
  ) {}

  private sign(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest('base64url');
  }

  async create(username: string): Promise<{ session: Session; cookie: string }> {
    const now = this.clock();
    const session: Session = {
      id: randomBytes(24).toString('base64url'), username, csrfToken: randomBytes(24).toString('base64url'), createdAt: now, lastSeenAt: now,
    };
    await this.kv.setJson(`session:${session.id}`, session, this.timings.idleMs);
    await this.kv.hashSet(PRESENCE, username, { username, lastSeenAt: now });
    return { session, cookie: `${session.id}.${this.sign(session.id)}` };
  }

  /** The live session a cookie names, touched; null when forged, unknown, idle too long or too old. */
  async fromCookie(cookie: string | undefined): Promise<Session | null> {
    const [id, mac] = (cookie ?? '').split('.');
    if (!id || !mac) return null;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const session = await this.kv.getJson<Session>(`session:${id}`);
    const now = this.clock();
    if (!session) return null;
    if (now - session.lastSeenAt > this.timings.idleMs || now - session.createdAt > this.timings.maxAgeMs) {
      await this.destroy(id);
      return null;
    }
    if (now - session.lastSeenAt > Math.min(TOUCH_EVERY_MS, this.timings.idleMs / 4)) {
      session.lastSeenAt = now;
      await this.kv.setJson(`session:${id}`, session, this.timings.idleMs);
      await this.kv.hashSet(PRESENCE, session.username, { username: session.username, lastSeenAt: now });
    }
    return session;
  }

  async destroy(id: string): Promise<void> {
    const session = await this.kv.getJson<Session>(`session:${id}`);
    await this.kv.del(`session:${id}`);
    if (session) await this.kv.hashDel(PRESENCE, session.username);
  }

  /**
   * Who is signed in: users whose session was used within the idle time (the page's heartbeat keeps
   * it so), newest first. Signing out takes a user off at once; a closed tab after the idle time.
   */
  async signedIn(): Promise<Presence[]> {
    const now = this.clock();
    const all = await this.kv.hashAll<Presence>(PRESENCE);
    // One entry per account at most, so the hash stays small without trimming.
    return all.filter((p) => now - p.lastSeenAt <= this.timings.idleMs).sort((a, b) => b.lastSeenAt - a.lastSeenAt);
  }
}

/** true when the header carries the session's token (constant-time). */
export function csrfMatches(session: Session, header: string | string[] | undefined): boolean {
  const given = Buffer.from(typeof header === 'string' ? header : '');
  const expected = Buffer.from(session.csrfToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
