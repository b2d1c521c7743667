import { kilometres, phoneText, renderService } from '../../dialogs/findHelp/render';
import type { ServiceEntry } from '../../services/directory';
import { i18n } from '../support/botHarness';

const verified: ServiceEntry = {
  id: 'osc-test',
  kind: 'osc',
  name: { as: 'পৰীক্ষা কেন্দ্ৰ', hi: 'परीक्षण केंद्र', en: 'Test Centre' },
  districtId: 'jorhat',
  address: { en: 'Test Road, Jorhat' },
  phones: ['0376 000 0000'],
  coordinates: { lat: 26.76, lon: 94.21, approx: false },
  hours: 'Mon-Sat 10:00-17:00',
  serves: { girls: true, boys: true, boysMaxAge: 8, women: true, men: false },
  languages: ['as'],
  source: 'test',
  verified: true,
  verifiedAt: '2026-12-01',
};
const deps = (channelId: string) => ({ t: (key: string, vars?: Record<string, unknown>) => i18n.t('en', key, vars), lang: 'en' as const, channelId });

describe('rendering a found service', () => {
  it('makes numbers tappable tel: links only where the channel shows links', () => {
    expect(phoneText('webchat', '0376 000 0000')).toBe('[0376 000 0000](tel:03760000000)');
    expect(phoneText('emulator', '1098')).toBe('[1098](tel:1098)');
    expect(phoneText('whatsapp', '1098')).toBe('1098');
    expect(phoneText('ivr', '1098')).toBe('1098');
  });

  it('reads distances plainly', () => {
    expect(kilometres(0.04)).toBe('0.0');
    expect(kilometres(3.26)).toBe('3.3');
    expect(kilometres(41.6)).toBe('42');
  });

  it('shows a verified service with its own number, address and hours, and no warning', () => {
    const text = renderService(deps('webchat'), { service: verified, distanceKm: 1.2 }, { who: 'girl' });
    expect(text.split('\n')).toEqual([
      '*Test Centre*',
      'About 1.2 km away.',
      'Test Road, Jorhat',
      'Call: [0376 000 0000](tel:03760000000)',
      'Open: Mon-Sat 10:00-17:00',
      'Map: https://www.openstreetmap.org/?mlat=26.76&mlon=94.21#map=14/26.76/94.21',
    ]);
  });

  it('reads plainly on a phone call: no bold marks, no map link', () => {
    const text = renderService(deps('ivr'), { service: verified, distanceKm: 1.2 }, { who: 'girl' });
    expect(text.split('\n')[0]).toBe('Test Centre');
    expect(text).not.toContain('openstreetmap');
    expect(text).toContain('Call: 0376 000 0000');
    // A caller cannot read it back: the name and the number again, last.
    expect(text.split('\n').slice(-2)).toEqual(['Test Centre', 'Call: 0376 000 0000']);
  });

  it('says who a One Stop Centre takes when it does not know who is asking, and flags an unverified entry', () => {
    const text = renderService(deps('whatsapp'), { service: { ...verified, verified: false, verifiedAt: undefined, hours: undefined } }, undefined);
    expect(text).toContain(i18n.t('en', 'findHelp:oscWho'));
    expect(text).toContain(i18n.t('en', 'findHelp:hoursUnknown'));
    expect(text).toContain(i18n.t('en', 'findHelp:unverified'));
    expect(text).toContain('Call: 0376 000 0000');
  });
});
