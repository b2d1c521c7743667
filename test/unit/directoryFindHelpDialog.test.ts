import { MemoryStorage, type Activity, type TestAdapter } from 'botbuilder';
import type { Replies } from '../../bots/replies';
import { FindHelpDialog } from '../../dialogs/FindHelpDialog';
import { JOURNEY, UnavailableJourney } from '../../dialogs/journeys';
import { MAX_ROWS_PER_PAGE } from '../../dialogs/findHelp/districtPages';
import { createDirectory } from '../../services/directory';
import { MemoryIndexSource, ServiceDirectory } from '../../services/directory/directory';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { PinCodes } from '../../services/directory/pincodes';
import { loadShippedList } from '../../services/directory/shipped';
import type { Lang } from '../../services/i18n';
import { createLogger } from '../../services/logger';
import { buttonsOf, createTestBot, i18n, lastButtons, say, textsOf } from '../support/botHarness';

const directory = createDirectory({ keyPrefix: 'unused:', logger: createLogger({ level: 'silent' }) });
const journeys = (r: Replies) => [
  new FindHelpDialog(r, directory),
  ...[JOURNEY.report, JOURNEY.teacher, JOURNEY.counsellor].map((id) => new UnavailableJourney(id, r)),
];
const t = (lng: Lang, key: string, vars?: Record<string, unknown>) => i18n.t(lng, key, vars);
const JORHAT_NEARBY = { type: 'GeoCoordinates', latitude: 26.76, longitude: 94.22 };

async function send(adapter: TestAdapter, activity: Partial<Activity>): Promise<Partial<Activity>[]> {
  adapter.activeQueue.length = 0;
  await adapter.receiveActivity({ type: 'message', ...activity });
  const replies = [...adapter.activeQueue];
  adapter.activeQueue.length = 0;
  return replies;
}

async function started(lng: Lang) {
  const { adapter } = createTestBot({ journeys });
  await say(adapter, `lang:${lng}`);
  return adapter;
}

/** A journey begun from the menu, with "who needs help" answered: it asks where next. */
async function askedWhere(lng: Lang, who: string) {
  const adapter = await started(lng);
  await say(adapter, 'menu:findHelp');
  await say(adapter, `findHelp:who:${who}`);
  return adapter;
}

const districtButtons = (replies: Partial<Activity>[]) => lastButtons(replies).filter((v) => v.startsWith('findHelp:district:'));

