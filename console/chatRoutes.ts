import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { ChatResult, HandoffChat, TransferTarget } from '../services/handoff/types';
import { BadRequest, readJsonObject } from '../services/http/body';
import { route, sendJson } from '../services/http/server';
import { isLang, LANGUAGES, loadResources, type Lang } from '../services/i18n';
import type { CaseStore } from '../services/cases/types';
import { DISPOSITION_REFERRALS, referFromChat } from './caseRoutes';
import { authenticate, ownChat, requireSupervisor, type Caller, type ConsoleContext } from './context';
import { MAX_NOTE_CHARS } from './notes';
import { chatView, messageView, queueRow } from './views';

/** How a counsellor closes a chat: what became of it, for the case record and the figures. */
export const DISPOSITIONS = [
  'resolved', 'referred-police', 'referred-cwc', 'referred-one-stop-centre', 'referred-dcpu',
  'callback-needed', 'silent-or-abusive', 'test',
] as const;

export const MAX_MESSAGE_CHARS = 2000;
const CHANGE_BODY_BYTES = 16 * 1024;
const CHAT_ID = /^[\w-]{1,64}$/;
const MSG_ID = /^[\w-]{8,64}$/;

type ApiHandler = (caller: Caller, req: Request, res: Response) => Promise<void>;

function chatId(req: Request): string {
  const id = String(req.params?.id ?? '');
  if (!CHAT_ID.test(id)) throw new BadRequest(400, 'chat id is malformed');
  return id;
}

function refused(result: ChatResult): HandoffChat {
  if (result.ok) return result.chat;
  switch (result.reason) {
    case 'not-found': throw new BadRequest(404, 'no such chat');
    case 'not-waiting': throw new BadRequest(409, 'someone else has already taken this chat');
    case 'not-active': throw new BadRequest(409, 'this chat is no longer active');
    case 'not-yours': throw new BadRequest(403, 'this chat is not yours');
  }
}

/** The body's `text`, trimmed, of 1 to `max` characters. */
function textField(body: Record<string, unknown>, max: number): string {
  const text = typeof body.text === 'string' ? body.text.trim() : '';
  if (text.length === 0 || text.length > max) throw new BadRequest(400, `text must be 1-${max} characters`);
  return text;
}

function afterParam(req: Request): string | undefined {
  const after = new URL(req.url ?? '/', 'http://console').searchParams.get('after') ?? undefined;
  // A message id as the stores make them: digits, and in Redis a dash and a sequence (a stream id). Anything
  // else, a letter included, would reach XRANGE as an invalid id and fail there.
  if (after !== undefined && !/^\d{1,19}(?:-\d{1,19})?$/.test(after)) throw new BadRequest(400, 'after is malformed');
  return after;
}

/**
 * The queue, claims, the live chat, transfer and close (a referral closes into the chat's case, when
 * `cases` is given): each call checks the session, the role and whose chat it is.
 */
