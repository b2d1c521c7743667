import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../services/paths';

/**
 * Assamese prompts as audio files, one per locale key (`ivr.danger.wav`, `common.menu.report.wav`):
 * Twilio has no Assamese voice. `npm run ivr:prompts` renders missing files with espeak-ng and
 * records the text each was made from in manifest.json; a file the manifest does not list is an
 * operator's recording and always wins. A rendered file whose text has since changed is not
 * played, so a caller never hears words the locale no longer says.
 */
export const audioDir = (): string => join(projectRoot(), 'bridges', 'ivr', 'audio', 'as');

export const MANIFEST_FILE = 'manifest.json';

/** key → hash of the text a generated file was rendered from. */
export type AudioManifest = Record<string, string>;

/** A key is also a file name: letters, digits, dot, dash, underscore. */
export const AUDIO_KEY = /^[A-Za-z0-9_.-]+$/;

export const audioUrlPath = (key: string): string => `/ivr/audio/as/${key}.wav`;

/**
 * The bot's own sentences (outside the ivr namespace) that an Assamese caller must hear for a step
 * to work at all, so `npm run ivr:prompts` renders them by default and a test checks their audio:
 * the PIN code step of find help (the district names themselves have no audio yet).
 */
export const PHONE_BOT_SENTENCES: readonly string[] = [
  'findHelp.buttons.pin',
  'findHelp.askPin',
  'findHelp.pinChoose',
  'findHelp.buttons.otherDistrict',
  'findHelp.pinOutsideAssam',
  'findHelp.pinLength',
  'findHelp.pinUnknown',
];

export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

export function readManifest(dir: string): AudioManifest {
  const file = join(dir, MANIFEST_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as AudioManifest) : {};
}

/**
 * Every fixed sentence of one language's namespaces, keyed `ns.path.to.key` (list items get their
 * index). Sentences with {{variables}} are left out: their words are only known at run time.
 */
export function fixedSentences(namespaces: Record<string, Record<string, unknown>>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (prefix: string, value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes('{{') && AUDIO_KEY.test(prefix)) out.set(prefix, value.trim());
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
    }
  };
  for (const [ns, tree] of Object.entries(namespaces)) walk(ns, tree);
  return out;
}

export class AssameseAudio {
  private constructor(
    private readonly byKey: Map<string, string>,
    private readonly byText: Map<string, string>,
  ) {}

  /** Indexes the playable files in `dir` against the Assamese sentences they say. */
  static load(namespaces: Record<string, Record<string, unknown>>, dir = audioDir()): AssameseAudio {
    const manifest = readManifest(dir);
    const files = new Set(existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.wav')) : []);
    const byKey = new Map<string, string>();
    const byText = new Map<string, string>();
    for (const [key, text] of fixedSentences(namespaces)) {
      if (!files.has(`${key}.wav`)) continue;
      const generated = manifest[key];
      if (generated !== undefined && generated !== textHash(text)) continue;
      byKey.set(key, audioUrlPath(key));
      if (!byText.has(text)) byText.set(text, audioUrlPath(key));
    }
    return new AssameseAudio(byKey, byText);
  }

  /** The URL path of a locale key's audio, e.g. forKey('ivr.danger'). */
  forKey(key: string): string | undefined {
    return this.byKey.get(key);
  }

  /** The URL path of the audio that says exactly this sentence, if any. */
  forText(text: string): string | undefined {
    return this.byText.get(text.trim());
  }
}