describe.each<[Lang]>([['as'], ['hi'], ['en']])('find help nearby in %s', (lng) => {
  it('asks who needs help, then where, with the first page of districts', async () => {
    const adapter = await started(lng);
    const who = await say(adapter, 'menu:findHelp');
    expect(who[0].text).toBe(t(lng, 'findHelp:askWho'));
    expect(buttonsOf(who[0])).toEqual(['girl', 'woman', 'boyUpTo8', 'boyOver8', 'skip'].map((c) => `findHelp:who:${c}`));
    const where = await say(adapter, 'findHelp:who:girl');
    expect(where[0].text).toContain(t(lng, 'findHelp:askWhere'));
    expect(buttonsOf(where[0]).length).toBeLessThanOrEqual(MAX_ROWS_PER_PAGE);
    expect(buttonsOf(where[0])).toContain('findHelp:page:1');
  });

  it('answers a shared location with the nearest services, honest about verification, ending with 112 and 1098', async () => {
    const adapter = await askedWhere(lng, 'girl');
    const replies = await send(adapter, { entities: [JORHAT_NEARBY] });
    const texts = textsOf(replies);
    expect(texts[0]).toContain(t(lng, 'findHelp:nearTitle'));
    const jorhatOsc = texts.find((x) => x.includes(t(lng, 'findHelp:callVia', { phone: '181' })));
    expect(jorhatOsc).toContain(directory.district('jorhat')!.name[lng]);
    expect(jorhatOsc).toMatch(new RegExp(t(lng, 'findHelp:distance', { km: '\\d+\\.\\d' })));
    expect(jorhatOsc).toContain(t(lng, 'findHelp:unverified'));
    expect(jorhatOsc).toContain('https://www.openstreetmap.org/?mlat=26.75&mlon=94.2');
    expect(texts.filter((x) => x.includes(t(lng, 'findHelp:unverified')))).toHaveLength(4);
    const closing = texts[texts.length - 1];
    expect(closing).toContain(t(lng, 'common:emergency.n112'));
    expect(closing).toContain(t(lng, 'common:emergency.n1098'));
    expect(closing).toContain(t(lng, 'findHelp:women181'));
    expect(lastButtons(replies)).toEqual(['findHelp:again', 'cmd:human', 'cmd:menu']);
  });

  it('never sends a boy over 8 to a One Stop Centre, and says why', async () => {
    const adapter = await askedWhere(lng, 'boyOver8');
    const texts = textsOf(await send(adapter, { entities: [JORHAT_NEARBY] }));
    expect(texts[0]).toContain(t(lng, 'findHelp:oscNotForBoy'));
    expect(texts.join('\n')).not.toContain(t(lng, 'findHelp:callVia', { phone: '181' }));
    expect(texts.join('\n')).not.toContain(t(lng, 'findHelp:women181'));
    expect(texts.filter((x) => x.includes(t(lng, 'findHelp:unverified')))).toHaveLength(3);
  });

  it('takes a boy up to 8 to a One Stop Centre', async () => {
    const adapter = await askedWhere(lng, 'boyUpTo8');
    const texts = textsOf(await send(adapter, { entities: [JORHAT_NEARBY] }));
    expect(texts.join('\n')).toContain(t(lng, 'findHelp:callVia', { phone: '181' }));
  });

  it.each(['যোৰহাট', 'जोरहाट', 'Jorhat', 'jorhaat'])('a typed place in any script (%s) gives that district', async (place) => {
    const adapter = await askedWhere(lng, 'skip');
    const texts = textsOf(await say(adapter, place));
    expect(texts[0]).toContain(t(lng, 'findHelp:districtTitle', { district: directory.district('jorhat')!.name[lng] }));
    expect(texts.join('\n')).toContain(t(lng, 'findHelp:atTown', { town: directory.district('jorhat')!.hq[lng] }));
    expect(texts.join('\n')).toContain(t(lng, 'findHelp:oscWho'));
  });

  it('offers the closest names for a place it does not know, then takes a pick', async () => {
    const adapter = await askedWhere(lng, 'woman');
    const notFound = await say(adapter, 'Dibrugarhpur');
    expect(notFound[0].text).toBe(t(lng, 'findHelp:notFound'));
    expect(buttonsOf(notFound[0])).toContain('findHelp:district:dibrugarh');
    expect(buttonsOf(notFound[0])).toContain('findHelp:page:0');
    const picked = await say(adapter, 'findHelp:district:dibrugarh');
    expect(picked[0].text).toContain(directory.district('dibrugarh')!.name[lng]);
  });

  it('shows the district list, not random names, when a sentence names no place', async () => {
    const adapter = await askedWhere(lng, 'woman');
    const replies = await say(adapter, 'where is the nearest one stop centre');
    expect(replies[0].text).toContain(t(lng, 'findHelp:notFoundList'));
    expect(districtButtons(replies)).toHaveLength(8);
  });

  it('pages the district list, no page over 10 rows, every district on some page', async () => {
    const adapter = await started(lng);
    await say(adapter, 'menu:findHelp');
    let replies = await say(adapter, 'findHelp:who:girl');
    const seen: string[] = [];
    for (let guard = 0; guard < 10; guard++) {
      expect(lastButtons(replies).length).toBeLessThanOrEqual(MAX_ROWS_PER_PAGE);
      seen.push(...districtButtons(replies));
      const next = lastButtons(replies).find((v) => v.startsWith('findHelp:page:') && Number(v.split(':')[2]) > guard);
      if (!next) break;
      replies = await say(adapter, next);
      expect(replies[0].text).toContain(t(lng, 'findHelp:districtPage', { page: guard + 2, pages: 5 }));
    }
    expect(new Set(seen).size).toBe(35);
    expect(seen).toHaveLength(35);
  });

  it.each([
    ['not numbers', { type: 'GeoCoordinates', latitude: 'abc', longitude: 91 }, 'findHelp:badLocation'],
    ['out of range', { type: 'GeoCoordinates', latitude: 126.1, longitude: 91.7 }, 'findHelp:badLocation'],
    ['outside Assam (Delhi)', { type: 'GeoCoordinates', latitude: 28.61, longitude: 77.21 }, 'findHelp:outsideAssam'],
  ])('a location %s gets a clear word and the district list', async (_what, entity, key) => {
    const adapter = await askedWhere(lng, 'girl');
    const replies = await send(adapter, { entities: [entity] });
    expect(replies[0].text).toContain(t(lng, key));
    expect(districtButtons(replies)).toHaveLength(8);
  });

  it('looks somewhere else without asking who again', async () => {
    const adapter = await askedWhere(lng, 'girl');
    await say(adapter, 'Tezpur');
    const again = await say(adapter, 'findHelp:again');
    expect(again[0].text).toContain(t(lng, 'findHelp:askWhere'));
    const silchar = textsOf(await say(adapter, 'Silchar'));
    expect(silchar[0]).toContain(directory.district('cachar')!.name[lng]);
  });
});

