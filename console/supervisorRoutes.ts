import type { Server } from 'restify';
import { route, sendJson } from '../services/http/server';
import { authenticate, requireSupervisor, type ConsoleContext } from './context';
import { chatView, queueRow } from './views';

/** A wait past this is highlighted (CONSOLE_LONG_WAIT_SECONDS); the page reads it from /session. */
export const DEFAULT_LONG_WAIT_SECONDS = 300;

/**
 * GET /console/api/supervisor: who is signed in (with the chats each holds), every live chat, the whole
 * queue with the waits over the long-wait limit marked. Supervisors only; each look is audited.
 */
export function registerSupervisorRoutes(server: Server, ctx: ConsoleContext, clock: () => number, longWaitSeconds: number): void {
  server.get('/console/api/supervisor', route(ctx.logger, async (req, res) => {
    const caller = await authenticate(ctx, req, false);
    requireSupervisor(caller);
    const [present, accounts, live, waiting] = await Promise.all([
      ctx.sessions.signedIn(), ctx.accounts.list(), ctx.handoff.listActive(), ctx.handoff.listWaiting(),
    ]);
    await ctx.audit.record(caller.account.username, 'view-supervisor');
    const now = clock();
    const byName = new Map(accounts.map((a) => [a.username, a]));
    sendJson(res, 200, {
      longWaitSeconds,
      signedIn: present.filter((p) => byName.has(p.username)).map((p) => {
        const account = byName.get(p.username)!;
        return {
          username: account.username, alias: account.alias, role: account.role, languages: account.languages, capacity: account.capacity,
          lastSeenSeconds: Math.max(0, Math.round((now - p.lastSeenAt) / 1000)),
          chats: live.filter((c) => c.counsellorId === account.username).length,
        };
      }),
      live: live.map((c) => ({ ...chatView(c, now), heldSeconds: c.claimedAt ? Math.max(0, Math.round((now - c.claimedAt) / 1000)) : null })),
      waiting: waiting.map((c) => {
        const row = queueRow(c, now);
        return { ...row, longWait: row.waitingSeconds >= longWaitSeconds };
      }),
    });
  }));
}
