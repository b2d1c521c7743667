// npm run train:models
// Learns the readers beside the lexicons (data/models/risk.json, intent.json, category.json) from
// every labelled set in test/fixtures. Run it after adding or changing labelled lines; a test fails
// while a shipped model is not the one the fixtures train. ../shared/eval/dev.jsonl is never used: it is for checking.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseLabelled } from '../services/understanding/evaluation';
import { modelFile } from '../services/understanding/textFeatures';
import { trainCategoryModel, trainingSets, trainIntentModel, trainRiskModel } from './modelTraining';

function main(): void {
  const sets = trainingSets();
  const lines = sets.flatMap(({ path, name }) => parseLabelled(readFileSync(path, 'utf8'), name));
  const names = sets.map((s) => s.name);
  const models = { risk: trainRiskModel(lines, names), intent: trainIntentModel(lines, names), category: trainCategoryModel(lines, names) };
  for (const [name, model] of Object.entries(models)) {
    const path = modelFile(name as keyof typeof models);
    writeFileSync(path, `${JSON.stringify(model, null, 2)}\n`);
    console.error(`${name} model: ${lines.length} lines from ${sets.length} files -> ${path}`);
  }
}

main();
