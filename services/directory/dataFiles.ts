import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../paths';

/** A text file under data/, read from the source tree (see services/paths.ts). */
export function readDataFile(relativePath: string): string {
  return readFileSync(join(dataDir(), relativePath), 'utf8');
}
