import { matchKey, normalise, type Token } from './normalise';
import { isSignal } from './signals';

/**
 * A lexicon file (data/lexicons/<lang>.json) maps a signal name to phrases. A phrase is words separated
 * by spaces; a word ending in `*` matches any word that starts with it (a stem: মাৰ* = মাৰিছে, মাৰি…).
 * Phrases are folded with the same `matchKey` as messages, so they are written in ordinary spelling.
 */
export interface LexiconFile {
  language: string;
  /** words that say a message is in this language (for romanised text and Assamese vs Bengali) */
  markers: string[];
  signals: Record<string, string[]>;
}

export interface Hit {
  signal: string;
  /** token index of the phrase's first and last word */
  start: number;
  end: number;
  clause: number;
}

interface WordPattern {
  key: string;
  prefix: boolean;
}

interface Phrase {
  signal: string;
  words: WordPattern[];
}

interface StemNode {
  next: Map<string, StemNode>;
  phrases?: Phrase[];
}

function stemNode(root: StemNode, key: string): StemNode {
  let node = root;
  for (const ch of key.split('')) {
    let child = node.next.get(ch);
    if (!child) {
      child = { next: new Map() };
      node.next.set(ch, child);
    }
    node = child;
  }
  return node;
}

function compileWord(word: string): WordPattern {
  const prefix = word.endsWith('*');
  return { key: matchKey(prefix ? word.slice(0, -1) : word), prefix };
}

/** All lexicons compiled into two hash indexes keyed by a phrase's first word: lookups are O(word length). */
export class PhraseMatcher {
  private readonly exact = new Map<string, Phrase[]>();
  /** Stems in a character trie: one walk along a word finds every stem it starts with, without slicing. */
  private readonly stems: StemNode = { next: new Map() };

  constructor(signals: Iterable<[string, string[]]>) {
    for (const [signal, phrases] of signals) {
      // A misspelt signal name in a lexicon file would silently match nothing: refuse it at start-up.
      if (!isSignal(signal)) throw new Error(`unknown lexicon signal "${signal}"`);
      for (const phrase of phrases) this.add(signal, phrase);
    }
  }

  private add(signal: string, phrase: string): void {
    const words = phraseWords(phrase).map(compileWord).filter((w) => w.key.length > 0);
    if (words.length === 0) return;
    if (words[0].prefix) {
      const node = stemNode(this.stems, words[0].key);
      node.phrases = [...(node.phrases ?? []), { signal, words }];
      return;
    }
    this.exact.set(words[0].key, [...(this.exact.get(words[0].key) ?? []), { signal, words }]);
  }

  /** Every phrase found in the tokens (overlaps included). */
  match(tokens: Token[]): Hit[] {
    const hits: Hit[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const key = tokens[i].key;
      this.tryAll(this.exact.get(key), tokens, i, hits);
      let node: StemNode | undefined = this.stems;
      for (let c = 0; c < key.length && node; c++) {
        node = node.next.get(key[c]);
        if (node) this.tryAll(node.phrases, tokens, i, hits);
      }
    }
    return hits;
  }

  private tryAll(candidates: Phrase[] | undefined, tokens: Token[], at: number, hits: Hit[]): void {
    if (!candidates) return;
    for (const phrase of candidates) {
      const end = at + phrase.words.length - 1;
      if (end < tokens.length && restMatches(phrase.words, tokens, at)) {
        hits.push({ signal: phrase.signal, start: at, end, clause: tokens[at].clause });
      }
    }
  }
}

/** A phrase cut into words exactly as a message is: normalised (ZWJ/ZWNJ gone, NFC, lower case) and split at
 * hyphens and other non-letters, so "मार-पीट", "জোৰ-জবৰদস্তি*" and "র‍্যাগিং" meet the words a message has. */
export function phraseWords(phrase: string): string[] {
  return normalise(phrase).split(/[^\p{L}\p{M}\p{N}'’*]+/u).filter((w) => w.length > 0 && w !== '*');
}

function restMatches(words: WordPattern[], tokens: Token[], at: number): boolean {
  for (let k = 1; k < words.length; k++) {
    const word = words[k];
    const key = tokens[at + k].key;
    if (word.prefix ? !key.startsWith(word.key) : key !== word.key) return false;
  }
  return true;
}

/** Marker words per language as written (not folded: "to" and "tu" must stay apart), for language scoring. */
export function markerSets(files: LexiconFile[]): Map<string, Set<string>> {
  return new Map(files.map((f) => [f.language, new Set(f.markers.map((m) => m.normalize('NFC').toLowerCase()))]));
}
