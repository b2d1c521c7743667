// npm run train:risk
// Learns data/models/risk.json (the danger reader beside the lexicons) from every labelled set in
// test/fixtures. Run it after adding or changing labelled lines; a test fails while the shipped
// model is not the one the fixtures train. ../shared/eval/dev.jsonl is never used: it is for checking.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseLabelled } from '../services/understanding/evaluation';
import { RISK_MODEL_FILE } from '../services/understanding/riskModel';
import { trainingSets, trainRiskModel } from './riskTraining';

function main(): void {
  const sets = trainingSets();
  const lines = sets.flatMap(({ path, name }) => parseLabelled(readFileSync(path, 'utf8'), name));
  const model = trainRiskModel(lines, sets.map((s) => s.name));
  writeFileSync(RISK_MODEL_FILE(), `${JSON.stringify(model, null, 2)}\n`);
  const high = lines.filter((l) => l.risk === 'high').length;
  console.error(`risk model: ${lines.length} lines (${high} high) from ${sets.length} files -> ${RISK_MODEL_FILE()}`);
}

main();
