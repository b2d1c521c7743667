import type { ConversationReference } from 'botbuilder';
import type { Lang } from '../i18n';

/** 1 emergency, 2 high risk, 3 normal: a lower number is served first. */
export type Priority = 1 | 2 | 3;
export const PRIORITIES: readonly Priority[] = [1, 2, 3];

/** What the bot knows when a conversation asks for a person. `summary` must already be redacted. */
export interface HandoffRequest {
  /** The bot's key for the conversation: `${channelId}:${conversation.id}`. */
  conversationId: string;
  /** Where proactive messages go (the bridge's continueConversation). */
  reference: Partial<ConversationReference>;
  channel: string;
  /** The user's language: notices to the user are written in it. */
  language: Lang;
  priority: Priority;
  category?: string;
  district?: string;
  summary: string;
  caseRef?: string;
}

/**
 * pending: just entered, not yet claimable (the bot is still telling the user their place);
 * waiting: in the queue; active: held by a counsellor; ended: back with the bot (kept for RETENTION_DAYS).
 */
export type ChatState = 'pending' | 'waiting' | 'active' | 'ended';

export interface HandoffChat extends HandoffRequest {
  id: string;
  state: ChatState;
  createdAt: number;
  /** The language lane it waits in; starts as `language`, a transfer "back to the queue" may change it. */
  queueLanguage: Lang;
  counsellorId?: string;
  counsellorAlias?: string;
  claimedAt?: number;
  leaseUntil?: number;
  endedAt?: number;
  endedBy?: 'user' | 'counsellor';
  disposition?: string;
}

export interface Counsellor {
  id: string;
  /** The name the user sees ("Asha"), chosen by the counsellor. */
  alias: string;
  languages: readonly Lang[];
}

/** Who acts on a chat from the console; a supervisor may act on any chat. */
export interface Actor {
  counsellorId: string;
  supervisor?: boolean;
}

export interface Enqueued {
  chat: HandoffChat;
  /** 1 = next. Counted among chats waiting in the same language. */
  position: number;
  /** From recent waits; null until there is history to be honest with. */
  estimatedWaitSeconds: number | null;
  /** Counsellors with a heartbeat inside the lease time. */
  counsellorsOnline: number;
  /** false when the conversation already had a live chat (that chat is returned). */
  created: boolean;
}

export type ChatRefusal = 'not-found' | 'not-waiting' | 'not-active' | 'not-yours';
export type ChatResult = { ok: true; chat: HandoffChat } | { ok: false; reason: ChatRefusal };

export type TransferTarget = { counsellor: Counsellor } | { queueLanguage: Lang };

/** Things the service itself tells the user (or the counsellor) in their language; keys of locales handoff.json. */
export type NoticeKey = 'joined' | 'position' | 'requeued' | 'transferred' | 'transferredToQueue' | 'ended' | 'endedByUser';
export interface Notice {
  key: NoticeKey;
  vars?: Record<string, string | number>;
}

export type Sender = 'user' | 'counsellor' | 'system';

export interface NewMessage {
  /** Idempotency key: posting the same msgId twice stores one message (webhook retries, double clicks). */
  msgId: string;
  from: Sender;
  /** Who must see it; user messages go to the counsellor, counsellor messages to the user. */
  to: 'user' | 'counsellor';
  text?: string;
  notice?: Notice;
}

export interface ChatMessage extends NewMessage {
  /** Ordered, opaque: pass the last one seen to `messages()` to replay what followed. */
  id: string;
  chatId: string;
  at: number;
}

export type QueueEventType = 'waiting' | 'claimed' | 'requeued' | 'transferred' | 'ended' | 'message';

export interface QueueEvent {
  /** Ordered, opaque: pass the last one seen to `events()` to replay what followed. */
  id: string;
  type: QueueEventType;
  chatId: string;
  at: number;
  counsellorId?: string;
  from?: Sender;
}

