import { CircuitBreaker } from '../../bridges/whatsapp/circuitBreaker';
import { WhatsAppIdentity } from '../../bridges/whatsapp/identity';
import { toActivity } from '../../bridges/whatsapp/inboundActivity';
import { isSignatureValid, secretsEqual, signatureHeader } from '../../bridges/whatsapp/signature';
import { parseWebhook } from '../../bridges/whatsapp/webhookPayload';
import { BadRequest } from '../../services/http/body';
import { messageWebhook, PHONE_NUMBER_ID, textWebhook, webhook } from '../support/whatsappWebhooks';

describe('X-Hub-Signature-256', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account"}');

  it('accepts the HMAC-SHA256 of the raw bytes with the app secret', () => {
    expect(isSignatureValid(body, signatureHeader(body, 'secret'), 'secret')).toBe(true);
    expect(isSignatureValid(body, signatureHeader(body, 'secret').toUpperCase().replace('SHA256=', 'sha256='), 'secret')).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another secret', signatureHeader(body, 'other')],
    ['the body re-serialised', signatureHeader(JSON.stringify(JSON.parse(body.toString()), null, 1), 'secret')],
    ['sha1 style', `sha1=${'0'.repeat(40)}`],
    ['too short', 'sha256=abcd'],
  ])('refuses a signature that is %s', (_what, header) => {
    expect(isSignatureValid(body, header, 'secret')).toBe(false);
  });

  it('compares secrets of any length', () => {
    expect(secretsEqual('token', 'token')).toBe(true);
    expect(secretsEqual('token', 'token2')).toBe(false);
    expect(secretsEqual('', 'token')).toBe(false);
  });
});

describe('parseWebhook', () => {
  const from = '16505551234';

  it('reads text, replies, template buttons and locations; never the sender name', () => {
    const bodies = [
      textWebhook(from, 'hello', { id: 'wamid.1', sentAt: 1_700_000_000_000 }),
      messageWebhook(from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'cmd:human', title: 'A person' } } }),
      messageWebhook(from, 'interactive', { interactive: { type: 'list_reply', list_reply: { id: 'menu:2', title: 'Teacher', description: 'For teachers' } } }),
      messageWebhook(from, 'button', { button: { text: 'Yes', payload: 'cmd:yes' } }),
      messageWebhook(from, 'location', { location: { latitude: 26.1, longitude: 91.7 } }),
    ];
    const contents = bodies.map((b) => parseWebhook(b, PHONE_NUMBER_ID).messages[0]);
    expect(contents[0]).toEqual({ number: from, wamid: 'wamid.1', sentAt: 1_700_000_000_000, content: { kind: 'text', text: 'hello' } });
    expect(contents.slice(1).map((m) => m.content)).toEqual([
      { kind: 'choice', value: 'cmd:human', title: 'A person' },
      { kind: 'choice', value: 'menu:2', title: 'Teacher' },
      { kind: 'choice', value: 'cmd:yes', title: 'Yes' },
      { kind: 'location', latitude: 26.1, longitude: 91.7 },
    ]);
    expect(JSON.stringify(contents)).not.toContain('Sheena');
  });

  it('keeps only the kind of a media message, never its media id', () => {
    const parsed = parseWebhook(messageWebhook(from, 'image', { image: { id: 'MEDIA-ID-1', mime_type: 'image/jpeg', caption: 'look' } }), PHONE_NUMBER_ID);
    expect(parsed.messages[0].content).toEqual({ kind: 'media', mediaType: 'image' });
    expect(JSON.stringify(parsed)).not.toContain('MEDIA-ID-1');
  });

  it('counts statuses, reactions, contact cards, unknown and malformed entries instead of failing', () => {
    const body = webhook({
      messages: [
        { from, id: 'w1', timestamp: '1', type: 'reaction', reaction: { emoji: '👍' } },
        { from, id: 'w2', timestamp: '1', type: 'contacts', contacts: [{ phones: [{ phone: '+1 555' }] }] },
        { from, id: 'w3', timestamp: '1', type: 'something_new' },
        { from: 'not-a-number', id: 'w4', timestamp: '1', type: 'text', text: { body: 'x' } },
        { from, id: 'w5', timestamp: '1', type: 'text', text: { body: 'kept' } },
      ],
      statuses: [{ id: 'w0', status: 'read' }, { id: 'w0', status: 'failed', errors: [{ code: 131026 }] }],
    });
    const parsed = parseWebhook(body, PHONE_NUMBER_ID);
    expect(parsed.messages.map((m) => m.wamid)).toEqual(['w5']);
    expect(parsed.ignored).toEqual([
      { kind: 'reaction' },
      { kind: 'contacts' },
      { kind: 'other' },
      { kind: 'malformed' },
      { kind: 'status-read', errorCodes: undefined },
      { kind: 'status-failed', errorCodes: [131026] },
    ]);
  });

  it('refuses what is not a WhatsApp Business Account webhook with a 400', () => {
    expect(() => parseWebhook({ object: 'instagram', entry: [] }, PHONE_NUMBER_ID)).toThrow(BadRequest);
    expect(() => parseWebhook({ object: 'whatsapp_business_account' }, PHONE_NUMBER_ID)).toThrow(BadRequest);
  });
});

describe('toActivity', () => {
  it("makes a whatsapp activity known only by the user's hashed id", () => {
    const identity = new WhatsAppIdentity('secret', Buffer.alloc(32, 7));
    const userId = identity.userId('16505551234');
    expect(userId).not.toContain('16505551234');
    expect(identity.userId('16505551234')).toBe(userId);
    const activity = toActivity({ wamid: 'wamid.9', userId, sentAt: 1_700_000_000_000, content: { kind: 'location', latitude: 26.1, longitude: 91.7 } }, PHONE_NUMBER_ID);
    expect(activity).toMatchObject({
      type: 'message',
      id: 'wamid.9',
      channelId: 'whatsapp',
      from: { id: userId, role: 'user' },
      recipient: { id: PHONE_NUMBER_ID },
      conversation: { id: userId },
      entities: [{ type: 'GeoCoordinates', latitude: 26.1, longitude: 91.7 }],
    });
  });

  it('seals numbers so only the key holder can read them back', () => {
    const identity = new WhatsAppIdentity('secret', Buffer.alloc(32, 7));
    const sealed = identity.sealNumber('16505551234');
    expect(sealed).not.toContain('16505551234');
    expect(identity.openNumber(sealed)).toBe('16505551234');
    expect(() => new WhatsAppIdentity('secret', Buffer.alloc(32, 8)).openNumber(sealed)).toThrow();
  });
});

describe('CircuitBreaker', () => {
  it('opens after repeated failures, lets one trial through after the cool-down, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1000, () => now);
    for (let i = 0; i < 3; i++) breaker.failed();
    expect(breaker.allows()).toBe(false);
    now = 1500;
    expect(breaker.allows()).toBe(true);
    expect(breaker.allows()).toBe(false);
    breaker.succeeded();
    expect(breaker.allows()).toBe(true);
    expect(breaker.isOpen).toBe(false);
  });

  it('re-opens when the trial fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker(2, 1000, () => now);
    breaker.failed();
    breaker.failed();
    now = 1001;
    expect(breaker.allows()).toBe(true);
    breaker.failed();
    expect(breaker.allows()).toBe(false);
  });
});
