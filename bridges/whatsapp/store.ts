import type { InboundMessage } from './webhookPayload';

/** A user whose waiting messages one worker processes, in order, until it releases them. */
export interface UserClaim {
  userId: string;
  /** Identifies this claim in the store (the scheduling entry). */
  ticket: string;
}

export interface QueuedMessage {
  entryId: string;
  message: InboundMessage;
}

export interface Contact {
  /** The phone number, sealed by WhatsAppIdentity. */
  sealedNumber: string;
  /** When the user last wrote (ms): the 24-hour customer-service window runs from here. */
  lastInboundAt: number;
  /** The language the bot last spoke to them in, for the bridge's own few sentences. */
  language?: string;
  /** The last list of more than 10 choices offered (JSON), for its later pages. */
  choices?: string;
}

/** A replayed webhook is answered again but stored only once; Meta retries for days. */
export const SEEN_TTL_SECONDS = 8 * 24 * 3600;
/**
 * How long a sealed number is kept after the user's last message: long enough for a counsellor
 * to answer a message sent late on a Friday, short enough not to hold numbers for nothing.
 */
export const CONTACT_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The WhatsApp inbox: an acknowledged message lives here until the bot has handled it. One
 * implementation on Redis (several instances), one in memory (demo mode); both keep the same
 * promises: a message is stored once per wamid, and one user's messages go to one worker at a
 * time, oldest first.
 */
export interface WhatsAppStore {
  /** Stores the message unless its wamid was seen. Rejects when it cannot store (the webhook then answers 503). */
  append(message: InboundMessage, sealedNumber: string): Promise<'stored' | 'duplicate'>;
  /** Claims up to `max` users with waiting messages, waiting at most `blockMs` for one. */
  claim(consumer: string, max: number, blockMs: number): Promise<UserClaim[]>;
  /** The claimed user's oldest waiting message. */
  head(claim: UserClaim): Promise<QueuedMessage | null>;
  /** Removes a handled message; false when the claim was lost to another worker (stop, it carries on). */
  remove(claim: UserClaim, consumer: string, entryId: string): Promise<boolean>;
  /** Keeps the claim alive through a long wait; false when it was lost to another worker. */
  renew(claim: UserClaim, consumer: string): Promise<boolean>;
  /** Moves a message the bot keeps failing on aside (kept for an operator), so the user's next ones flow. */
  deadLetter(claim: UserClaim, entry: QueuedMessage): Promise<void>;
  /** Gives the user back once nothing waits; false when a message arrived meanwhile (keep going). */
  release(claim: UserClaim): Promise<boolean>;
  contact(userId: string): Promise<Contact | null>;
  /** Notes the language or the long list of choices of a known contact (never re-creating an expired one). */
  remember(userId: string, what: 'language' | 'choices', value: string): Promise<void>;
  /** Wakes blocked claims and closes the store's own connections. */
  close(): Promise<void>;
}
