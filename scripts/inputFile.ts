import { readFileSync } from 'node:fs';

/** An operator's input file as text, or undefined after saying on stderr why it cannot be read. */
export function readInputFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return undefined;
  }
}
