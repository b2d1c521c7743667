import type { Server } from 'restify';
import { BadRequest, readJsonObject } from '../services/http/body';
import { route, sendJson } from '../services/http/server';
import { normalUsername } from './accounts';
import { authenticate, clientAddress, sessionCookie, type ConsoleContext } from './context';
import { userView } from './views';

const LOGIN_BODY_BYTES = 4096;

function field(body: Record<string, unknown>, name: string, max: number): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new BadRequest(400, `${name} must be a string of 1-${max} characters`);
  return value;
}

/** Sign in, sign out, and "who am I" (a reloaded page picks up its session and CSRF token). */
export function registerAuthRoutes(server: Server, ctx: ConsoleContext): void {
  server.post('/console/api/login', route(ctx.logger, async (req, res) => {
    const body = await readJsonObject(req, LOGIN_BODY_BYTES);
    // A name that cannot exist is refused like a wrong password, counted and recorded under one placeholder.
    const username = normalUsername(field(body, 'username', 64)) ?? '(not a user name)';
    const password = field(body, 'password', 256);
    const refusal = await ctx.guard.admit(clientAddress(req), username);
    if (refusal) {
      await ctx.audit.record(username, 'login-refused', undefined, refusal);
      throw new BadRequest(429, refusal === 'locked' ? 'this account is locked for a while after wrong passwords' : 'too many sign-in attempts; wait a while');
    }
    const account = await ctx.accounts.verify(username, password);
    if (!account) {
      const locked = await ctx.guard.failed(username);
      await ctx.audit.record(username, 'login-refused', undefined, locked ? 'locked' : 'wrong-password');
      throw new BadRequest(401, 'wrong user name or password');
    }
    await ctx.guard.succeeded(username);
    const { session, cookie } = await ctx.sessions.create(account.username);
    await ctx.audit.record(account.username, 'login');
    res.setHeader('set-cookie', sessionCookie(ctx, cookie));
    sendJson(res, 200, { csrfToken: session.csrfToken, user: userView(account), settings: ctx.settings });
  }));

  server.post('/console/api/logout', route(ctx.logger, async (req, res) => {
    const caller = await authenticate(ctx, req, true);
    await ctx.sessions.destroy(caller.session.id);
    await ctx.audit.record(caller.account.username, 'logout');
    res.setHeader('set-cookie', sessionCookie(ctx, '', 0));
    sendJson(res, 200, { ok: true });
  }));

  server.get('/console/api/session', route(ctx.logger, async (req, res) => {
    const caller = await authenticate(ctx, req, false);
    sendJson(res, 200, { csrfToken: caller.session.csrfToken, user: userView(caller.account), settings: ctx.settings });
  }));
}
