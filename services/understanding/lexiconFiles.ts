import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { dataDir } from '../paths';
import type { LexiconFile } from './lexicon';
import { LANGUAGES } from './types';

const lexiconSchema = z.object({
  language: z.enum(['as', 'hi', 'en', 'bn']),
  markers: z.array(z.string().min(1)),
  signals: z.record(z.array(z.string().min(1))),
});

/** Reads and checks data/lexicons/<lang>.json for every language (plain files a native speaker edits). */
export function loadLexicons(dir: string = join(dataDir(), 'lexicons')): LexiconFile[] {
  return LANGUAGES.map((language) => {
    const file = join(dir, `${language}.json`);
    const parsed = lexiconSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0].path.join('.')} ${parsed.error.issues[0].message}`);
    return parsed.data;
  });
}
