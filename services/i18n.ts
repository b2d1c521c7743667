import i18next, { type i18n, type TFunction } from 'i18next';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localesDir } from './paths';

export const LANGUAGES = ['as', 'hi', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export type Resources = Record<Lang, Record<string, Record<string, unknown>>>;

/** Reads every locales/<lng>/<namespace>.json. */
export function loadResources(dir = localesDir()): Resources {
  const out = {} as Resources;
  for (const lng of LANGUAGES) {
    out[lng] = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith('.json')).sort()) {
      out[lng][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, lng, file), 'utf8')) as Record<string, unknown>;
    }
  }
  return out;
}

export interface Translator {
  t(lng: Lang, key: string, vars?: Record<string, unknown>): string;
  /** Arrays (lists of steps) and objects stored under a key. */
  list(lng: Lang, key: string): string[];
  fixed(lng: Lang): TFunction;
}

/** One i18next instance for the process; English is the fallback so a gap never shows a raw key. */
export function createI18n(resources: Resources = loadResources()): Translator {
  const instance: i18n = i18next.createInstance();
  const namespaces = Object.keys(resources.en);
  void instance.init({
    resources,
    lng: 'en',
    fallbackLng: 'en',
    ns: namespaces,
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
    showSupportNotice: false,
  } as Parameters<i18n['init']>[0]);
  // The texts never change after start-up, and every turn asks for the same few: a sentence without
  // variables is looked up once (i18next's lookup is a visible share of a turn's CPU).
  const plain = new Map<string, string>();
  const lists = new Map<string, string[]>();
  return {
    t: (lng, key, vars) => {
      if (vars) return instance.t(key, { lng, ...vars }) as string;
      const id = `${lng}\u0000${key}`;
      let text = plain.get(id);
      if (text === undefined) plain.set(id, (text = instance.t(key, { lng }) as string));
      return text;
    },
    list: (lng, key) => {
      const id = `${lng}\u0000${key}`;
      let items = lists.get(id);
      if (!items) {
        const value = instance.t(key, { lng, returnObjects: true }) as unknown;
        lists.set(id, (items = Array.isArray(value) ? value.map(String) : []));
      }
      return [...items];
    },
    fixed: (lng) => instance.getFixedT(lng),
  };
}
