import type { Lang, Translator } from '../../services/i18n';
import type { AssameseAudio } from './assameseAudio';
import type { Utterance } from './plan';

/** What to say: one of the IVR's own prompts (locales/<lng>/ivr.json) or a sentence the bot wrote. */
export type Part = { key: string; slow?: boolean } | { text: string };

/**
 * Turns prompts and the bot's sentences into utterances in the caller's language. Hindi and English
 * are spoken by the provider's voices; Assamese is played from pre-rendered audio, and a sentence
 * with no audio yet is skipped and owned up to once (ivr:notInAssamese) rather than read out
 * wrongly by a voice of another language.
 */
export class Voice {
  constructor(private readonly i18n: Translator, private readonly audio: AssameseAudio) {}

  speak(lang: Lang, parts: Part[]): Utterance[] {
    const out: Utterance[] = [];
    let missing = false;
    for (const part of parts) {
      for (const line of this.lines(lang, part)) {
        if (lang !== 'as') {
          const text = plainForVoice(line);
          if (text) out.push({ kind: 'say', text, lang, ...('slow' in part && part.slow ? { slow: true } : {}) });
          continue;
        }
        const path = 'key' in part ? this.audio.forKey(`ivr.${part.key}`) : this.audio.forText(line);
        if (path) out.push({ kind: 'play', path });
        else missing = true;
      }
    }
    const excuse = missing ? this.audio.forKey('ivr.notInAssamese') : undefined;
    if (excuse) out.push({ kind: 'play', path: excuse });
    return out;
  }

  /**
   * Each line separately: the bot joins sentences with newlines, and each has its own audio. A line
   * with a link (a map) is left out: a caller cannot follow it, and a voice spelling it out helps nobody.
   */
  private lines(lang: Lang, part: Part): string[] {
    const text = 'key' in part ? this.i18n.t(lang, `ivr:${part.key}`) : part.text;
    return text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !/https?:\/\//i.test(l));
  }
}

/** Chat formatting a voice would read out or stumble on: *bold*, _italics_, `code`, emoji. */
export function plainForVoice(line: string): string {
  return line.replace(/[*_~`]/g, '').replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, '').replace(/\s{2,}/g, ' ').trim();
}
