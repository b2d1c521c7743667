import type { InboundMessage } from './webhookPayload';
import { CONTACT_TTL_SECONDS, SEEN_TTL_SECONDS, type Contact, type QueuedMessage, type UserClaim, type WhatsAppStore } from './store';

/**
 * Demo mode's inbox: one process, so a Map per concern. Same promises as the Redis store
 * (once per wamid, one user at a time, in order); nothing survives a restart, as demo mode says.
 */
export class MemoryWhatsAppStore implements WhatsAppStore {
  private readonly seen = new Map<string, number>();
  private readonly inboxes = new Map<string, QueuedMessage[]>();
  private readonly scheduled = new Set<string>();
  private readonly ready: string[] = [];
  private readonly contacts = new Map<string, Contact & { expiresAt: number }>();
  private readonly deadLetters: QueuedMessage[] = [];
  private wake: (() => void)[] = [];
  private sequence = 0;
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  async append(message: InboundMessage, sealedNumber: string): Promise<'stored' | 'duplicate'> {
    this.forgetExpired();
    if (this.seen.has(message.wamid)) return 'duplicate';
    this.seen.set(message.wamid, this.now() + SEEN_TTL_SECONDS * 1000);
    const inbox = this.inboxes.get(message.userId) ?? [];
    inbox.push({ entryId: String(++this.sequence), message });
    this.inboxes.set(message.userId, inbox);
    const known = this.contacts.get(message.userId);
    this.contacts.set(message.userId, {
      sealedNumber,
      lastInboundAt: Math.max(known?.lastInboundAt ?? 0, message.sentAt),
      language: known?.language,
      choices: known?.choices,
      expiresAt: this.now() + CONTACT_TTL_SECONDS * 1000,
    });
    if (!this.scheduled.has(message.userId)) {
      this.scheduled.add(message.userId);
      this.ready.push(message.userId);
      this.wake.splice(0).forEach((w) => w());
    }
    return 'stored';
  }

  async claim(_consumer: string, max: number, blockMs: number): Promise<UserClaim[]> {
    if (this.ready.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, blockMs);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.ready.splice(0, max).map((userId) => ({ userId, ticket: userId }));
  }

  async head(claim: UserClaim): Promise<QueuedMessage | null> {
    return this.inboxes.get(claim.userId)?.[0] ?? null;
  }

  async remove(claim: UserClaim, _consumer: string, entryId: string): Promise<boolean> {
    this.drop(claim.userId, entryId);
    return true;
  }

  async renew(): Promise<boolean> {
    return true; // one process: a claim cannot be taken over
  }

  async deadLetter(claim: UserClaim, entry: QueuedMessage): Promise<void> {
    this.deadLetters.push(entry);
    this.drop(claim.userId, entry.entryId);
  }

  async release(claim: UserClaim): Promise<boolean> {
    if ((this.inboxes.get(claim.userId)?.length ?? 0) > 0) return false;
    this.inboxes.delete(claim.userId);
    this.scheduled.delete(claim.userId);
    return true;
  }

  async contact(userId: string): Promise<Contact | null> {
    const found = this.contacts.get(userId);
    if (!found || found.expiresAt <= this.now()) return null;
    const { sealedNumber, lastInboundAt, language, choices } = found;
    return { sealedNumber, lastInboundAt, language, choices };
  }

  async remember(userId: string, what: 'language' | 'choices', value: string): Promise<void> {
    const found = this.contacts.get(userId);
    if (found) found[what] = value;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake.splice(0).forEach((w) => w());
  }

  private drop(userId: string, entryId: string): void {
    const inbox = this.inboxes.get(userId) ?? [];
    const at = inbox.findIndex((e) => e.entryId === entryId);
    if (at >= 0) inbox.splice(at, 1);
  }

  /** Seen ids expire in insertion order (one TTL for all), so the oldest are at the front. */
  private forgetExpired(): void {
    const now = this.now();
    for (const [wamid, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(wamid);
    }
  }
}
