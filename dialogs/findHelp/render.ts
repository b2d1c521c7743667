// One found service as a message a person can act on: name, how far, the number to call (a tel:
// link where the channel shows links), hours, a map link, and an honest word when not verified.
// On a phone call, the name and the number come again at the end, for the caller to note down.
import type { District, Person, ServiceEntry } from '../../services/directory';
import type { Lang } from '../../services/i18n';

/** Channels whose clients render markdown links, so a number can be tapped to call. */
const LINKING_CHANNELS = new Set(['webchat', 'emulator', 'directline', 'msteams']);
/** Channels that speak the text: no map link or bold marks to read out. */
const SPOKEN_CHANNELS = new Set(['ivr']);

export interface RenderDeps {
  t(key: string, vars?: Record<string, unknown>): string;
  lang: Lang;
  channelId: string;
}

export interface Found {
  service: ServiceEntry;
  /** from the shared location; absent when the search started from a district */
  distanceKm?: number;
  /** the district the service belongs to */
  district?: District;
}

export function phoneText(channelId: string, phone: string): string {
  return LINKING_CHANNELS.has(channelId) ? `[${phone}](tel:${phone.replace(/[ -]/g, '')})` : phone;
}

/** Distances people can read: one decimal below 10 km, whole kilometres beyond. */
export function kilometres(distanceKm: number): string {
  return distanceKm < 10 ? distanceKm.toFixed(1) : String(Math.round(distanceKm));
}

export function mapUrl(lat: number, lon: number): string {
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=14/${lat}/${lon}`;
}

export function renderService(deps: RenderDeps, found: Found, person: Person | undefined): string {
  const { t, lang, channelId } = deps;
  const { service, distanceKm, district } = found;
  const spoken = SPOKEN_CHANNELS.has(channelId);
  const lines = [spoken ? service.name[lang] : `*${service.name[lang]}*`];
  if (distanceKm !== undefined) lines.push(t('findHelp:distance', { km: kilometres(distanceKm) }));
  else if (district) lines.push(t('findHelp:atTown', { town: district.hq[lang] }));
  if (service.coordinates?.approx) lines.push(t('findHelp:approxPlace'));
  if (service.address) lines.push(service.address[lang] ?? service.address.en);
  const call = service.phones.length > 0
    ? t('findHelp:call', { phones: service.phones.map((p) => phoneText(channelId, p)).join(', ') })
    : t('findHelp:callVia', { phone: phoneText(channelId, service.referralPhone ?? '1098') });
  lines.push(call);
  if (service.hours === '24x7') lines.push(t('findHelp:hoursAlways'));
  else lines.push(service.hours ? t('findHelp:hours', { hours: service.hours }) : t('findHelp:hoursUnknown'));
  if (service.coordinates && !spoken) lines.push(t('findHelp:map', { url: mapUrl(service.coordinates.lat, service.coordinates.lon) }));
  if (service.kind === 'osc' && !person) lines.push(t('findHelp:oscWho'));
  if (!service.verified) lines.push(`⚠️ ${t('findHelp:unverified')}`);
  // A caller cannot read it back: the name and the number are said a second time, last.
  if (spoken) lines.push(lines[0], call);
  return lines.join('\n');
}