describe('privacy of a shared location', () => {
  it('keeps no coordinates in the conversation state, first search or a later one', async () => {
    const memory: Record<string, string> = {};
    const { adapter } = createTestBot({ journeys, storage: new MemoryStorage(memory) });
    await say(adapter, 'lang:en');
    await say(adapter, 'menu:findHelp');
    await say(adapter, 'findHelp:who:girl');
    await send(adapter, { entities: [JORHAT_NEARBY] });
    expect(JSON.stringify(memory)).not.toContain('26.76');
    const later = await send(adapter, { entities: [{ type: 'GeoCoordinates', latitude: 24.83, longitude: 92.78 }] });
    expect(textsOf(later)[0]).toContain('Cachar');
    expect(JSON.stringify(memory)).not.toMatch(/24\.83|26\.76/);
  });
});

describe('find help straight from a message', () => {
  it('"childline number in Jorhat" answers for Jorhat without questions', async () => {
    const adapter = await started('en');
    const texts = textsOf(await say(adapter, 'childline number in Jorhat'));
    expect(texts.join('\n')).toContain(t('en', 'findHelp:districtTitle', { district: 'Jorhat' }));
    expect(texts.join('\n')).toContain('District Child Protection Unit, Jorhat');
    expect(texts.join('\n')).not.toContain('One Stop Centre');
  });

  it('"যোৰহাটত চাইল্ড লাইনৰ নম্বৰ" answers for Jorhat in Assamese', async () => {
    const adapter = await started('as');
    const texts = textsOf(await say(adapter, 'যোৰহাটত চাইল্ড লাইনৰ নম্বৰ'));
    expect(texts.join('\n')).toContain(t('as', 'findHelp:districtTitle', { district: 'যোৰহাট' }));
    expect(texts.join('\n')).toContain('জিলা শিশু সুৰক্ষা গোট, যোৰহাট');
  });

  it('"सबसे पास का पुलिस स्टेशन" asks where, then gives the police unit', async () => {
    const adapter = await started('hi');
    const where = await say(adapter, 'सबसे पास का पुलिस स्टेशन');
    expect(where[where.length - 1].text).toContain(t('hi', 'findHelp:askWhere'));
    const texts = textsOf(await send(adapter, { entities: [JORHAT_NEARBY] }));
    expect(texts[0]).toContain(t('hi', 'findHelp:nearTitle'));
    expect(texts[0]).toContain('विशेष किशोर पुलिस इकाई, जोरहाट');
    expect(texts[0]).toContain(t('hi', 'findHelp:callVia', { phone: '112' }));
  });
});

