// npm run classify < messages.jsonl
// Reads JSON lines {"text": "..."} on stdin and writes, for each, one JSON line with text, language,
// intent, risk and category, in the same order and nothing else on stdout. A line that is not such
// an object gets {"error": "..."} in its place (so the output still lines up) and exit code 1.
import { createInterface } from 'node:readline';
import { EmbeddedUnderstanding } from '../services/understanding';

async function main(): Promise<number> {
  const understanding = new EmbeddedUnderstanding();
  let failures = 0;
  let lineNumber = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const text = textOf(line);
    if (text === null) {
      failures += 1;
      process.stdout.write(`${JSON.stringify({ error: `line ${lineNumber}: expected {"text": "..."}` })}\n`);
      continue;
    }
    const { language, intent, risk, category } = understanding.classify(text);
    process.stdout.write(`${JSON.stringify({ text, language, intent, risk, category })}\n`);
  }
  return failures > 0 ? 1 : 0;
}

function textOf(line: string): string | null {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') {
      return (value as { text: string }).text;
    }
  } catch {
    // falls through: not JSON
  }
  return null;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(err.message);
    process.exitCode = 2;
  },
);
