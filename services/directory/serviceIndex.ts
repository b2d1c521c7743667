// The in-memory index every directory query runs on, built once per list (at start-up or after an
// import): a uniform grid over Assam for nearest-k by haversine distance, plus lists per district.
import { GeoPoint, haversineKm, KM_PER_DEGREE } from './geo';
import { ASSAM_BOUNDS, ServiceEntry, ServiceKind } from './schema';

/** Who is looking for help: a One Stop Centre takes girls and women, and boys only up to 8. */
export interface Person {
  who: 'girl' | 'boy' | 'woman' | 'man';
  age?: number;
}

export interface ServiceFilter {
  kinds?: readonly ServiceKind[];
  person?: Person;
}

export interface NearbyService {
  service: ServiceEntry;
  distanceKm: number;
}

/** Whether a service takes this person. A boy of unknown age is not sent where boys have an age limit. */
export function serves(service: ServiceEntry, person: Person | undefined): boolean {
  if (!person) return true;
  const s = service.serves;
  switch (person.who) {
    case 'girl':
      return s.girls;
    case 'woman':
      return s.women;
    case 'man':
      return s.men;
    case 'boy':
      return s.boys && (s.boysMaxAge === undefined || (person.age !== undefined && person.age <= s.boysMaxAge));
  }
}

export function matches(service: ServiceEntry, filter: ServiceFilter): boolean {
  return (!filter.kinds || filter.kinds.includes(service.kind)) && serves(service, filter.person);
}

const CELL_DEGREES = 0.1;
const ROWS = Math.ceil((ASSAM_BOUNDS.maxLat - ASSAM_BOUNDS.minLat) / CELL_DEGREES);
const COLS = Math.ceil((ASSAM_BOUNDS.maxLon - ASSAM_BOUNDS.minLon) / CELL_DEGREES);
/**
 * A lower bound on the distance covered by one cell step in either direction: a degree of
 * longitude is shortest at the northern edge (cos of the highest latitude), with a 1% margin.
 */
const MIN_KM_PER_CELL = CELL_DEGREES * KM_PER_DEGREE * Math.cos((ASSAM_BOUNDS.maxLat * Math.PI) / 180) * 0.99;

/** The grid row and column of a point; points off the grid count as in its edge cells. */
function gridCell(point: GeoPoint): [number, number] {
  const clamp = (value: number, max: number): number => Math.max(0, Math.min(max, value));
  return [
    clamp(Math.floor((point.lat - ASSAM_BOUNDS.minLat) / CELL_DEGREES), ROWS - 1),
    clamp(Math.floor((point.lon - ASSAM_BOUNDS.minLon) / CELL_DEGREES), COLS - 1),
  ];
}

export class ServiceIndex {
  /** A grid per kind, so a search for a rare kind (the One Stop Centre) does not wade through the others. */
  private readonly gridsByKind = new Map<ServiceKind, ServiceEntry[][]>();
  private readonly byDistrict = new Map<string, ServiceEntry[]>();
  private readonly statewideServices: ServiceEntry[] = [];

  constructor(readonly services: readonly ServiceEntry[]) {
    for (const service of services) {
      if (service.districtId === undefined) this.statewideServices.push(service);
      else {
        const inDistrict = this.byDistrict.get(service.districtId);
        if (inDistrict) inDistrict.push(service);
        else this.byDistrict.set(service.districtId, [service]);
      }
      if (service.coordinates) this.gridOf(service.kind)[this.cellOf(service.coordinates)].push(service);
    }
  }

  /** The `limit` closest services with coordinates that pass the filter, closest first. */
  nearest(point: GeoPoint, filter: ServiceFilter, limit: number): NearbyService[] {
    const best: NearbyService[] = [];
    const [row, col] = gridCell(point);
    const maxRing = Math.max(ROWS, COLS);
    // One visitor per query (not per ring): this loop is the hot path of every "nearest" answer.
    const grids = [...new Set(filter.kinds ?? this.gridsByKind.keys())]
      .map((kind) => this.gridsByKind.get(kind))
      .filter((grid): grid is ServiceEntry[][] => grid !== undefined);
    const visit = (service: ServiceEntry): void => {
      if (!serves(service, filter.person)) return;
      const distanceKm = haversineKm(point, service.coordinates as GeoPoint);
      if (best.length === limit && distanceKm >= best[best.length - 1].distanceKm) return;
      let at = best.length;
      while (at > 0 && best[at - 1].distanceKm > distanceKm) at--;
      best.splice(at, 0, { service, distanceKm });
      if (best.length > limit) best.pop();
    };
    for (let ring = 0; ring <= maxRing; ring++) {
      // Every point in ring r is at least (r - 1) whole cells away from the query's cell.
      if (best.length === limit && (ring - 1) * MIN_KM_PER_CELL > best[best.length - 1].distanceKm) break;
      for (const grid of grids) this.visitRing(grid, row, col, ring, visit);
    }
    return best;
  }

  inDistrict(districtId: string, filter: ServiceFilter): ServiceEntry[] {
    return (this.byDistrict.get(districtId) ?? []).filter((service) => matches(service, filter));
  }

  statewide(filter: ServiceFilter): ServiceEntry[] {
    return this.statewideServices.filter((service) => matches(service, filter));
  }

  private gridOf(kind: ServiceKind): ServiceEntry[][] {
    let grid = this.gridsByKind.get(kind);
    if (!grid) {
      grid = Array.from({ length: ROWS * COLS }, () => []);
      this.gridsByKind.set(kind, grid);
    }
    return grid;
  }

  private cellOf(point: GeoPoint): number {
    const [row, col] = gridCell(point);
    return row * COLS + col;
  }

  /** Calls `visit` for every service of a grid in the square ring of cells at Chebyshev distance `ring`. */
  private visitRing(grid: ServiceEntry[][], row: number, col: number, ring: number, visit: (service: ServiceEntry) => void): void {
    for (let r = row - ring; r <= row + ring; r++) {
      if (r < 0 || r >= ROWS) continue;
      const onEdgeRow = r === row - ring || r === row + ring;
      const step = onEdgeRow || ring === 0 ? 1 : 2 * ring;
      for (let c = col - ring; c <= col + ring; c += step) {
        if (c < 0 || c >= COLS) continue;
        for (const service of grid[r * COLS + c]) visit(service);
      }
    }
  }
}
