import type { Request, Response, Server } from 'restify';
import { CASE_REF_PATTERN } from '../services/cases/caseRef';
import { CASE_KINDS, CASE_STATUSES, type CaseFilter, type CaseKind, type CaseRecord, type CaseStatus, type CaseStore, type CaseWorkChange } from '../services/cases/types';
import { BadRequest, readJsonObject } from '../services/http/body';
import { route, sendJson } from '../services/http/server';
import { CATEGORIES, type Category } from '../services/understanding/types';
import { authenticate, type Caller, type ConsoleContext } from './context';
import { MAX_NOTE_CHARS } from './notes';

/** Where a case may be referred: the bodies a Childline counsellor passes a case to. */
export const REFERRAL_BODIES = ['police', 'sjpu', 'cwc', 'one-stop-centre', 'dcpu', 'dlsa', 'health', 'other'] as const;
export type ReferralBody = (typeof REFERRAL_BODIES)[number];
/** The chat dispositions that are referrals, and the body each names (police covers its SJPU). */
export const DISPOSITION_REFERRALS: Readonly<Record<string, ReferralBody>> = {
  'referred-police': 'police', 'referred-cwc': 'cwc', 'referred-one-stop-centre': 'one-stop-centre', 'referred-dcpu': 'dcpu',
};

/**
 * A chat closed as a referral: its case records the body and the time, becomes `referred`, and the
 * audit log says so. Null when there is no such case (any more).
 */
export async function referFromChat(ctx: ConsoleContext, cases: CaseStore, actor: string, ref: string, to: ReferralBody, at: number): Promise<CaseRecord | null> {
  const result = await cases.update(ref, { referredTo: to, referredAt: at, updatedBy: actor, updatedAt: at }, { status: 'referred' });
  if (typeof result === 'string') return null;
  await ctx.audit.recordCase(actor, 'update-case', ref, `referral:${to} status:referred (chat closed)`);
  return result;
}

/** What became of a callback: rung and spoken, rung with no answer, nothing more to do. */
export const CALLBACK_OUTCOMES = ['called', 'no-answer', 'done'] as const;
/** The statuses a counsellor sets; `queued` and `in_progress` belong to the bot and the queue. */
export const SETTABLE_STATUSES = ['new', 'assigned', 'referred', 'closed'] as const satisfies readonly CaseStatus[];

const CHANGE_BODY_BYTES = 16 * 1024;
const MAX_LIST = 200;
/** A referral may be recorded as made a little ahead of this server's clock, never in the future. */
const CLOCK_SKEW_MS = 5 * 60_000;

type ApiHandler = (caller: Caller, req: Request, res: Response) => Promise<void>;

function caseRef(req: Request): string {
  const ref = String(req.params?.ref ?? '').toUpperCase();
  if (!CASE_REF_PATTERN.test(ref)) throw new BadRequest(400, 'case reference is malformed (SM- and 6 letters or digits)');
  return ref;
}

/** An IVR callback request: marked as such since it was added, or (older ones) an IVR case with a number. */
export function caseKind(record: CaseRecord): CaseKind {
  return record.kind ?? (record.channel === 'ivr' && record.phone ? 'callback' : 'report');
}

