import { readFileSync } from 'node:fs';
import { EmbeddedUnderstanding, normalise } from '../../services/understanding';
import { parseLabelled } from '../../services/understanding/evaluation';
import { CATEGORY_CLASSES, LabelModel, loadLabelModels, NO_CATEGORY, type CategoryClass, type LabelModelFile } from '../../services/understanding/labelModel';
import { loadRiskModel, RiskModel, type RiskModelFile } from '../../services/understanding/riskModel';
import { FeatureReader, modelFile } from '../../services/understanding/textFeatures';
import { INTENTS, type Intent } from '../../services/understanding/types';
import { trainCategoryModel, trainingSets, trainIntentModel, trainRiskModel } from '../../scripts/modelTraining';

const shippedFile = <F>(name: 'risk' | 'intent' | 'category') => JSON.parse(readFileSync(modelFile(name), 'utf8')) as F;
const shippedRisk = shippedFile<RiskModelFile>('risk');
const floatsOf = (file: { weights: string }) => new Float32Array(new Uint8Array(Buffer.from(file.weights, 'base64')).buffer);
/** The risk model keeps floats (equal to a millionth); the label models keep bytes and a scale (equal exactly). */
const sameWeights = (a: RiskModelFile | LabelModelFile, b: RiskModelFile | LabelModelFile) => {
  if ('scale' in a && 'scale' in b) return a.weights === b.weights && Math.abs(a.scale - b.scale) < 1e-12;
  const [x, y] = [floatsOf(a), floatsOf(b)];
  return x.length === y.length && x.every((w, i) => Math.abs(w - y[i]) < 1e-6);
};
const features = (text: string) => new FeatureReader().read(normalise(text));

/** A risk model that reads every message the same way: sure of danger, or sure of none. */
const constantRisk = (high: boolean) => new RiskModel(new Float32Array(16), high ? 50 : -50, 0.6);
/** A label model sure of one label whatever it reads. */
function constantLabel<L extends string>(classes: readonly L[], label: L): LabelModel<L> {
  return new LabelModel(classes, new Int8Array(16 * classes.length), 1, classes.map((c) => (c === label ? 50 : 0)));
}
const labelsSaying = (intent: Intent, category: CategoryClass) => ({
  labels: { intent: constantLabel(INTENTS, intent), category: constantLabel(CATEGORY_CLASSES, category) },
});

describe('the learnt readers as shipped', () => {
  const sets = trainingSets();
  const lines = sets.flatMap(({ path, name }) => parseLabelled(readFileSync(path, 'utf8'), name));
  const names = sets.map((s) => s.name);

  it('are the models the labelled fixtures train (run npm run train:models after changing them)', () => {
    const retrained = { risk: trainRiskModel(lines, names), intent: trainIntentModel(lines, names), category: trainCategoryModel(lines, names) };
    expect(shippedRisk.bias).toBeCloseTo(retrained.risk.bias, 9);
    for (const name of ['risk', 'intent', 'category'] as const) {
      const shipped = shippedFile<RiskModelFile | LabelModelFile>(name);
      expect({ name, trainedOn: shipped.trainedOn, sameWeights: sameWeights(shipped, retrained[name]) }).toEqual({ name, trainedOn: names, sameWeights: true });
    }
    expect(shippedFile<LabelModelFile>('category').biases.map((b) => b.toFixed(6))).toEqual(retrained.category.biases.map((b) => b.toFixed(6)));
  });

  it('never learn from the development set, which is kept for checking', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((f) => f.startsWith('test/fixtures/') && !f.includes('dev'))).toBe(true);
  });

  it('refuse a model file whose weights do not fill its dimensions, or whose classes are unknown', () => {
    expect(() => RiskModel.fromFile({ ...shippedRisk, dims: shippedRisk.dims + 1 })).toThrow(/dimensions/);
    const intent = shippedFile<LabelModelFile>('intent');
    expect(() => LabelModel.fromFile({ ...intent, dims: intent.dims * 2 }, INTENTS)).toThrow(/dimensions/);
    expect(() => LabelModel.fromFile({ ...intent, classes: [...intent.classes.slice(1), 'weather'] }, INTENTS)).toThrow(/weather/);
  });

  it.each([
    ['empty text', ''],
    ['emoji only', '🙂🙂🙂'],
    ['punctuation only', '?!.,;'],
    ['a greeting', 'hello'],
  ])('find no danger in %s', (_what, text) => {
    expect(loadRiskModel().isHigh(features(text))).toBe(false);
  });

  it('read 10,000 characters of mixed scripts without trouble', () => {
    const long = features('মোক সহায় কৰক help मदद '.repeat(500).slice(0, 10_000));
    const p = loadRiskModel().probability(long);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
    const { intent, category } = loadLabelModels();
    expect(INTENTS).toContain(intent.read(long).label);
    expect(CATEGORY_CLASSES).toContain(category.read(long).label);
  });

  it('read plain lines of the kinds they learnt', () => {
    const { intent, category } = loadLabelModels();
    expect(intent.read(features('where is the nearest one stop centre in jorhat')).label).toBe('find_services');
    expect(category.read(features('the shopkeeper makes a ten year old boy wash dishes all night')).label).toBe('child_labour');
    expect(category.read(features('what time does the school open tomorrow')).label).toBe(NO_CATEGORY);
  });
});

