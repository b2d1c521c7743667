import type { Activity } from 'botbuilder';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Each web chat conversation's recent activities, both ways, numbered in order. It is what lets a
 * page that lost its connection (or whose server restarted) resume from the last id it saw, and
 * what carries a counsellor's message to whichever instance holds the child's socket: every
 * activity is appended here and announced live to that conversation's subscribers.
 * Two implementations pass one contract suite: Redis (several instances) and memory (demo mode).
 */
export interface LoggedActivity {
  /** Position in the conversation; absent for transient activities (typing) that are never replayed. */
  seq?: number;
  activity: Partial<Activity>;
}

export type LiveListener = (entry: LoggedActivity) => void;

export interface AppendOptions {
  /** Appending the same key twice returns the first seq and announces nothing (retries, resends). */
  dedupeKey?: string;
}

export interface AppendResult {
  seq: number;
  duplicate: boolean;
}

export interface ConversationLog {
  /** Starts a conversation: a random, unguessable id and a resume token only the page holds. */
  open(): Promise<{ conversationId: string; token: string }>;
  /** True when `token` resumes `conversationId` and the conversation has not expired. */
  verify(conversationId: string, token: string): Promise<boolean>;
  append(conversationId: string, activity: Partial<Activity>, opts?: AppendOptions): Promise<AppendResult>;
  /** Announces an activity live without keeping it (typing indicators). */
  announce(conversationId: string, activity: Partial<Activity>): Promise<void>;
  /** The kept activities after `afterSeq`, oldest first, each with its `id` set. */
  since(conversationId: string, afterSeq: number): Promise<LoggedActivity[]>;
  /** Calls `listener` for each activity appended or announced from now on; returns the unsubscribe. */
  subscribe(conversationId: string, listener: LiveListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ConversationLogOptions {
  /** How long a quiet conversation (and its kept activities) lives. */
  ttlSeconds: number;
  /** How many recent activities are kept per conversation. */
  maxEntries: number;
}

export const DEFAULT_LOG_OPTIONS: ConversationLogOptions = { ttlSeconds: 30 * 60, maxEntries: 200 };

/** 128 random bits: conversation ids appear in URLs of nothing, but must not be guessable. */
export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

export function newResumeToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Only a hash of the resume token is stored, so a copy of Redis cannot take over a chat. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatches(token: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The wire form of a kept activity: its seq is its id. */
export function withId(seq: number, activity: Partial<Activity>): LoggedActivity {
  return { seq, activity: { ...activity, id: String(seq) } };
}
