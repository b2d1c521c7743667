import { readFileSync } from 'node:fs';
import { decodeWeights, modelFile, rowMask, type TextFeatures } from './textFeatures';

/**
 * A second reader of danger beside the lexicons: logistic regression over the hashed letter
 * n-grams and words of textFeatures.ts, learnt from the labelled lines in test/fixtures
 * (`npm run train:models`; never from ../shared/eval/dev.jsonl, which stays for checking). It only
 * ever raises risk: a miss by the lexicons can be caught here, a catch by the lexicons is never undone.
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

export class RiskModel {
  private readonly mask: number;

  constructor(
    private readonly weights: Float32Array,
    private readonly bias: number,
    readonly threshold: number,
  ) {
    this.mask = rowMask(weights.length, 'risk model');
  }

  static fromFile(file: RiskModelFile): RiskModel {
    return new RiskModel(decodeWeights(file.weights, file.dims, 'risk model'), file.bias, file.threshold);
  }

  /** How likely the message tells of a child in danger, 0-1. */
  probability(features: TextFeatures): number {
    const { weights, mask } = this;
    let z = this.bias;
    for (let k = 0; k < features.indices.length; k++) z += weights[features.indices[k] & mask] * features.values[k];
    return 1 / (1 + Math.exp(-z));
  }

  isHigh(features: TextFeatures): boolean {
    return this.probability(features) > this.threshold;
  }
}

export function loadRiskModel(path: string = modelFile('risk')): RiskModel {
  return RiskModel.fromFile(JSON.parse(readFileSync(path, 'utf8')) as RiskModelFile);
}
