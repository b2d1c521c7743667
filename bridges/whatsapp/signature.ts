import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta signs every webhook: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with
 * the app secret>`. The check runs over the bytes as received (re-serialised JSON would differ)
 * and compares in constant time, so the secret cannot be guessed from response times.
 */
export function isSignatureValid(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

/** Constant-time equality for secrets of any length (hashing first makes the lengths equal). */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The header a sender computes; tests and benchmarks sign their webhooks with it. */
export function signatureHeader(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