describe.each<[Lang]>([['as'], ['hi'], ['en']])('a PIN code typed in the find help journey, in %s', (lng) => {
  /** The candidates of 781 in the shipped (unverified) prefix table. */
  const guwahati = directory.pinCode('781005');
  const candidates = guwahati?.kind === 'assam' ? guwahati.districts.map((x) => `findHelp:district:${x.id}`) : [];

  it('offers the districts a PIN code may be in, and "another district", and never decides alone', async () => {
    expect(candidates.length).toBeGreaterThan(1);
    const adapter = await askedWhere(lng, 'skip');
    const replies = await say(adapter, '781005');
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toBe(t(lng, 'findHelp:pinChoose'));
    expect(buttonsOf(replies[0])).toEqual([...candidates, 'findHelp:page:0']);
    const picked = textsOf(await say(adapter, 'findHelp:district:kamrup-metropolitan'));
    expect(picked[0]).toContain(t(lng, 'findHelp:districtTitle', { district: directory.district('kamrup-metropolitan')!.name[lng] }));
    const other = await say(adapter, 'findHelp:again');
    expect(other[0].text).toContain(t(lng, 'findHelp:askWhere'));
  });

  it('reads a PIN in Assamese or Devanagari digits, typed instead of answering "who needs help"', async () => {
    const adapter = await started(lng);
    await say(adapter, 'menu:findHelp');
    const replies = await say(adapter, lng === 'hi' ? '७८१००५' : '৭৮১০০৫');
    expect(replies[0].text).toBe(t(lng, 'findHelp:pinChoose'));
    expect(buttonsOf(replies[0])).toEqual([...candidates, 'findHelp:page:0']);
    const all = await say(adapter, 'findHelp:page:0');
    expect(districtButtons(all)).toHaveLength(8);
  });

  it.each([
    ['a PIN of another State', '110001', 'findHelp:pinOutsideAssam'],
    ['five digits', '78100', 'findHelp:pinLength'],
  ])('%s gets a kind word and the district list', async (_what, typed, key) => {
    const adapter = await askedWhere(lng, 'girl');
    const replies = await say(adapter, typed);
    expect(replies[0].text).toContain(t(lng, key));
    expect(districtButtons(replies)).toHaveLength(8);
    expect(lastButtons(replies)).not.toContain('findHelp:pin');
  });

  it('outside Assam, it gives 1098 and 112', () => {
    expect(t(lng, 'findHelp:pinOutsideAssam')).toMatch(/1098[^]*112/);
  });
});

describe('a PIN code whose table names one district', () => {
  const gazetteer = loadGazetteer();
  const oneDistrict = new ServiceDirectory(
    gazetteer,
    new MemoryIndexSource(loadShippedList(gazetteer.districts)),
    new PinCodes(new Map([['785', [gazetteer.district('jorhat')!, gazetteer.district('majuli')!]]]), new Map([['785001', [gazetteer.district('jorhat')!]]])),
  );
  const oneDistrictJourneys = (r: Replies) => [new FindHelpDialog(r, oneDistrict), ...[JOURNEY.report, JOURNEY.teacher, JOURNEY.counsellor].map((id) => new UnavailableJourney(id, r))];

  it('answers for that district at once; a PIN in the same range with no row of its own still asks', async () => {
    const { adapter } = createTestBot({ journeys: oneDistrictJourneys });
    await say(adapter, 'lang:en');
    await say(adapter, 'menu:findHelp');
    await say(adapter, 'findHelp:who:skip');
    const texts = textsOf(await say(adapter, 'PIN 785 001'));
    expect(texts[0]).toContain(t('en', 'findHelp:districtTitle', { district: 'Jorhat' }));
    const again = await say(adapter, '785104');
    expect(again[0].text).toBe(t('en', 'findHelp:pinChoose'));
    expect(buttonsOf(again[0])).toEqual(['findHelp:district:jorhat', 'findHelp:district:majuli', 'findHelp:page:0']);
  });
});
