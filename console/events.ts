import type { Request, Response, Server } from 'restify';
import type { LiveSignal, QueueEvent } from '../services/handoff/types';
import { route } from '../services/http/server';
import { authenticate, readCookie, SESSION_COOKIE, type Caller, type ConsoleContext } from './context';

/** A comment line this often keeps proxies from closing a quiet stream and re-checks the session. */
const KEEPALIVE_MS = 20_000;

/**
 * A transient signal as an event without an id (a reconnecting page is not given it again): `typing`
 * {type, chatId, from: 'user', at} for the chat's holder and supervisors; `case` {type, ref, at} for
 * everyone (the page reloads its inbox; the reference only, nothing personal).
 */
function signalFrame(signal: LiveSignal, caller: Caller, at: number): string | null {
  if (signal.type === 'typing') {
    if (signal.from !== 'user' || (signal.counsellorId !== caller.account.username && !caller.actor.supervisor)) return null;
    return `event: typing\ndata: ${JSON.stringify({ type: 'typing', chatId: signal.chatId, from: 'user', at })}\n\n`;
  }
  return `event: case\ndata: ${JSON.stringify({ type: 'case', ref: signal.ref, at })}\n\n`;
}

function frame(event: QueueEvent): string {
  const data = { type: event.type, chatId: event.chatId, at: event.at, counsellorId: event.counsellorId ?? null, from: event.from ?? null };
  return `id: ${event.id}\nevent: queue\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * GET /console/api/events: queue and chat changes as server-sent events (ids and types only, never
 * text: the page fetches what it needs through the checked API), and the live signals (a user
 * typing, a case changed). A reconnecting browser sends
 * Last-Event-ID and is given what it missed. close() ends every stream so the server can stop.
 */
export class ConsoleEvents {
  private readonly open = new Set<Response>();

  constructor(private readonly ctx: ConsoleContext) {}

  register(server: Server): void {
    server.get('/console/api/events', route(this.ctx.logger, (req, res) => this.stream(req, res)));
  }

  private async stream(req: Request, res: Response): Promise<void> {
    const caller = await authenticate(this.ctx, req, false);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    this.open.add(res);
    const replayed = new Set<string>();
    const pending: QueueEvent[] = [];
    let replaying = true;
    const unsubscribe = this.ctx.handoff.onEvent((event) => {
      if (replaying) pending.push(event);
      else if (!replayed.has(event.id)) res.write(frame(event));
    });
    const unsubscribeSignals = this.ctx.handoff.onSignal((signal) => {
      const text = replaying ? null : signalFrame(signal, caller, Date.now());
      if (text) res.write(text);
    });
    const keepalive = setInterval(() => void this.stillSignedIn(req, res), KEEPALIVE_MS);
    res.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
      unsubscribeSignals();
      this.open.delete(res);
    });
    res.write('retry: 2000\n\n');
    const lastId = String(req.headers['last-event-id'] ?? '');
    if (/^[\w-]{1,40}$/.test(lastId)) {
      for (const event of await this.ctx.handoff.events(lastId)) {
        replayed.add(event.id);
        res.write(frame(event));
      }
    }
    replaying = false;
    for (const event of pending) if (!replayed.has(event.id)) res.write(frame(event));
  }

  private async stillSignedIn(req: Request, res: Response): Promise<void> {
    const session = await this.ctx.sessions.fromCookie(readCookie(req, SESSION_COOKIE)).catch(() => null);
    if (session) res.write(': keepalive\n\n');
    else res.end();
  }

  close(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
