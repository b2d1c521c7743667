import { readFileSync } from 'node:fs';
import { modelFile, rowMask, weightBytes, type TextFeatures } from './textFeatures';
import { CATEGORIES, INTENTS, type Category, type Intent } from './types';

/**
 * A learnt reader of one label (intent, or category) beside the rules: multinomial logistic regression
 * over the features of textFeatures.ts, learnt from test/fixtures by `npm run train:models`. The rules
 * stay first; embedded.ts says when a sure reading of the model may fill a gap or overrule them.
 */
export interface LabelModelFile {
  about: string;
  trainedOn: string[];
  dims: number;
  classes: string[];
  biases: number[];
  /** Weight = byte × scale: signed bytes, base64, dims × classes, the classes of one feature side by side.
   * Bytes, not floats, keep both tables in the processor's cache (a float table read at ~250 random rows per
   * message halved the classifier's throughput); it reads the same labels. */
  weights: string;
  scale: number;
}

/** The category model's class for "names no harm". */
export const NO_CATEGORY = 'none';
export type CategoryClass = Category | typeof NO_CATEGORY;
export const CATEGORY_CLASSES: readonly CategoryClass[] = [...CATEGORIES, NO_CATEGORY];

export interface Reading<L> {
  label: L;
  probability: number;
}

export class LabelModel<L extends string> {
  /** Scores of the message being read, reused (no array per message). */
  private readonly scores: Float64Array;
  private readonly mask: number;

  constructor(
    readonly classes: readonly L[],
    private readonly weights: Int8Array,
    private readonly scale: number,
    private readonly biases: readonly number[],
  ) {
    if (biases.length !== classes.length || weights.length % classes.length !== 0) throw new Error('label model: classes, biases and weights disagree');
    this.scores = new Float64Array(classes.length);
    this.mask = rowMask(weights.length / classes.length, 'label model');
  }

  static fromFile<L extends string>(file: LabelModelFile, known: readonly L[]): LabelModel<L> {
    const unknown = file.classes.filter((c) => !known.includes(c as L));
    if (unknown.length > 0) throw new Error(`label model: unknown classes ${unknown.join(', ')}`);
    const count = file.dims * file.classes.length;
    const bytes = weightBytes(file.weights, count, 'label model');
    return new LabelModel(file.classes as L[], new Int8Array(bytes.buffer, bytes.byteOffset, count).slice(), file.scale, file.biases);
  }

  /** The likeliest label and its probability (softmax over the classes). */
  read(features: TextFeatures): Reading<L> {
    const { scores, weights, biases, mask } = this;
    const { indices, values } = features;
    const k = biases.length;
    for (let c = 0; c < k; c++) scores[c] = 0;
    for (let f = 0; f < indices.length; f++) {
      const row = (indices[f] & mask) * k;
      const value = values[f];
      for (let c = 0; c < k; c++) scores[c] += weights[row + c] * value;
    }
    for (let c = 0; c < k; c++) scores[c] = biases[c] + scores[c] * this.scale;
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[c] > scores[best]) best = c;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(scores[c] - scores[best]);
    return { label: this.classes[best], probability: 1 / sum };
  }
}

export interface LabelModels {
  intent: LabelModel<Intent>;
  category: LabelModel<CategoryClass>;
}

const readModelFile = (path: string): LabelModelFile => JSON.parse(readFileSync(path, 'utf8')) as LabelModelFile;

export function loadLabelModels(): LabelModels {
  return {
    intent: LabelModel.fromFile(readModelFile(modelFile('intent')), INTENTS),
    category: LabelModel.fromFile(readModelFile(modelFile('category')), CATEGORY_CLASSES),
  };
}