/** A case in the inbox list: no details, no phone number (only whether there is one). */
export function caseRow(record: CaseRecord, now: number) {
  return {
    ref: record.ref,
    kind: caseKind(record),
    status: record.status,
    category: record.category,
    risk: record.risk,
    dangerNow: record.dangerNow,
    district: record.district ?? null,
    language: record.language,
    channel: record.channel,
    reporter: record.reporter,
    age: record.age ?? null,
    gender: record.gender ?? null,
    when: record.when ?? null,
    createdAt: record.createdAt,
    waitingSeconds: Math.max(0, Math.round((now - record.createdAt) / 1000)),
    assignee: record.assignee ?? null,
    referral: record.referredTo ? { to: record.referredTo, at: record.referredAt ?? null } : null,
    callback: record.callbackOutcome ? { outcome: record.callbackOutcome, at: record.callbackAt ?? null } : null,
    hasPhone: record.phone !== undefined,
    hasDetails: record.details !== undefined,
    chatId: record.handoffChatId ?? null,
    updatedBy: record.updatedBy ?? null,
    updatedAt: record.updatedAt ?? null,
  };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new BadRequest(400, `${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * The case inbox: every report the report journey stored (anonymous ones included) and every IVR
 * callback request. Any counsellor may list and open a case (each opening is audited: the details
 * are shown, never logged); a case is changed by whoever holds it, by anyone while nobody does, and
 * always by a supervisor. The phone number is given only by reveal-phone, to whoever holds the case
 * or a supervisor, and every reveal is audited.
 */
export function registerCaseRoutes(server: Server, ctx: ConsoleContext, cases: CaseStore, clock: () => number): void {
  const read = (handler: ApiHandler) => route(ctx.logger, async (req, res) => handler(await authenticate(ctx, req, false), req, res));
  const change = (handler: ApiHandler) => route(ctx.logger, async (req, res) => handler(await authenticate(ctx, req, true), req, res));

  const found = async (ref: string): Promise<CaseRecord> => {
    const record = await cases.get(ref);
    if (!record) throw new BadRequest(404, 'no such case (or it is past its retention time)');
    return record;
  };
  const mayChange = (caller: Caller, record: CaseRecord): void => {
    if (caller.actor.supervisor || !record.assignee || record.assignee === caller.account.username) return;
    throw new BadRequest(403, `this case is held by ${record.assignee}`);
  };

  server.get('/console/api/cases', read(async (caller, req, res) => {
    const query = new URL(req.url ?? '/', 'http://console').searchParams;
    const filter: CaseFilter = {};
    const district = query.get('district');
    if (district) {
      if (!/^[a-z0-9-]{1,60}$/.test(district)) throw new BadRequest(400, 'district must be a district id such as kamrup-metropolitan');
      filter.district = district;
    }
    if (query.get('category')) filter.category = oneOf<Category>(query.get('category'), CATEGORIES, 'category');
    if (query.get('risk')) filter.risk = oneOf(query.get('risk'), ['high', 'normal'] as const, 'risk');
    if (query.get('status')) filter.status = oneOf(query.get('status'), CASE_STATUSES, 'status');
    const kind = query.get('kind') ? oneOf(query.get('kind'), CASE_KINDS, 'kind') : undefined;
    const assignee = query.get('assignee');
    if (assignee && assignee !== 'me' && assignee !== 'none') throw new BadRequest(400, 'assignee must be me or none');
    const now = clock();
    const rows = (await cases.list(filter, MAX_LIST))
      .filter((c) => !kind || caseKind(c) === kind)
      .filter((c) => !assignee || (assignee === 'me' ? c.assignee === caller.account.username : !c.assignee))
      .map((c) => caseRow(c, now));
    sendJson(res, 200, { cases: rows, statuses: CASE_STATUSES, categories: CATEGORIES, settableStatuses: SETTABLE_STATUSES, referralBodies: REFERRAL_BODIES, callbackOutcomes: CALLBACK_OUTCOMES });
  }));

  server.get('/console/api/cases/:ref', read(async (caller, req, res) => {
    const record = await found(caseRef(req));
    await ctx.audit.recordCase(caller.account.username, 'view-case', record.ref);
    const notes = await ctx.notes.list(`case:${record.ref}`);
    // The details are the reporter's words: sent to the page (rendered as text there), never logged.
    sendJson(res, 200, { case: { ...caseRow(record, clock()), details: record.details ?? null }, notes });
  }));

  server.post('/console/api/cases/:ref', change(async (caller, req, res) => {
    const ref = caseRef(req);
    const body = await readJsonObject(req, CHANGE_BODY_BYTES);
    const known = new Set(['assignee', 'status', 'referral', 'callback', 'note']);
    const unknown = Object.keys(body).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new BadRequest(400, `unknown field(s): ${unknown.join(', ')}; give assignee, status, referral, callback or note`);
    if (Object.keys(body).length === 0) throw new BadRequest(400, 'give at least one of assignee, status, referral, callback, note');
    const now = clock();
    const me = caller.account.username;
    const work: CaseWorkChange = {};
    let status: CaseStatus | undefined = body.status === undefined ? undefined : oneOf(body.status, SETTABLE_STATUSES, 'status');
    const details: string[] = [];

    if (body.assignee !== undefined) {
      if (body.assignee === null) work.assignee = null;
      else if (typeof body.assignee !== 'string') throw new BadRequest(400, 'assignee must be a user name, "me", or null');
      else {
        const name = body.assignee === 'me' ? me : body.assignee.trim().toLowerCase();
        const colleague = await ctx.accounts.get(name);
        if (!colleague) throw new BadRequest(404, 'no such colleague');
        work.assignee = colleague.username;
      }
      details.push(`assignee:${work.assignee ?? 'none'}`);
    }
    if (body.referral !== undefined) {
      if (body.referral === null) {
        work.referredTo = null;
        work.referredAt = null;
        details.push('referral:none');
      } else {
        const referral = body.referral as Record<string, unknown>;
        if (typeof referral !== 'object' || Array.isArray(referral)) throw new BadRequest(400, 'referral must be {to, at?}');
        work.referredTo = oneOf(referral.to, REFERRAL_BODIES, 'referral.to');
        const at = referral.at === undefined ? now : referral.at;
        if (typeof at !== 'number' || !Number.isInteger(at) || at <= 0 || at > now + CLOCK_SKEW_MS) {
          throw new BadRequest(400, 'referral.at must be a time in milliseconds, not in the future');
        }
        work.referredAt = at;
        details.push(`referral:${work.referredTo}`);
      }
    }
    if (body.callback !== undefined) {
      work.callbackOutcome = oneOf(body.callback, CALLBACK_OUTCOMES, 'callback');
      work.callbackAt = now;
      details.push(`callback:${work.callbackOutcome}`);
    }
    let note: string | undefined;
    if (body.note !== undefined) {
      note = typeof body.note === 'string' ? body.note.trim() : '';
      if (note.length === 0 || note.length > MAX_NOTE_CHARS) throw new BadRequest(400, `note must be 1-${MAX_NOTE_CHARS} characters`);
    }

    const record = await found(ref);
    mayChange(caller, record);
    if (work.callbackOutcome && caseKind(record) !== 'callback' && !record.phone) throw new BadRequest(409, 'this case has no number to call back');
    // What follows from the change when no status is given: taken → assigned, referred → referred, done → closed.
    if (!status) {
      if (work.callbackOutcome === 'done') status = 'closed';
      else if (work.referredTo) status = 'referred';
      else if (work.assignee && ['new', 'queued'].includes(record.status)) status = 'assigned';
      else if (work.assignee === null && record.status === 'assigned') status = 'new';
    }
    if (status) details.push(`status:${status}`);

    let updated: CaseRecord = record;
    if (Object.keys(work).length > 0 || status) {
      const result = await cases.update(ref, { ...work, updatedBy: me, updatedAt: now }, { status, expectAssignee: caller.actor.supervisor ? undefined : record.assignee ?? '' });
      if (result === 'not-found') throw new BadRequest(404, 'no such case (or it is past its retention time)');
      if (result === 'conflict') throw new BadRequest(409, 'someone else has just taken this case; reload it');
      updated = result;
      await ctx.audit.recordCase(me, 'update-case', ref, details.join(' '));
    }
    if (note) {
      await ctx.notes.add(`case:${ref}`, me, note);
      await ctx.audit.recordCase(me, 'case-note', ref);
    }
    sendJson(res, 200, { case: { ...caseRow(updated, now), details: updated.details ?? null }, notes: await ctx.notes.list(`case:${ref}`) });
  }));

  server.post('/console/api/cases/:ref/reveal-phone', change(async (caller, req, res) => {
    const record = await found(caseRef(req));
    if (!record.phone) throw new BadRequest(404, 'this case has no phone number (the reporter gave none, or did not agree to be called)');
    if (!caller.actor.supervisor && record.assignee !== caller.account.username) throw new BadRequest(403, 'take the case first: only whoever holds it sees the number');
    await ctx.audit.recordCase(caller.account.username, 'reveal-phone', record.ref);
    sendJson(res, 200, { phone: record.phone });
  }));
}
