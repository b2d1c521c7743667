/**
 * npm run ivr:prompts [-- --all]
 * Renders the Assamese IVR prompts that have no audio yet (or whose text changed) with espeak-ng,
 * as 8 kHz telephone WAVs in bridges/ivr/audio/as/. The ivr namespace and the bot sentences of
 * PHONE_BOT_SENTENCES (find help's PIN code step) by default; --all renders
 * every fixed Assamese sentence of the bot too, so its replies play instead of being skipped.
 * A file not listed in manifest.json is an operator's recording: never overwritten.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, PHONE_BOT_SENTENCES, audioDir, fixedSentences, readManifest, textHash } from '../bridges/ivr/assameseAudio';
import { spokenDigits } from '../bridges/ivr/plan';
import { toPhoneWav } from '../bridges/ivr/wav';
import { loadResources } from '../services/i18n';

const ESPEAK = 'espeak-ng';
/** Words a minute: a little slower than espeak's 175, for a frightened child on a bad line. */
const SPEED = '140';

function main(): number {
  const dir = audioDir();
  const all = loadResources().as;
  const sentences = process.argv.includes('--all')
    ? fixedSentences(all)
    : new Map([...fixedSentences({ ivr: all.ivr ?? {} }), ...[...fixedSentences(all)].filter(([key]) => PHONE_BOT_SENTENCES.includes(key))]);
  const manifest = readManifest(dir);
  const todo = [...sentences].filter(([key, text]) => {
    const exists = existsSync(join(dir, `${key}.wav`));
    if (exists && manifest[key] === undefined) return false; // an operator's recording
    return !exists || manifest[key] !== textHash(text);
  });
  if (todo.length === 0) {
    console.log(`ivr:prompts: every Assamese prompt has audio in ${dir}`);
    return 0;
  }
  if (spawnSync(ESPEAK, ['--version']).status !== 0) {
    console.error(`ivr:prompts: ${ESPEAK} is not installed (Debian: apt-get install espeak-ng), so ${todo.length} prompt(s) stay without audio and are skipped on calls: ${todo.map(([k]) => k).join(', ')}`);
    return 0;
  }
  mkdirSync(dir, { recursive: true });
  for (const [key, text] of todo) {
    const run = spawnSync(ESPEAK, ['-v', 'as', '-s', SPEED, '--stdout', spokenDigits(text)], { maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) {
      console.error(`ivr:prompts: ${ESPEAK} failed on ${key}: ${run.stderr.toString().trim()}`);
      return 1;
    }
    writeFileSync(join(dir, `${key}.wav`), toPhoneWav(run.stdout));
    manifest[key] = textHash(text);
  }
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
  console.log(`ivr:prompts: rendered ${todo.length} Assamese prompt(s) into ${dir}`);
  return 0;
}

process.exitCode = main();
