import type { Request } from 'restify';
import type { Counsellor, HandoffChat, HandoffStore, Actor } from '../services/handoff/types';
import { BadRequest } from '../services/http/body';
import type { Logger } from '../services/logger';
import type { Account, AccountStore } from './accounts';
import type { AuditLog } from './audit';
import type { LoginGuard } from './loginGuard';
import type { CaseNotes } from './notes';
import { csrfMatches, type Session, type SessionStore } from './sessions';

export const SESSION_COOKIE = 'sm_console';

/** What every console route works with. */
export interface ConsoleContext {
  handoff: HandoffStore;
  accounts: AccountStore;
  sessions: SessionStore;
  guard: LoginGuard;
  audit: AuditLog;
  notes: CaseNotes;
  logger: Logger;
  /** Adds Secure to the cookie (the service is reached over https). */
  secureCookies: boolean;
  /** What the page is told at sign-in: the long-wait limit, and which panels this server offers. */
  settings: ConsoleSettings;
}

export interface ConsoleSettings {
  /** A wait in the queue past this many seconds is highlighted. */
  longWaitSeconds: number;
  /** The case inbox is there (a case store was given). */
  cases: boolean;
  /** The nearest-services panel is there (a directory was given). */
  services: boolean;
}

/** The signed-in console user behind a request. */
export interface Caller {
  session: Session;
  account: Account;
  actor: Actor;
  counsellor: Counsellor;
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(ctx: ConsoleContext, value: string, maxAgeSeconds?: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict'];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  if (ctx.secureCookies) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The caller, or a 401. A change (`change: true`) must also carry the session's CSRF token and, when
 * the browser names an origin, come from this site: SameSite=Strict alone does not cover old browsers.
 */
export async function authenticate(ctx: ConsoleContext, req: Request, change: boolean): Promise<Caller> {
  const session = await ctx.sessions.fromCookie(readCookie(req, SESSION_COOKIE));
  if (!session) throw new BadRequest(401, 'sign in first (no session, or it has expired)');
  const account = await ctx.accounts.get(session.username);
  if (!account) {
    await ctx.sessions.destroy(session.id);
    throw new BadRequest(401, 'this account no longer exists');
  }
  if (change) {
    if (!csrfMatches(session, req.headers['x-csrf-token'])) throw new BadRequest(403, 'missing or wrong X-CSRF-Token header');
    if (!sameOrigin(req)) throw new BadRequest(403, 'request comes from another site');
  }
  return {
    session,
    account,
    actor: { counsellorId: account.username, supervisor: account.role === 'supervisor' },
    counsellor: { id: account.username, alias: account.alias, languages: account.languages },
  };
}

function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function requireSupervisor(caller: Caller): void {
  if (caller.account.role !== 'supervisor') throw new BadRequest(403, 'only a supervisor may do this');
}

/** The chat, if the caller may act on it: their own, or any for a supervisor. */
export async function ownChat(ctx: ConsoleContext, caller: Caller, chatId: string): Promise<HandoffChat> {
  const chat = await ctx.handoff.get(chatId);
  if (!chat) throw new BadRequest(404, 'no such chat');
  if (chat.counsellorId !== caller.account.username && !caller.actor.supervisor) throw new BadRequest(403, 'this chat is not yours');
  return chat;
}

/** The socket's address: the proxy's X-Forwarded-For is not trusted, so it cannot lift the login limit. */
export function clientAddress(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}
