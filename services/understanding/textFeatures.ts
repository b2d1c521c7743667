import { join } from 'node:path';
import { dataDir } from '../paths';

/**
 * What the learnt readers (data/models) see of a message: hashed character n-grams (2-5 letters,
 * across word edges) and whole words of the normalised text, as L2-normalised counts. Letters, not
 * words, carry it, so a spelling, an ending or a script mix no word list has still looks like the
 * lines it resembles. Digits are left out: ages and numbers are the rules' business, and the "13" in an
 * id such as "c135" looked like an age to a reader that had learnt ages. A message is hashed once and
 * every model reads the same features.
 */
export const FEATURE_DIMS = 1 << 16;

/** A message's features: index (0..FEATURE_DIMS-1) and value, in first-seen order. */
export interface TextFeatures {
  indices: number[];
  values: number[];
}

const MIN_GRAM = 2;
const MAX_GRAM = 5;
const FNV_PRIME = 16777619;
const GRAM_SEED = 2166136261;
const WORD_SEED = 7;

/** FNV-1a over UTF-16 units, continued from `h`, so an n-gram's hash extends to the (n+1)-gram's. */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Everything but letters and their marks (digits too, see above). */
const NOT_LETTERS = /[^\p{L}\p{M}]+/gu;
const SURROGATE = /[\uD800-\uDFFF]/;

export class FeatureReader {
  /** Counts per index for the message being read, zeroed again after each (no Map per message). */
  private readonly counts = new Uint32Array(FEATURE_DIMS);
  private indices: number[] = [];

  read(normalised: string): TextFeatures {
    const letters = normalised.replace(NOT_LETTERS, ' ').trim();
    const indices: number[] = (this.indices = []);
    if (letters === '') return { indices, values: [] };
    const text = ` ${letters} `;
    // A letter outside the Basic Multilingual Plane is two UTF-16 units: the n-grams count letters, so such
    // text is split into letters first; every other message (nearly all) is read unit by unit, with the same hashes.
    if (SURROGATE.test(text)) this.countGrams(Array.from(text));
    else this.countGrams(text);
    for (const word of letters.split(' ')) if (word) this.count(fnv(WORD_SEED, word));
    const { counts } = this;
    let sumOfSquares = 0;
    for (const i of indices) sumOfSquares += counts[i] * counts[i];
    const length = Math.sqrt(sumOfSquares) || 1;
    const values = new Array<number>(indices.length);
    for (let k = 0; k < indices.length; k++) {
      values[k] = counts[indices[k]] / length;
      counts[indices[k]] = 0;
    }
    return { indices, values };
  }

  /** Every n-gram of 2-5 letters; `letters` is a string (one letter per unit) or an array of letters. */
  private countGrams(letters: string | string[]): void {
    const units = typeof letters === 'string';
    for (let i = 0; i + MIN_GRAM <= letters.length; i++) {
      let h = GRAM_SEED;
      for (let n = 1; n <= MAX_GRAM && i + n <= letters.length; n++) {
        h = units ? Math.imul(h ^ letters.charCodeAt(i + n - 1), FNV_PRIME) : fnv(h, letters[i + n - 1]);
        if (n >= MIN_GRAM) this.count(h);
      }
    }
  }

  private count(h: number): void {
    const index = h & (FEATURE_DIMS - 1); // = (h >>> 0) % FEATURE_DIMS, without a floating-point remainder
    if (this.counts[index] === 0) this.indices.push(index);
    this.counts[index] += 1;
  }
}

/** A model of `dims` rows (a power of two up to FEATURE_DIMS) folds feature index i onto row i % dims = i & mask. */
export function rowMask(dims: number, what: string): number {
  if (!Number.isInteger(dims) || dims < 1 || dims > FEATURE_DIMS || (dims & (dims - 1)) !== 0) throw new Error(`${what}: ${dims} dimensions is not a power of two up to ${FEATURE_DIMS}`);
  return dims - 1;
}

/** A model file's base64 weights as bytes, refused unless they fill its dimensions exactly. */
export function weightBytes(base64: string, byteLength: number, what: string): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== byteLength) throw new Error(`${what}: ${bytes.length} bytes of weights where ${byteLength} fit its dimensions`);
  return bytes;
}

/** Weights as the risk model file keeps them: Float32 little-endian, base64. */
export function decodeWeights(base64: string, count: number, what: string): Float32Array {
  const bytes = weightBytes(base64, count * 4, what);
  const weights = new Float32Array(count);
  for (let i = 0; i < count; i++) weights[i] = bytes.readFloatLE(i * 4);
  return weights;
}

export function encodeWeights(weights: ArrayLike<number>): string {
  const bytes = Buffer.alloc(weights.length * 4);
  for (let i = 0; i < weights.length; i++) bytes.writeFloatLE(weights[i], i * 4);
  return bytes.toString('base64');
}

export const modelFile = (name: 'risk' | 'intent' | 'category'): string => join(dataDir(), 'models', `${name}.json`);
