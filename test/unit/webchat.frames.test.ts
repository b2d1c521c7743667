import fc from 'fast-check';
import { MAX_TEXT_CHARS, parseClientFrame } from '../../bridges/webchat/frames';
import { TokenBucket } from '../../bridges/webchat/rateLimit';
import { LANGUAGES, loadResources } from '../../services/i18n';

const ok = (frame: unknown) => parseClientFrame(JSON.stringify(frame));
const cd = { clientActivityID: 'c1' };

describe('parseClientFrame', () => {
  it('accepts text, a button value and a location', () => {
    expect(ok({ type: 'message', text: 'hi', channelData: cd })).toEqual({ ok: true, message: { type: 'message', text: 'hi', channelData: cd } });
    expect(ok({ type: 'message', text: 'Help', value: 'menu:help', locale: 'as', channelData: cd })).toMatchObject({ ok: true, message: { value: 'menu:help', locale: 'as' } });
    const geo = { type: 'GeoCoordinates', latitude: 26.1, longitude: 91.7 };
    expect(ok({ type: 'message', entities: [{ type: 'ClientCapabilities' }, geo], channelData: cd })).toMatchObject({ ok: true, message: { entities: [geo] } });
  });

  it.each([
    ['{', 'frame is not valid JSON'],
    ['[]', 'frame: Expected object, received array'],
    [JSON.stringify({ type: 'event', channelData: cd }), 'type: Invalid literal value, expected "message"'],
    [JSON.stringify({ type: 'message', text: 'x' }), 'channelData: Required'],
    [JSON.stringify({ type: 'message', channelData: cd }), 'a message needs text, a value or a location'],
    [JSON.stringify({ type: 'message', text: '   ', channelData: cd }), 'a message needs text, a value or a location'],
    [JSON.stringify({ type: 'message', text: 'x'.repeat(MAX_TEXT_CHARS + 1), channelData: cd }), `text: String must contain at most ${MAX_TEXT_CHARS} character(s)`],
    [JSON.stringify({ type: 'message', entities: [{ type: 'GeoCoordinates', latitude: 91, longitude: 0 }], channelData: cd }), 'a message needs text, a value or a location'],
  ])('refuses %s with a one-line reason', (raw, reason) => {
    expect(parseClientFrame(raw)).toEqual({ ok: false, reason });
  });

  it('never throws, whatever the frame (fixed seed)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ type: 'message', channelData: cd, text: v }))), (raw) => {
        const result = parseClientFrame(raw);
        expect(typeof result.ok).toBe('boolean');
      }),
      { seed: 20261205, numRuns: 300 },
    );
  });
});

describe('TokenBucket', () => {
  it('allows a burst, refuses past it, refills with time, and disconnects a persistent flood', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 2, perSecond: 1, maxRefusals: 2 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual(['allow', 'allow', 'refuse']);
    now += 1000;
    expect(bucket.take()).toBe('allow');
    expect([bucket.take(), bucket.take()]).toEqual(['refuse', 'disconnect']);
  });
});

describe('webchat page strings', () => {
  it('has the same keys and variables, no empty values, in as, hi and en', () => {
    const resources = loadResources();
    const shape = (lng: (typeof LANGUAGES)[number]) =>
      Object.entries(resources[lng].webchat as Record<string, string>).map(([k, v]) => {
        expect(v.trim()).not.toBe('');
        return `${k}:${(v.match(/\{\{\w+\}\}/g) ?? []).join(',')}`;
      });
    expect(shape('as')).toEqual(shape('en'));
    expect(shape('hi')).toEqual(shape('en'));
    expect(JSON.stringify(resources.as.webchat)).not.toMatch(/র/); // Assamese ৰ, never Bengali র
  });
});
