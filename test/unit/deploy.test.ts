import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, SETTING_NAMES } from '../../services/config';

/** No Docker engine runs here, so the deployment files are checked against the README and the code. */
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const dockerfile = read('Dockerfile');
const compose = read('docker-compose.yml');
const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

const startCommand = pkg.scripts.start.split('&&').pop()!.trim();

describe('Dockerfile', () => {
  it('builds on Node 20 slim and installs production dependencies only', () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toContain('npm ci --omit=dev');
  });

  it('runs as a non-root user with a health check on /healthz', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/healthz/m);
  });

  it('starts the same command as npm start, on the default port', () => {
    expect(dockerfile).toContain(`CMD ${JSON.stringify(startCommand.split(' '))}`.replace(/,/g, ', '));
    const defaultPort = configSchema.shape.PORT.parse(undefined);
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${defaultPort}$`, 'm'));
  });

  it('copies only paths that exist', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
    for (const source of sources.filter((s) => s !== '.')) expect(existsSync(join(root, source))).toBe(true);
  });

  it('copies every folder the running service reads files from', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
    const read = productSources().flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/join\(projectRoot\(\), ((?:'[\w.-]+'(?:, )?)+)\)/g)].map((m) => m[1].replace(/'/g, '').split(', ').join('/')),
    );
    expect(read).toEqual(expect.arrayContaining(['locales', 'data', 'bridges/ivr/audio/as']));
    for (const dir of read) expect(copied.some((c) => dir === c || dir.startsWith(`${c}/`))).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  it('runs Redis with append-only persistence', () => {
    expect(compose).toMatch(/redis-server", "--appendonly", "yes"/);
  });

  it('starts the bot with the same command and port', () => {
    expect(compose).toContain(`command: ${JSON.stringify(startCommand.split(' '))}`.replace(/,/g, ', '));
    expect(compose).toContain('PORT: "3978"');
  });

  it('sets only variables the config knows and the README documents', () => {
    const environment = compose.split(/^ {4}environment:$/m)[1].split(/^ {0,4}\S/m)[0];
    const names = [...environment.matchAll(/^ {6}(\w+): /gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      expect(SETTING_NAMES).toContain(name);
      expect(readme).toContain(`\`${name}\``);
    }
  });
});

describe('README', () => {
  it('documents every setting in its table', () => {
    const missing = SETTING_NAMES.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('opens with the two commands', () => {
    const firstBlock = readme.split('```')[1];
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm test');
  });
});

/** The TypeScript files the built service runs (not tests, benchmarks or scripts). */
function productSources(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', 'test', 'bench', 'scripts', '.git'].includes(entry.name) ? [] : productSources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
