import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../paths';

/**
 * A second reader of danger beside the lexicons: logistic regression over hashed character n-grams
 * (2-5 letters, across word edges) and whole words, learnt from the labelled lines in test/fixtures
 * (`npm run train:risk`; never from ../shared/eval/dev.jsonl, which stays for checking). Letters,
 * not words, carry it, so a spelling, an ending or a script mix the lexicons never listed still
 * looks like the danger it resembles. It only ever raises risk: a miss by the lexicons can be
 * caught here, a catch by the lexicons is never undone.
 */
export interface RiskModelFile {
  about: string;
  /** The files it was learnt from, for the record. */
  trainedOn: string[];
  dims: number;
  /** Probability above which a message is read as high risk. */
  threshold: number;
  bias: number;
  /** Float32 little-endian weights, base64. */
  weights: string;
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

/** Calls `visit` with the hashed index of every n-gram and word of already normalised text. */
function eachFeature(normalised: string, dims: number, visit: (index: number) => void): void {
  const letters = normalised.replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ').trim();
  const points = Array.from(` ${letters} `);
  for (let i = 0; i + MIN_GRAM <= points.length; i++) {
    let h = GRAM_SEED;
    for (let n = 1; n <= MAX_GRAM && i + n <= points.length; n++) {
      h = fnv(h, points[i + n - 1]);
      if (n >= MIN_GRAM) visit((h >>> 0) % dims);
    }
  }
  for (const word of letters.split(' ')) if (word) visit((fnv(WORD_SEED, word) >>> 0) % dims);
}

/** The message as index → value pairs (counts, L2-normalised), as the model is trained on. */
export function riskFeatures(normalised: string, dims: number): Map<number, number> {
  const features = new Map<number, number>();
  eachFeature(normalised, dims, (index) => features.set(index, (features.get(index) ?? 0) + 1));
  let sumOfSquares = 0;
  for (const v of features.values()) sumOfSquares += v * v;
  const length = Math.sqrt(sumOfSquares) || 1;
  for (const [i, v] of features) features.set(i, v / length);
  return features;
}

export class RiskModel {
  /** Counts per index for the message being read, zeroed again after each (no Map per message). */
  private readonly counts: Float64Array;
  private readonly touched: number[] = [];

  constructor(
    private readonly weights: Float32Array,
    private readonly bias: number,
    readonly threshold: number,
  ) {
    this.counts = new Float64Array(weights.length);
  }

  static fromFile(file: RiskModelFile): RiskModel {
    const bytes = Buffer.from(file.weights, 'base64');
    if (bytes.length !== file.dims * 4) throw new Error(`risk model: ${bytes.length} bytes of weights for ${file.dims} dimensions`);
    const weights = new Float32Array(file.dims);
    for (let i = 0; i < file.dims; i++) weights[i] = bytes.readFloatLE(i * 4);
    return new RiskModel(weights, file.bias, file.threshold);
  }

  /** How likely the (normalised) message tells of a child in danger, 0-1 (the same sum as riskFeatures gives). */
  probability(normalised: string): number {
    const { counts, touched, weights } = this;
    eachFeature(normalised, weights.length, (index) => {
      if (counts[index] === 0) touched.push(index);
      counts[index] += 1;
    });
    let sumOfSquares = 0;
    let dot = 0;
    for (const i of touched) {
      sumOfSquares += counts[i] * counts[i];
      dot += weights[i] * counts[i];
      counts[i] = 0;
    }
    touched.length = 0;
    const z = this.bias + dot / (Math.sqrt(sumOfSquares) || 1);
    return 1 / (1 + Math.exp(-z));
  }

  isHigh(normalised: string): boolean {
    return this.probability(normalised) > this.threshold;
  }
}

export const RISK_MODEL_FILE = (): string => join(dataDir(), 'models', 'risk.json');

export function loadRiskModel(path: string = RISK_MODEL_FILE()): RiskModel {
  return RiskModel.fromFile(JSON.parse(readFileSync(path, 'utf8')) as RiskModelFile);
}