/** The queue and the handoff sessions. */
export interface HandoffQueue {
  /**
   * Puts the conversation in the queue as `pending`: counted for positions but not claimable, so
   * the bot can tell the user their place before a counsellor can join. Call `open()` next.
   */
  enqueue(request: HandoffRequest): Promise<Enqueued>;
  /** Makes a pending chat claimable. A chat left pending is opened by `sweep()` after a grace time. */
  open(chatId: string): Promise<void>;
  get(chatId: string): Promise<HandoffChat | null>;
  /** The conversation's live (not ended) chat, if any: while it is `active` the bot stays silent. */
  holderFor(conversationId: string): Promise<HandoffChat | null>;
  /** 1-based place of a pending or waiting chat; null otherwise. */
  position(chatId: string): Promise<number | null>;
  /** Waiting chats, by priority then arrival. */
  listWaiting(): Promise<HandoffChat[]>;
  /** Active chats, all of them or one counsellor's. */
  listActive(counsellorId?: string): Promise<HandoffChat[]>;
  /** High-risk chats the user ended before a counsellor finished: kept for follow-up. */
  listFollowUps(): Promise<HandoffChat[]>;
  /**
   * Atomically takes the best chat this counsellor may serve: their languages first, any language
   * once a chat has waited past the fallback time. Null when nothing fits.
   */
  claimNext(counsellor: Counsellor): Promise<HandoffChat | null>;
  /** Atomically takes one chosen waiting chat (the console's click); refuses if someone was faster. */
  claim(chatId: string, counsellor: Counsellor): Promise<ChatResult>;
  /** Keeps the counsellor's claims and presence alive for another lease time. */
  heartbeat(counsellorId: string): Promise<void>;
  counsellorsOnline(): Promise<number>;
  transfer(chatId: string, actor: Actor, to: TransferTarget): Promise<ChatResult>;
  end(chatId: string, actor: Actor, disposition: string): Promise<ChatResult>;
  /** The user left or said the safe word: out of the queue or the chat, at once. */
  abandon(conversationId: string): Promise<HandoffChat | null>;
  /** Tells each waiting user their new place when it moved by one or more since they last heard it. */
  retellPositions(): Promise<string[]>;
  /** Returns expired leases to the queue at their place and opens stale pending chats. */
  sweep(): Promise<{ requeued: string[]; opened: string[] }>;
}

/** The live relay and the transcript of each chat. */
export interface ChatRelay {
  /** Stores a message once per msgId; null if the chat is unknown, ended, or (for a counsellor) not theirs. */
  post(chatId: string, message: NewMessage, actor?: Actor): Promise<ChatMessage | null>;
  /** The transcript after `afterId` (all of it without). */
  messages(chatId: string, afterId?: string): Promise<ChatMessage[]>;
  /**
   * Takes the delivery lock of one chat and returns what the user has not been given yet, in order;
   * null if another instance is delivering it right now.
   */
  takeDeliveries(chatId: string, owner: string, lockMs: number): Promise<ChatMessage[] | null>;
  /** Records delivery up to `upToId` (inclusive) and releases the lock. */
  ackDeliveries(chatId: string, owner: string, upToId: string | null): Promise<void>;
  /** Chats with messages for the user not yet delivered. */
  undelivered(): Promise<string[]>;
}

/**
 * Transient signals: heard live by every instance, never stored, never replayed, never retried.
 * `typing`: someone in a live chat is typing (from the user: for the console of `counsellorId`, the
 * chat's holder; from the counsellor: for the user's channel). `case`: a case was created or changed
 * (its reference only, never its contents).
 */
export type LiveSignal =
  | { type: 'typing'; chatId: string; from: 'user' | 'counsellor'; counsellorId?: string }
  | { type: 'case'; ref: string };

/** `local`: the signal was sent through this very store (this instance), so this instance acts on it. */
export type SignalListener = (signal: LiveSignal, local: boolean) => void;

/** Queue and chat changes, shared by every instance (the console's live view). */
export interface HandoffEvents {
  events(afterId?: string): Promise<QueueEvent[]>;
  /** Live events from now on (a new reader may also get the last second again: a repeat, never a gap); returns the unsubscribe function. */
  onEvent(listener: (event: QueueEvent) => void): () => void;
  /** Sends a transient signal to every instance (one pub/sub publish in Redis; nothing is written). */
  signal(signal: LiveSignal): Promise<void>;
  /** Signals from now on, from every instance, each heard once; returns the unsubscribe function. */
  onSignal(listener: SignalListener): () => void;
}

export interface HandoffStore extends HandoffQueue, ChatRelay, HandoffEvents {
  close(): Promise<void>;
}

export interface HandoffTimings {
  /** A claim is lost when no heartbeat came for this long. */
  leaseMs: number;
  /** After this wait a chat may go to a counsellor of any language. */
  languageFallbackMs: number;
  /** A pending chat nobody opened becomes claimable after this. */
  pendingGraceMs: number;
  retentionMs: number;
}
