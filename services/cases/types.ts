import type { Category } from '../understanding/types';
import type { Lang } from '../i18n';

/** Who is telling: a child about themselves, a parent or family member, a teacher, someone else. */
export const REPORTERS = ['child', 'family', 'teacher', 'other'] as const;
export type Reporter = (typeof REPORTERS)[number];

export const AGE_BANDS = ['under6', '6to11', '12to14', '15to17', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const GENDERS = ['girl', 'boy', 'other', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

export const WHEN = ['today', 'thisWeek', 'earlier', 'ongoing'] as const;
export type When = (typeof WHEN)[number];

/**
 * new: waits in the store for the console; queued: also handed to the counsellors' queue as a chat;
 * in_progress: being worked; assigned: a counsellor took it in the console's case inbox; referred:
 * passed to a body (police/SJPU, CWC, One Stop Centre, DCPU...); closed: nothing more to do.
 */
export const CASE_STATUSES = ['new', 'queued', 'in_progress', 'assigned', 'referred', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export type CaseRisk = 'high' | 'normal';

/** What the report journey hands over once the reporter consented to pass it to Childline. */
export interface NewCase {
  reporter: Reporter;
  category: Category;
  risk: CaseRisk;
  /** The reporter said the child is in danger right now. */
  dangerNow: boolean;
  /** District id of the gazetteer; never a point or an address. */
  district?: string;
  age?: AgeBand;
  gender?: Gender;
  when?: When;
  /** Free text in the reporter's words; encrypted at rest. */
  details?: string;
  /** Only with `contactConsentAt`; encrypted at rest. */
  phone?: string;
  /** When the reporter agreed to be called on `phone` (ms). */
  contactConsentAt?: number;
  /** When the reporter agreed to pass the report to Childline (ms). Nothing is stored without it. */
  shareConsentAt: number;
  language: Lang;
  channel: string;
  /** 'callback': an IVR caller asked to be rung back (the phone is the number to ring); absent for a report. */
  kind?: CaseKind;
}

export const CASE_KINDS = ['report', 'callback'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** What the console records as a case is worked: plain fields of the case, never sealed (no personal data). */
export interface CaseWork {
  /** The console user name of the counsellor who holds the case. */
  assignee?: string;
  /** The body the case was referred to (see the console's REFERRAL_BODIES) and when (ms). */
  referredTo?: string;
  referredAt?: number;
  /** A callback request's last outcome: called, no-answer or done, and when (ms). */
  callbackOutcome?: string;
  callbackAt?: number;
  /** Who last changed the case in the console, and when (ms). */
  updatedBy?: string;
  updatedAt?: number;
}

/** A change to a case's work fields: a value sets the field, null clears it. */
export type CaseWorkChange = { [K in keyof CaseWork]?: CaseWork[K] | null };

export interface CaseRecord extends NewCase, CaseWork {
  /** `SM-` and 6 characters of Crockford base32: what the reporter quotes. */
  ref: string;
  status: CaseStatus;
  createdAt: number;
  /** The whole record is deleted at this time (RETENTION_DAYS after creation). */
  expiresAt: number;
  /** The handoff chat the case was queued with, if any. */
  handoffChatId?: string;
}

/** The indexes the console filters by; every filter given must match. */
export interface CaseFilter {
  status?: CaseStatus;
  district?: string;
  category?: Category;
  risk?: CaseRisk;
}

export interface CaseStore {
  /** Stores a case under a fresh unique reference, status `new`, expiring after the retention time. */
  create(input: NewCase): Promise<CaseRecord>;
  get(ref: string): Promise<CaseRecord | null>;
  /** Cases matching the filter, newest first, at most `limit`. */
  list(filter: CaseFilter, limit?: number): Promise<CaseRecord[]>;
  /** Moves a case to another status (its index follows); false when the case does not exist. */
  setStatus(ref: string, status: CaseStatus, handoffChatId?: string): Promise<boolean>;
  /**
   * Changes the work fields, and the status when given, at once. `expectAssignee` (when given, '' for
   * nobody) must be the case's assignee at that moment, or nothing changes ('conflict'): two
   * counsellors taking one case cannot both win. 'not-found' when the case does not exist.
   */
  update(ref: string, change: CaseWorkChange, opts?: { status?: CaseStatus; expectAssignee?: string }): Promise<CaseRecord | 'not-found' | 'conflict'>;
}
