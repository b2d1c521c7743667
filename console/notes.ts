import type { ConsoleKv } from './kv';

export interface CaseNote {
  at: number;
  author: string;
  text: string;
}

export const MAX_NOTE_CHARS = 4000;

/** Counsellors' private notes on a chat: never shown to the user, kept for RETENTION_DAYS. */
export class CaseNotes {
  constructor(private readonly kv: ConsoleKv, private readonly retentionMs: number, private readonly clock: () => number = Date.now) {}

  async add(chatId: string, author: string, text: string): Promise<CaseNote> {
    const note = { at: this.clock(), author, text };
    await this.kv.append(`notes:${chatId}`, { author, text }, note.at, this.retentionMs);
    return note;
  }

  /** Oldest first, as they were written. */
  async list(chatId: string): Promise<CaseNote[]> {
    const rows = await this.kv.latest(`notes:${chatId}`, 500);
    return rows.reverse().map((r) => ({ at: Number(r.at), author: r.author, text: r.text }));
  }
}
