import { readFileSync } from 'node:fs';
import { EmbeddedUnderstanding, normalise } from '../../services/understanding';
import { parseLabelled } from '../../services/understanding/evaluation';
import { loadRiskModel, RISK_MODEL_FILE, RiskModel, riskFeatures, type RiskModelFile } from '../../services/understanding/riskModel';
import { RISK_MODEL_DIMS, trainingSets, trainRiskModel } from '../../scripts/riskTraining';

const shipped = JSON.parse(readFileSync(RISK_MODEL_FILE(), 'utf8')) as RiskModelFile;
const model = loadRiskModel();
const weightsOf = (file: RiskModelFile) => new Float32Array(new Uint8Array(Buffer.from(file.weights, 'base64')).buffer);
/** A model that reads every message the same way: sure of danger, or sure of none. */
const constantModel = (high: boolean) => new RiskModel(new Float32Array(16), high ? 50 : -50, 0.6);

describe('the risk model', () => {
  it('is the model the labelled fixtures train (run npm run train:risk after changing them)', () => {
    const sets = trainingSets();
    const retrained = trainRiskModel(sets.flatMap(({ path, name }) => parseLabelled(readFileSync(path, 'utf8'), name)), sets.map((s) => s.name));
    expect(shipped.trainedOn).toEqual(retrained.trainedOn);
    expect(shipped.bias).toBeCloseTo(retrained.bias, 9);
    const [a, b] = [weightsOf(shipped), weightsOf(retrained)];
    expect(a).toHaveLength(RISK_MODEL_DIMS);
    expect(a.every((w, i) => Math.abs(w - b[i]) < 1e-6)).toBe(true);
  });

  it('never learns from the development set, which is kept for checking', () => {
    expect(shipped.trainedOn.every((f) => f.startsWith('test/fixtures/'))).toBe(true);
  });

  it('reads the same sum the trainer learnt from (features by Map and by scratch arrays agree)', () => {
    for (const text of ['papa mujhe abhi maar rahe hain!!', 'মোক কোনোবাই স্পৰ্শ কৰে 😢 help', 'hello hello hello']) {
      const normalised = normalise(text);
      let z = shipped.bias;
      const weights = weightsOf(shipped);
      for (const [i, v] of riskFeatures(normalised, RISK_MODEL_DIMS)) z += weights[i] * v;
      expect(model.probability(normalised)).toBeCloseTo(1 / (1 + Math.exp(-z)), 9);
    }
  });

  it.each([
    ['empty text', ''],
    ['emoji only', '🙂🙂🙂'],
    ['punctuation only', '?!.,;'],
    ['a greeting', 'hello'],
  ])('finds no danger in %s', (_what, text) => {
    expect(model.isHigh(normalise(text))).toBe(false);
  });

  it('gives a probability for 10,000 characters of mixed scripts without trouble', () => {
    const p = model.probability(normalise('মোক সহায় কৰক help मदद '.repeat(500).slice(0, 10_000)));
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
  });

  it('refuses a model file whose weights do not fill its dimensions', () => {
    expect(() => RiskModel.fromFile({ ...shipped, dims: shipped.dims + 1 })).toThrow(/dimensions/);
  });
});

describe('the risk model beside the lexicons', () => {
  it('raises a message the lexicons read as harmless', () => {
    const text = 'what is the weather today';
    expect(new EmbeddedUnderstanding(undefined, constantModel(false)).classify(text).risk).toBe('normal');
    expect(new EmbeddedUnderstanding(undefined, constantModel(true)).classify(text).risk).toBe('high');
  });

  it('leaves a word or two to the lexicons (a command like "help" is no cry)', () => {
    const alwaysHigh = new EmbeddedUnderstanding(undefined, constantModel(true));
    for (const text of ['help', 'menu please', 'মানুহ']) expect(alwaysHigh.classify(text).risk).toBe('normal');
  });

  it('is not asked where the lexicons explained the harm words away', () => {
    const alwaysHigh = new EmbeddedUnderstanding(undefined, constantModel(true));
    for (const text of ['nobody hits me at home', 'I need to write an essay about child marriage', 'my sister is getting married next month, she is 25']) {
      expect({ text, risk: alwaysHigh.classify(text).risk }).toEqual({ text, risk: 'normal' });
    }
  });

  it('never lowers danger the lexicons found', () => {
    expect(new EmbeddedUnderstanding(undefined, constantModel(false)).classify('my father is beating me right now').risk).toBe('high');
  });
});
