import { signatureHeader } from '../../bridges/whatsapp/signature';

/** Webhook bodies shaped like Meta's documented samples for the `messages` field. */
export const PHONE_NUMBER_ID = '106540352242922';

let counter = 0;
export const nextWamid = (): string => `wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA${++counter}`;

/** Seconds since epoch, as Meta sends timestamps (a string). */
export const timestamp = (ms = Date.now()): string => String(Math.floor(ms / 1000));

export function webhook(value: Record<string, unknown>, phoneNumberId = PHONE_NUMBER_ID): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** One inbound message of any type from `from`; `fields` is the type's own object (text, interactive, …). */
export function messageWebhook(from: string, type: string, fields: Record<string, unknown>, opts: { id?: string; sentAt?: number } = {}) {
  return webhook({
    contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: from }],
    messages: [{ from, id: opts.id ?? nextWamid(), timestamp: timestamp(opts.sentAt), type, ...fields }],
  });
}

export const textWebhook = (from: string, body: string, opts: { id?: string; sentAt?: number } = {}) =>
  messageWebhook(from, 'text', { text: { body } }, opts);

export function signedRequest(body: unknown, appSecret: string): { body: string; headers: Record<string, string> } {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return { body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(raw, appSecret) } };
}
