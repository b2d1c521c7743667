import type { ChatMessage, HandoffChat } from '../services/handoff/types';
import type { Account } from './accounts';

/** A queue row: what a counsellor needs to choose, nothing that identifies the child. */
export function queueRow(chat: HandoffChat, now: number) {
  return {
    id: chat.id,
    channel: chat.channel,
    language: chat.queueLanguage,
    priority: chat.priority,
    category: chat.category ?? null,
    district: chat.district ?? null,
    waitingSeconds: Math.max(0, Math.round((now - chat.createdAt) / 1000)),
    summary: chat.summary,
    caseRef: chat.caseRef ?? null,
  };
}

/** A chat as the console shows it: the conversation reference (a phone number on WhatsApp) stays on the server. */
export function chatView(chat: HandoffChat, now: number) {
  return {
    ...queueRow(chat, now),
    userLanguage: chat.language,
    state: chat.state,
    counsellorId: chat.counsellorId ?? null,
    counsellorAlias: chat.counsellorAlias ?? null,
    claimedAt: chat.claimedAt ?? null,
    endedAt: chat.endedAt ?? null,
    endedBy: chat.endedBy ?? null,
    disposition: chat.disposition ?? null,
  };
}

export function messageView(message: ChatMessage) {
  return { id: message.id, from: message.from, to: message.to, at: message.at, text: message.text ?? null, notice: message.notice ?? null };
}

export function userView(account: Account) {
  return { username: account.username, alias: account.alias, role: account.role, languages: account.languages, capacity: account.capacity };
}
