// Finds the Assam district a person means from what they typed: a district or headquarters name
// in Assamese, Hindi or English script (or romanised), an old name, a variant spelling, or a
// sentence that holds one ("childline number in Jorhat").
import { District, loadDistricts } from './districts';
import { readDataFile } from './dataFiles';
import { editDistanceOf, placeKey, placeWords, toleranceFor } from './placeText';

export interface PlaceMatch {
  district: District;
  /** the name (as written in the gazetteer) that matched */
  matchedName: string;
  /** edits between what was typed and that name: 0 when exact after folding */
  distance: number;
}

interface NameEntry {
  key: string;
  name: string;
  district: District;
  /** edits a typed name may be off by to still mean this one */
  tolerance: number;
  /** length in code points, to skip names that are too long or short to be within tolerance */
  length: number;
  /** the key's code points, split once */
  chars: string[];
  /** how many times each code point occurs in the key */
  counts: Map<string, number>;
}

/** How different (edits per character) a name may be and still be offered as "did you mean". */
const MAX_RELATIVE_DIFFERENCE = 0.5;
/** The longest place name, in words, looked for inside a sentence. */
const MAX_NAME_WORDS = 4;

export class Gazetteer {
  private readonly byKey = new Map<string, NameEntry>();
  /** byKey's entries as an array: every typed name is compared with each, and indexing makes no garbage. */
  private readonly entries: NameEntry[] = [];
  private readonly byDistrictId = new Map<string, District>();

  constructor(readonly districts: readonly District[], variants: Readonly<Record<string, readonly string[]>>) {
    for (const district of districts) {
      this.byDistrictId.set(district.id, district);
      const names = [...Object.values(district.name), ...Object.values(district.hq), district.id, ...(variants[district.id] ?? [])];
      for (const name of names) this.add(name, district);
    }
    for (const id of Object.keys(variants)) {
      if (!this.byDistrictId.has(id)) throw new Error(`gazetteer variants: unknown district id ${id}`);
    }
  }

  district(id: string): District | undefined {
    return this.byDistrictId.get(id);
  }

  /** The district a whole name denotes after folding, with no tolerance (for imported data). */
  exact(name: string): District | undefined {
    return this.byKey.get(placeKey(name))?.district;
  }

  /**
   * The best place named in `text`: the run of words covering the most words wins, and among runs
   * of one length an exact name (after folding) beats the nearest misspelling within tolerance.
   */
  findPlace(text: string): PlaceMatch | undefined {
    for (const grams of wordGrams(placeWords(text))) {
      const exact = grams.map((key) => this.byKey.get(key)).find((entry) => entry !== undefined);
      if (exact) return { district: exact.district, matchedName: exact.name, distance: 0 };
      let best: PlaceMatch | undefined;
      for (const key of grams) {
        const typedTolerance = toleranceFor(key);
        if (typedTolerance === 0) continue;
        const typed = Array.from(key);
        const typedCounts = letterCountsOf(typed);
        for (let e = 0; e < this.entries.length; e++) {
          const entry = this.entries[e];
          const tolerance = Math.min(entry.tolerance, typedTolerance);
          if (tolerance === 0 || Math.abs(entry.length - typed.length) > tolerance) continue;
          // The same lower bound as in closest(): most names end here, before the edit distance.
          if (Math.max(typed.length, entry.length) - sharedLetters(typedCounts, entry.counts) > tolerance) continue;
          const distance = editDistanceOf(typed, entry.chars, tolerance);
          if (distance <= tolerance && (!best || distance < best.distance)) {
            best = { district: entry.district, matchedName: entry.name, distance };
          }
        }
      }
      if (best) return best;
    }
    return undefined;
  }