export function registerChatRoutes(server: Server, ctx: ConsoleContext, clock: () => number, cases?: CaseStore): void {
  const read = (handler: ApiHandler) => route(ctx.logger, async (req, res) => handler(await authenticate(ctx, req, false), req, res));
  const change = (handler: ApiHandler) => route(ctx.logger, async (req, res) => handler(await authenticate(ctx, req, true), req, res));

  const claimed = async (caller: Caller, chat: HandoffChat, res: Response) => {
    await ctx.audit.record(caller.account.username, 'claim', chat.id);
    sendJson(res, 200, { chat: chatView(chat, clock()) });
  };
  const checkCapacity = async (caller: Caller) => {
    const held = await ctx.handoff.listActive(caller.account.username);
    if (held.length >= caller.account.capacity) throw new BadRequest(409, `you already hold ${held.length} chats, your capacity`);
  };

  server.get('/console/api/queue', read(async (caller, _req, res) => {
    const [waiting, mine, online] = await Promise.all([
      ctx.handoff.listWaiting(),
      ctx.handoff.listActive(caller.actor.supervisor ? undefined : caller.account.username),
      ctx.handoff.counsellorsOnline(),
    ]);
    const now = clock();
    sendJson(res, 200, { waiting: waiting.map((c) => queueRow(c, now)), active: mine.map((c) => chatView(c, now)), counsellorsOnline: online });
  }));

  server.post('/console/api/heartbeat', change(async (caller, _req, res) => {
    await ctx.handoff.heartbeat(caller.account.username);
    sendJson(res, 200, { ok: true });
  }));

  server.post('/console/api/queue/next', change(async (caller, _req, res) => {
    await checkCapacity(caller);
    const chat = await ctx.handoff.claimNext(caller.counsellor);
    if (!chat) throw new BadRequest(404, 'no chat is waiting in your languages');
    await claimed(caller, chat, res);
  }));

  server.post('/console/api/chats/:id/claim', change(async (caller, req, res) => {
    const id = chatId(req);
    await checkCapacity(caller);
    await claimed(caller, refused(await ctx.handoff.claim(id, caller.counsellor)), res);
  }));

  server.get('/console/api/chats/:id', read(async (caller, req, res) => {
    const chat = await ownChat(ctx, caller, chatId(req));
    await ctx.audit.record(caller.account.username, 'open-chat', chat.id);
    const [messages, notes] = await Promise.all([ctx.handoff.messages(chat.id), ctx.notes.list(chat.id)]);
    sendJson(res, 200, { chat: chatView(chat, clock()), messages: messages.map(messageView), notes });
  }));

  server.get('/console/api/chats/:id/messages', read(async (caller, req, res) => {
    const chat = await ownChat(ctx, caller, chatId(req));
    const messages = await ctx.handoff.messages(chat.id, afterParam(req));
    sendJson(res, 200, { state: chat.state, messages: messages.map(messageView) });
  }));

  server.post('/console/api/chats/:id/messages', change(async (caller, req, res) => {
    const id = chatId(req);
    const body = await readJsonObject(req, CHANGE_BODY_BYTES);
    const text = textField(body, MAX_MESSAGE_CHARS);
    if (body.msgId !== undefined && (typeof body.msgId !== 'string' || !MSG_ID.test(body.msgId))) throw new BadRequest(400, 'msgId must be 8-64 letters, digits, _ or -');
    await ownChat(ctx, caller, id);
    const msgId = `console:${typeof body.msgId === 'string' ? body.msgId : randomUUID()}`;
    const stored = await ctx.handoff.post(id, { msgId, from: 'counsellor', to: 'user', text }, caller.actor);
    if (!stored) throw new BadRequest(409, 'this chat is no longer active');
    await ctx.audit.record(caller.account.username, 'send', id);
    sendJson(res, 200, { message: messageView(stored) });
  }));

  server.post('/console/api/chats/:id/notes', change(async (caller, req, res) => {
    const id = chatId(req);
    const body = await readJsonObject(req, CHANGE_BODY_BYTES);
    const text = textField(body, MAX_NOTE_CHARS);
    await ownChat(ctx, caller, id);
    const note = await ctx.notes.add(id, caller.account.username, text);
    await ctx.audit.record(caller.account.username, 'note', id);
    sendJson(res, 200, { note });
  }));

  server.post('/console/api/chats/:id/transfer', change(async (caller, req, res) => {
    const id = chatId(req);
    const body = await readJsonObject(req, CHANGE_BODY_BYTES);
    let target: TransferTarget;
    if (typeof body.to === 'string') {
      const colleague = await ctx.accounts.get(body.to);
      if (!colleague) throw new BadRequest(404, 'no such colleague');
      target = { counsellor: { id: colleague.username, alias: colleague.alias, languages: colleague.languages } };
    } else if (isLang(body.queueLanguage)) {
      target = { queueLanguage: body.queueLanguage };
    } else {
      throw new BadRequest(400, 'give "to" (a user name) or "queueLanguage" (as, hi or en)');
    }
    const chat = refused(await ctx.handoff.transfer(id, caller.actor, target));
    await ctx.audit.record(caller.account.username, 'transfer', id, 'counsellor' in target ? `to:${target.counsellor.id}` : `queue:${target.queueLanguage}`);
    sendJson(res, 200, { chat: chatView(chat, clock()) });
  }));

  server.post('/console/api/chats/:id/close', change(async (caller, req, res) => {
    const id = chatId(req);
    const body = await readJsonObject(req, CHANGE_BODY_BYTES);
    const disposition = body.disposition;
    if (typeof disposition !== 'string' || !(DISPOSITIONS as readonly string[]).includes(disposition)) {
      throw new BadRequest(400, `disposition must be one of ${DISPOSITIONS.join(', ')}`);
    }
    const chat = refused(await ctx.handoff.end(id, caller.actor, disposition));
    await ctx.audit.record(caller.account.username, 'close', id, disposition);
    const referredTo = DISPOSITION_REFERRALS[disposition];
    const referred = cases && chat.caseRef && referredTo
      ? await referFromChat(ctx, cases, caller.account.username, chat.caseRef, referredTo, clock())
      : null;
    sendJson(res, 200, { chat: chatView(chat, clock()), caseReferral: referred ? { ref: referred.ref, to: referredTo, at: referred.referredAt ?? null } : null });
  }));

  // Transient: not kept, not audited, not queued; the user's channel shows it where it can.
  server.post('/console/api/chats/:id/typing', change(async (caller, req, res) => {
    const chat = await ownChat(ctx, caller, chatId(req));
    if (chat.state !== 'active') throw new BadRequest(409, 'this chat is no longer active');
    await ctx.handoff.signal({ type: 'typing', chatId: chat.id, from: 'counsellor', counsellorId: chat.counsellorId });
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
  }));

  const canned = cannedReplies();
  server.get('/console/api/canned', read(async (_caller, _req, res) => sendJson(res, 200, { canned })));

  server.get('/console/api/colleagues', read(async (_caller, _req, res) => {
    const accounts = await ctx.accounts.list();
    sendJson(res, 200, { colleagues: accounts.map((a) => ({ username: a.username, alias: a.alias, languages: a.languages })) });
  }));

  server.get('/console/api/audit', read(async (caller, _req, res) => {
    requireSupervisor(caller);
    await ctx.audit.record(caller.account.username, 'view-audit');
    sendJson(res, 200, { entries: await ctx.audit.latest() });
  }));
}

/** Quick replies in each language (locales/<lng>/console.json), with {{alias}} left for the page to fill. */
function cannedReplies(): Record<Lang, Record<string, string>> {
  const resources = loadResources();
  return Object.fromEntries(LANGUAGES.map((l) => [l, (resources[l].console?.canned ?? {}) as Record<string, string>])) as Record<Lang, Record<string, string>>;
}
