import type { Category, Intent, Language, Risk, Script, Understood } from './types';

/** One labelled line of an evaluation file (../shared/eval/dev.jsonl's shape; "latn" means romanised). */
export interface LabelledExample {
  text: string;
  language: Language;
  intent: Intent;
  risk: Risk;
  category: Category | null;
  script?: Script;
}

export interface Scores {
  group: string;
  n: number;
  /** share of true `high` found; null when the group has none */
  riskRecall: number | null;
  riskPrecision: number | null;
  intentAccuracy: number;
  languageAccuracy: number;
  /** on the examples that name a category; null when none do */
  categoryAccuracy: number | null;
}

export type MisreadField = 'language' | 'intent' | 'risk' | 'category';

export interface Misread {
  example: LabelledExample;
  got: Understood;
  fields: MisreadField[];
}

/** Parses JSONL; a bad line throws with its line number (an evaluation must not silently skip data). */
export function parseLabelled(content: string, source: string): LabelledExample[] {
  const examples: LabelledExample[] = [];
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${source}:${i + 1}: not JSON`);
    }
    if (typeof row.text !== 'string' || typeof row.language !== 'string' || typeof row.intent !== 'string' || typeof row.risk !== 'string') {
      throw new Error(`${source}:${i + 1}: needs text, language, intent, risk`);
    }
    const script = row.script === 'latn' || row.script === 'romanised' ? 'romanised' : row.script === 'native' ? 'native' : undefined;
    examples.push({
      text: row.text,
      language: row.language as Language,
      intent: row.intent as Intent,
      risk: row.risk as Risk,
      category: (row.category ?? null) as Category | null,
      script,
    });
  });
  return examples;
}

interface Scored { example: LabelledExample; got: Understood }

const ratio = (hits: number, of: number): number | null => (of === 0 ? null : hits / of);

function score(group: string, rows: Scored[]): Scores {
  const truePositives = rows.filter((r) => r.example.risk === 'high' && r.got.risk === 'high').length;
  const actualHigh = rows.filter((r) => r.example.risk === 'high').length;
  const predictedHigh = rows.filter((r) => r.got.risk === 'high').length;
  const withCategory = rows.filter((r) => r.example.category !== null);
  return {
    group,
    n: rows.length,
    riskRecall: ratio(truePositives, actualHigh),
    riskPrecision: ratio(truePositives, predictedHigh),
    intentAccuracy: ratio(rows.filter((r) => r.got.intent === r.example.intent).length, rows.length) ?? 0,
    languageAccuracy: ratio(rows.filter((r) => r.got.language === r.example.language).length, rows.length) ?? 0,
    categoryAccuracy: ratio(withCategory.filter((r) => r.got.category === r.example.category).length, withCategory.length),
  };
}

/** Scores overall, per language, per script and per language+script; plus every misread. */
export function evaluate(
  examples: LabelledExample[],
  classify: (text: string) => Understood,
): { scores: Scores[]; misreads: Misread[] } {
  const rows = examples.map((example) => ({ example, got: classify(example.text) }));
  const scriptOf = (r: Scored): Script => r.example.script ?? r.got.script;
  const groups = new Map<string, Scored[]>([['all', rows]]);
  const add = (key: string, r: Scored) => groups.set(key, [...(groups.get(key) ?? []), r]);
  for (const r of rows) add(r.example.language, r);
  for (const r of rows) add(scriptOf(r), r);
  for (const r of rows) add(`${r.example.language}/${scriptOf(r)}`, r);
  const misreads: Misread[] = [];
  for (const { example, got } of rows) {
    const fields = (['language', 'intent', 'risk', 'category'] as MisreadField[]).filter((f) => example[f] !== got[f]);
    if (fields.length > 0) misreads.push({ example, got, fields });
  }
  return { scores: [...groups].map(([group, r]) => score(group, r)), misreads };
}