  /**
   * Districts whose names look most like `text`, for "did you mean" when nothing matched; only
   * names at most half different (relative edit distance), so a sentence gets no random offers.
   */
  closest(text: string, count: number): District[] {
    const grams = wordGrams(placeWords(text)).flat();
    if (grams.length === 0) return [];
    // Every district starts at "wholly different" (1), in gazetteer order, so ties sort as before.
    const score = new Map<District, number>();
    for (const entry of this.byKey.values()) if (!score.has(entry.district)) score.set(entry.district, 1);
    for (const key of grams) {
      const typed = Array.from(key);
      const typedCounts = letterCountsOf(typed);
      for (let e = 0; e < this.entries.length; e++) {
        const entry = this.entries[e];
        const longest = Math.max(typed.length, entry.length);
        // Only names at most half different are offered, so the distance is needed only up to there:
        // past it the edit distance gives up early, and the name cannot be offered either way.
        const max = Math.floor(longest * MAX_RELATIVE_DIFFERENCE);
        if (Math.abs(typed.length - entry.length) > max) continue;
        // Every edit changes at most one letter's count on each side (a transposition none), so
        // letters the two do not share bound the distance from below: most names end here.
        if (longest - sharedLetters(typedCounts, entry.counts) > max) continue;
        const distance = editDistanceOf(typed, entry.chars, max);
        if (distance > max) continue;
        score.set(entry.district, Math.min(score.get(entry.district) ?? 1, distance / longest));
      }
    }
    return [...score.entries()]
      .filter(([, relative]) => relative <= MAX_RELATIVE_DIFFERENCE)
      .sort((a, b) => a[1] - b[1])
      .slice(0, count)
      .map(([district]) => district);
  }

  private add(name: string, district: District): void {
    const key = placeKey(name);
    const existing = this.byKey.get(key);
    if (existing && existing.district !== district) {
      throw new Error(`gazetteer: "${name}" names both ${existing.district.id} and ${district.id}`);
    }
    if (!existing) {
      const chars = Array.from(key);
      const entry: NameEntry = { key, name, district, tolerance: toleranceFor(key), length: chars.length, chars, counts: countsOf(chars) };
      this.byKey.set(key, entry);
      this.entries.push(entry);
    }
  }
}

function countsOf(chars: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ch of chars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

/** A typed name's letters and their counts, as pairs: walked against every name, so walked by index. */
type LetterCounts = readonly (readonly [string, number])[];

function letterCountsOf(chars: readonly string[]): LetterCounts {
  return [...countsOf(chars)];
}

/** How many letters (with repeats) two names have in common, in any order. */
function sharedLetters(typed: LetterCounts, name: ReadonlyMap<string, number>): number {
  // Indexed, not for-of over a Map: this runs for every name and every run of typed words, and
  // the Map iterator's [letter, count] arrays were most of a find-help turn's garbage.
  let shared = 0;
  for (let i = 0; i < typed.length; i++) shared += Math.min(typed[i][1], name.get(typed[i][0]) ?? 0);
  return shared;
}

/**
 * Assamese and Hindi-in-Latin case endings glued to a name: "যোৰহাটত" (in Jorhat), "গুৱাহাটীলৈ"
 * (to Guwahati), "ডিব্ৰুগড়ৰ" (of Dibrugarh), "Jorhat's" (folded to "jorhats"). Tried after the word as typed.
 */
const CASE_ENDING = /(?:ৰপৰা|লৈ|ত|ৰ|ক|s)$/u;

function withoutCaseEnding(gram: string): string {
  return gram.replace(CASE_ENDING, '');
}

/** Every run of 1..MAX_NAME_WORDS consecutive words, glued, grouped by length, longest runs first. */
function wordGrams(words: string[]): string[][] {
  const groups: string[][] = [];
  for (let n = Math.min(MAX_NAME_WORDS, words.length); n >= 1; n--) {
    const grams: string[] = [];
    for (let i = 0; i + n <= words.length; i++) grams.push(words.slice(i, i + n).join(''));
    groups.push([...grams, ...grams.map(withoutCaseEnding).filter((gram, i) => gram !== grams[i])]);
  }
  return groups;
}

/** The gazetteer of the shipped data (data/gazetteer). */
export function loadGazetteer(): Gazetteer {
  const variants = JSON.parse(readDataFile('gazetteer/variants.json')) as Record<string, string[]>;
  return new Gazetteer(loadDistricts(), variants);
}
