// What the rest of the service uses from the directory, and how the composition root builds it.
import type { Logger } from '../logger';
import type { Redis } from '../redis';
import { type Directory, MemoryIndexSource, ServiceDirectory } from './directory';
import { loadGazetteer } from './gazetteer';
import { RedisIndexSource, RedisServiceListStore } from './redisStore';
import { loadShippedList } from './shipped';

export type { Directory, PlaceLookup } from './directory';
export type { District } from './districts';
export type { GeoPoint } from './geo';
export type { PinLookup } from './pincodes';
export { toGeoPoint } from './geo';
export type { ServiceEntry, ServiceKind } from './schema';
export type { NearbyService, Person, ServiceFilter } from './serviceIndex';

/** How long an instance serves a list before asking Redis whether an import replaced it. */
const RECHECK_MS = 5000;

/** The shipped list in memory (demo mode), or the imported list in Redis with the shipped one until the first import. */
export function createDirectory(opts: { redis?: Redis; keyPrefix: string; logger: Logger }): Directory {
  const gazetteer = loadGazetteer();
  const shipped = loadShippedList(gazetteer.districts);
  const source = opts.redis
    ? new RedisIndexSource(new RedisServiceListStore(opts.redis, opts.keyPrefix), shipped, opts.logger, RECHECK_MS)
    : new MemoryIndexSource(shipped);
  return new ServiceDirectory(gazetteer, source);
}
