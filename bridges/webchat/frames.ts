import { z } from 'zod';

/**
 * What a browser may send over the web chat socket: a Bot Framework `message` activity with
 * text, a button's value and at most a location, or a bare `typing` activity. Anything else is refused with an error frame
 * (never thrown), so one bad frame cannot take down the socket's neighbours.
 */
export const MAX_TEXT_CHARS = 2000;

const geoCoordinates = z.object({
  type: z.literal('GeoCoordinates'),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});

const clientMessage = z.object({
  type: z.literal('message'),
  text: z.string().max(MAX_TEXT_CHARS).optional(),
  /** A suggested action's stable machine value ("menu:report"); small by design. */
  value: z.string().max(200).optional(),
  locale: z.string().max(16).optional(),
  /** Clients such as botframework-webchat add entities of their own; only a location is kept. */
  entities: z.array(z.unknown()).max(8).optional(),
  channelData: z.object({ clientActivityID: z.string().min(1).max(64) }),
});

export type GeoCoordinates = z.infer<typeof geoCoordinates>;
export type ClientMessage = Omit<z.infer<typeof clientMessage>, 'entities'> & { entities?: GeoCoordinates[] };

/** The error frame's codes; the page maps each to a sentence in its own language. */
export type FrameErrorCode = 'bad-frame' | 'rate-limited' | 'unavailable';

/** `{type: 'typing'}`: the user is typing (the page sends it at most every few seconds); never kept. */
const clientTyping = z.object({ type: z.literal('typing') }).strict();

export type ParsedFrame = { ok: true; message: ClientMessage } | { ok: true; typing: true } | { ok: false; reason: string };

export function parseClientFrame(raw: string): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'frame is not valid JSON' };
  }
  if (clientTyping.safeParse(json).success) return { ok: true, typing: true };
  const result = clientMessage.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, reason: `${issue.path.join('.') || 'frame'}: ${issue.message}` };
  }
  const locations = (result.data.entities ?? []).flatMap((e) => {
    const geo = geoCoordinates.safeParse(e);
    return geo.success ? [geo.data] : [];
  });
  const message: ClientMessage = { ...result.data, entities: locations.length > 0 ? locations.slice(0, 1) : undefined };
  if (!message.text?.trim() && message.value === undefined && !message.entities?.length) {
    return { ok: false, reason: 'a message needs text, a value or a location' };
  }
  return { ok: true, message };
}

export interface ErrorFrame {
  type: 'error';
  code: FrameErrorCode;
  reason: string;
}

export function errorFrame(code: FrameErrorCode, reason: string): ErrorFrame {
  return { type: 'error', code, reason };
}
