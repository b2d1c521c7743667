import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The project root, whether this file runs from source (ts-jest) or from dist/ after a build:
 * data files (locales/, data/, static pages) are read from the source tree, never copied.
 */
export function projectRoot(): string {
  let dir = resolve(__dirname);
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('cannot find the project root');
}

export const localesDir = (): string => join(projectRoot(), 'locales');
export const dataDir = (): string => join(projectRoot(), 'data');
