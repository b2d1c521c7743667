// The directory the dialogs ask: "what help is near this point / in this district / what place did
// they mean". One implementation over a pluggable source of the current list: a fixed list in
// memory (demo mode, tests) or the list in Redis, re-indexed when an import replaces it.
import type { District } from './districts';
import type { Gazetteer, PlaceMatch } from './gazetteer';
import { GeoPoint, haversineKm } from './geo';
import { loadPinCodes, type PinCodes, type PinLookup } from './pincodes';
import { ASSAM_BOUNDS, Provenance, ServiceEntry, ServiceList } from './schema';
import { NearbyService, ServiceFilter, ServiceIndex } from './serviceIndex';

export type PlaceLookup = { found: PlaceMatch } | { found: undefined; closest: District[] };

export interface Directory {
  /** the `limit` nearest services with a location that fit the filter, closest first */
  nearest(point: GeoPoint, filter?: ServiceFilter, limit?: number): Promise<NearbyService[]>;
  inDistrict(districtId: string, filter?: ServiceFilter): Promise<ServiceEntry[]>;
  /** services for the whole State (helplines), which have no location */
  statewide(filter?: ServiceFilter): Promise<ServiceEntry[]>;
  /**
   * Whether a point is in (or just by) Assam: inside the State's bounding box and within
   * REACH_KM of a district headquarters. Coarse (no boundary polygon), but Delhi or Dhaka fail.
   */
  covers(point: GeoPoint): boolean;
  /** the district a text names, or the closest names to offer instead */
  findPlace(text: string): PlaceLookup;
  /** what a message says as a PIN code (candidate districts, not verified), or undefined when it holds none */
  pinCode(text: string): PinLookup | undefined;
  districts(): readonly District[];
  district(id: string): District | undefined;
  /** where the live list came from */
  provenance(): Promise<Provenance>;
}

/** Supplies the index of the list that is live now. */
export interface IndexSource {
  current(): Promise<{ index: ServiceIndex; provenance: Provenance }>;
}

const DEFAULT_NEAREST = 3;
/** Assam's farthest corners are about 80 km from a district headquarters. */
const REACH_KM = 100;
const CLOSEST_PLACES = 3;

export class ServiceDirectory implements Directory {
  constructor(
    private readonly gazetteer: Gazetteer,
    private readonly source: IndexSource,
    private readonly pinCodes: PinCodes = loadPinCodes(gazetteer),
  ) {}

  async nearest(point: GeoPoint, filter: ServiceFilter = {}, limit = DEFAULT_NEAREST): Promise<NearbyService[]> {
    return (await this.source.current()).index.nearest(point, filter, limit);
  }

  async inDistrict(districtId: string, filter: ServiceFilter = {}): Promise<ServiceEntry[]> {
    return (await this.source.current()).index.inDistrict(districtId, filter);
  }

  async statewide(filter: ServiceFilter = {}): Promise<ServiceEntry[]> {
    return (await this.source.current()).index.statewide(filter);
  }

  covers(point: GeoPoint): boolean {
    const b = ASSAM_BOUNDS;
    if (point.lat < b.minLat || point.lat > b.maxLat || point.lon < b.minLon || point.lon > b.maxLon) return false;
    return this.gazetteer.districts.some((district) => haversineKm(point, district.location) <= REACH_KM);
  }

  findPlace(text: string): PlaceLookup {
    const found = this.gazetteer.findPlace(text);
    if (found) return { found };
    // The "did you mean" search costs milliseconds on a long sentence: done only when read (and once).
    const gazetteer = this.gazetteer;
    let closest: District[] | undefined;
    return {
      found: undefined,
      get closest() {
        return (closest ??= gazetteer.closest(text, CLOSEST_PLACES));
      },
    };
  }

  pinCode(text: string): PinLookup | undefined {
    return this.pinCodes.lookupText(text);
  }

  districts(): readonly District[] {
    return this.gazetteer.districts;
  }

  district(id: string): District | undefined {
    return this.gazetteer.district(id);
  }

  async provenance(): Promise<Provenance> {
    return (await this.source.current()).provenance;
  }
}

/** A list held in memory: demo mode's shipped list, or a test's. */
export class MemoryIndexSource implements IndexSource {
  private live: { index: ServiceIndex; provenance: Provenance };

  constructor(list: ServiceList) {
    this.live = { index: new ServiceIndex(list.services), provenance: list.provenance };
  }

  async current(): Promise<{ index: ServiceIndex; provenance: Provenance }> {
    return this.live;
  }

  /** Swaps in a new list whole; queries see the old or the new one, never a mix. */
  replace(list: ServiceList): void {
    this.live = { index: new ServiceIndex(list.services), provenance: list.provenance };
  }
}
