import { z } from 'zod';
import { BadRequest } from '../../services/http/body';

/** What a user sent, reduced to what the bot may see. Media ids, names and contact cards are never kept. */
export type InboundContent =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; value: string; title: string }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'media'; mediaType: MediaType };

/** A message as stored in the inbox: no phone number (that is kept apart, encrypted). */
export interface InboundMessage {
  wamid: string;
  userId: string;
  /** When the user sent it (ms since epoch): the 24-hour window starts here. */
  sentAt: number;
  content: InboundContent;
}

export interface ReceivedMessage {
  /** The sender's WhatsApp number (wa_id): used to derive the user id and to reply, never logged. */
  number: string;
  wamid: string;
  sentAt: number;
  content: InboundContent;
}

/** Everything else in a webhook, acknowledged and counted: statuses, reactions, unknown types. */
export interface IgnoredEvent {
  kind: string;
  /** Graph error codes of a failed status callback, for the log. */
  errorCodes?: number[];
}

export interface ParsedWebhook {
  messages: ReceivedMessage[];
  ignored: IgnoredEvent[];
}

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];
/** Types we acknowledge without answering; anything else is counted as "other" (bounded metric labels). */
const KNOWN_IGNORED = new Set(['reaction', 'contacts', 'unsupported', 'unknown', 'system', 'order', 'request_welcome']);

const reply = z.object({ id: z.string().min(1).max(256), title: z.string().max(256) });
const messageSchema = z.object({
  from: z.string().regex(/^\d{5,20}$/),
  id: z.string().min(1).max(256),
  timestamp: z.string().regex(/^\d{1,12}$/),
  type: z.string().max(64),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({ type: z.string(), button_reply: reply.optional(), list_reply: reply.optional() })
    .optional(),
  button: z.object({ text: z.string().max(256), payload: z.string().max(256).optional() }).optional(),
  location: z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().max(256).optional(),
      address: z.string().max(512).optional(),
    })
    .optional(),
});
const statusSchema = z.object({
  status: z.string().max(32),
  errors: z.array(z.object({ code: z.number() }).passthrough()).optional(),
});
const webhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      changes: z.array(
        z.object({
          field: z.string(),
          value: z
            .object({
              metadata: z.object({ phone_number_id: z.string() }).passthrough().optional(),
              messages: z.array(z.unknown()).optional(),
              statuses: z.array(z.unknown()).optional(),
            })
            .passthrough(),
        }),
      ),
    }),
  ),
});

type MessageFields = z.infer<typeof messageSchema>;

function contentOf(m: MessageFields): InboundContent | IgnoredEvent {
  if (m.type === 'text' && m.text) return { kind: 'text', text: m.text.body };
  if (m.type === 'interactive' && m.interactive) {
    const picked = m.interactive.button_reply ?? m.interactive.list_reply;
    if (picked) return { kind: 'choice', value: picked.id, title: picked.title };
    return { kind: 'interactive-other' };
  }
  // A quick reply on a template: the payload is ours, the text is what the user saw.
  if (m.type === 'button' && m.button) return { kind: 'choice', value: m.button.payload ?? m.button.text, title: m.button.text };
  if (m.type === 'location' && m.location) {
    const { latitude, longitude, name, address } = m.location;
    return { kind: 'location', latitude, longitude, name, address };
  }
  if ((MEDIA_TYPES as readonly string[]).includes(m.type)) return { kind: 'media', mediaType: m.type as MediaType };
  return { kind: KNOWN_IGNORED.has(m.type) ? m.type : 'other' };
}

/**
 * Reads a (signature-checked) webhook body shaped like Meta's documented `messages` field.
 * Anything not a WhatsApp webhook is a 400; a single odd message inside is counted, not fatal,
 * so one strange entry never blocks a child's message beside it. Events for another phone
 * number of the same business account are ignored.
 */
export function parseWebhook(body: Record<string, unknown>, phoneNumberId: string): ParsedWebhook {
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success) throw new BadRequest(400, 'not a WhatsApp Business Account webhook');
  const out: ParsedWebhook = { messages: [], ignored: [] };
  for (const entry of parsed.data.entry) {
    for (const { field, value } of entry.changes) {
      if (field !== 'messages') {
        out.ignored.push({ kind: 'field-other' });
        continue;
      }
      if (value.metadata && value.metadata.phone_number_id !== phoneNumberId) {
        out.ignored.push({ kind: 'other-number' });
        continue;
      }
      for (const raw of value.messages ?? []) {
        const m = messageSchema.safeParse(raw);
        if (!m.success) {
          out.ignored.push({ kind: 'malformed' });
          continue;
        }
        const content = contentOf(m.data);
        if (!isContent(content)) {
          out.ignored.push(content);
          continue;
        }
        out.messages.push({ number: m.data.from, wamid: m.data.id, sentAt: Number(m.data.timestamp) * 1000, content });
      }
      for (const raw of value.statuses ?? []) {
        const s = statusSchema.safeParse(raw);
        if (!s.success) out.ignored.push({ kind: 'malformed' });
        else out.ignored.push({ kind: `status-${statusLabel(s.data.status)}`, errorCodes: s.data.errors?.map((e) => e.code) });
      }
    }
  }
  return out;
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed', 'deleted']);
function statusLabel(status: string): string {
  return STATUSES.has(status) ? status : 'other';
}

function isContent(c: InboundContent | IgnoredEvent): c is InboundContent {
  return ['text', 'choice', 'location', 'media'].includes(c.kind);
}
