import type { Lang } from '../../services/i18n';

/** 1 emergency, 3 normal: the handoff queue's priorities. */
export type CallbackPriority = 1 | 2 | 3;

/** A caller asked a counsellor to ring them back. */
export interface CallbackRequest {
  /** The number to ring: personal data, stored encrypted by the desk and never logged. */
  phone: string;
  callSid: string;
  /** The caller's pseudonym (see callerPseudonym), for linking with their other turns. */
  callerId: string;
  lang: Lang;
  priority: CallbackPriority;
  requestedAt: Date;
}

/** Where callback requests go: the handoff queue and the console's callback list. */
export interface CallbackDesk {
  request(callback: CallbackRequest): Promise<void>;
}
