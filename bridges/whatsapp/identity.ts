import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Who a WhatsApp user is, without keeping their phone number where it is not needed: the bot,
 * its state and the logs see only a keyed hash of the number; the number itself is kept
 * encrypted (AES-256-GCM), next to the user's last-message time, only so replies can reach them.
 */
export class WhatsAppIdentity {
  constructor(
    private readonly idKey: string,
    private readonly numberKey: Buffer,
  ) {
    if (numberKey.length !== 32) throw new Error('the number encryption key must be 32 bytes');
  }

  /** A stable user id: HMAC-SHA256 of the number (truncated; 128 bits is plenty to avoid clashes). */
  userId(number: string): string {
    return `wa-${createHmac('sha256', this.idKey).update(`whatsapp-user:${number}`).digest('hex').slice(0, 32)}`;
  }

  sealNumber(number: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.numberKey, iv);
    const sealed = Buffer.concat([cipher.update(number, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64')).join('.');
  }

  openNumber(sealed: string): string {
    const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', this.numberKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}
