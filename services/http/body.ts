import type { IncomingMessage } from 'node:http';

/** A request the service refuses: the status (4xx) and a one-line reason for the sender. */
export class BadRequest extends Error {
  constructor(readonly status: number, reason: string) {
    super(reason);
  }
}

export const MAX_BODY_BYTES = 256 * 1024;

/** Reads the whole body, refusing more than `limit` bytes (413) without buffering the excess. */
export async function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new BadRequest(413, `body is larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      req.resume();
      throw new BadRequest(413, `body is larger than ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function requireContentType(req: IncomingMessage, type: string): void {
  const got = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (got !== type) throw new BadRequest(415, `content type must be ${type}`);
}

/** Parses a JSON object body; anything else (bad JSON, an array, a number) is a 400. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequest(400, 'body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadRequest(400, 'body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export async function readJsonObject(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  requireContentType(req, 'application/json');
  return parseJsonObject(await readRawBody(req, limit));
}

/** Reads an application/x-www-form-urlencoded body (Twilio webhooks) into its parameters. */
export async function readForm(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Record<string, string>> {
  requireContentType(req, 'application/x-www-form-urlencoded');
  const params = new URLSearchParams((await readRawBody(req, limit)).toString('utf8'));
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = v;
  return out;
}