describe('the features the readers see', () => {
  it('are counts scaled to length one, the same on every reading (the scratch counts are cleared)', () => {
    const reader = new FeatureReader();
    const first = reader.read(normalise('papa mujhe abhi maar rahe hain!!'));
    const again = reader.read(normalise('papa mujhe abhi maar rahe hain!!'));
    expect(again).toEqual(first);
    expect(new Set(first.indices).size).toBe(first.indices.length);
    expect(first.values.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 9);
  });

  it('are none for text with no letters', () => {
    expect(features('?! 🙂')).toEqual({ indices: [], values: [] });
    expect(features('1098 112')).toEqual({ indices: [], values: [] });
  });

  it('leave digits to the rules (a "13" in "c135" is no age), so ids and numbers do not sway the readers', () => {
    expect(features('note 3 from c135')).toEqual(features('note from c'));
  });
});

describe('the risk model beside the lexicons', () => {
  it('raises a message the lexicons read as harmless', () => {
    const text = 'what is the weather today';
    expect(new EmbeddedUnderstanding(undefined, { risk: constantRisk(false) }).classify(text).risk).toBe('normal');
    expect(new EmbeddedUnderstanding(undefined, { risk: constantRisk(true) }).classify(text).risk).toBe('high');
  });

  it('leaves a word or two to the lexicons (a command like "help" is no cry)', () => {
    const alwaysHigh = new EmbeddedUnderstanding(undefined, { risk: constantRisk(true) });
    for (const text of ['help', 'menu please', 'মানুহ']) expect(alwaysHigh.classify(text).risk).toBe('normal');
  });

  it('is not asked where the lexicons explained the harm words away', () => {
    const alwaysHigh = new EmbeddedUnderstanding(undefined, { risk: constantRisk(true) });
    for (const text of ['nobody hits me at home', 'I need to write an essay about child marriage', 'my sister is getting married next month, she is 25']) {
      expect({ text, risk: alwaysHigh.classify(text).risk }).toEqual({ text, risk: 'normal' });
    }
  });

  it('never lowers danger the lexicons found', () => {
    expect(new EmbeddedUnderstanding(undefined, { risk: constantRisk(false) }).classify('my father is beating me right now').risk).toBe('high');
  });
});

describe('the intent and category models beside the rules', () => {
  const rulesOnly = new EmbeddedUnderstanding(undefined, {});

  it('fill a gap the rules left, and the risk follows the category they read', () => {
    const text = 'something is going on with the girl next door';
    expect(rulesOnly.classify(text)).toMatchObject({ intent: 'other', category: null, risk: 'normal' });
    expect(new EmbeddedUnderstanding(undefined, labelsSaying('report_concern', 'trafficking')).classify(text)).toMatchObject({
      intent: 'report_concern',
      category: 'trafficking',
      risk: 'high',
    });
  });

  it('overrule the rules when sure, but never take an emergency away', () => {
    const sure = new EmbeddedUnderstanding(undefined, labelsSaying('find_services', NO_CATEGORY));
    const labour = 'a small boy works at the dhaba near our house all day';
    expect(rulesOnly.classify(labour)).toMatchObject({ intent: 'report_concern', category: 'child_labour' });
    expect(sure.classify(labour)).toMatchObject({ intent: 'find_services', category: null });
    const emergency = 'my father is beating me right now';
    expect(rulesOnly.classify(emergency).intent).toBe('emergency');
    expect(sure.classify(emergency)).toMatchObject({ intent: 'emergency', risk: 'high', category: 'physical_abuse' });
  });

  it('leave a case the user asked to report (the name of a harm is mostly met in school projects)', () => {
    const sureOfNothing = new EmbeddedUnderstanding(undefined, labelsSaying('other', NO_CATEGORY));
    expect(sureOfNothing.classify('I want to report child labour in our lane')).toMatchObject({ intent: 'report_concern', category: 'child_labour' });
    expect(sureOfNothing.classify('a small boy works at the dhaba near our house all day')).toMatchObject({ intent: 'other', category: null });
  });

  it('read a teacher only where a teacher or a school is named', () => {
    const sureOfTeacher = new EmbeddedUnderstanding(undefined, labelsSaying('teacher_guidance', NO_CATEGORY));
    expect(sureOfTeacher.classify('what is the cricket score today').intent).toBe('other');
    expect(sureOfTeacher.classify('what does the school have to do about this').intent).toBe('teacher_guidance');
  });

  it('keep a harm only where the intent carries one', () => {
    const text = 'can you tell me something about this';
    expect(new EmbeddedUnderstanding(undefined, labelsSaying('greeting', 'bullying')).classify(text)).toMatchObject({ intent: 'greeting', category: null });
  });

  it('may not bring back a harm the lexicons explained away, nor read a word or two', () => {
    const sureOfAbuse = new EmbeddedUnderstanding(undefined, labelsSaying('report_concern', 'sexual_abuse'));
    for (const text of ['nobody touches me at home, I am fine', 'I need to write an essay about child marriage']) {
      expect({ text, ...pick(sureOfAbuse.classify(text)) }).toEqual({ text, ...pick(rulesOnly.classify(text)) });
    }
    for (const text of ['help', 'hello there']) expect(sureOfAbuse.classify(text)).toMatchObject(pick(rulesOnly.classify(text)));
  });
});

const pick = ({ intent, category, risk }: { intent: string; category: string | null; risk: string }) => ({ intent, category, risk });
