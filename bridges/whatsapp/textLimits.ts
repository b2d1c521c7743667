/**
 * WhatsApp's length limits, applied without breaking a letter. Lengths are counted in UTF-16
 * code units (JavaScript's `length`): never fewer than WhatsApp's own count, so a piece that
 * fits here fits there. Cuts fall between grapheme clusters, so an Assamese or Hindi consonant
 * never loses its vowel sign.
 */
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** Sentence ends in English, Hindi and Assamese (the danda), and line breaks. */
const SENTENCE_END = /[.!?।॥]+["'”’)]*(?=\s)|\n/g;

/** The longest prefix of `text` within `max` units that ends on a grapheme (or, failing that, code point) boundary. */
function safeCut(text: string, max: number): number {
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  if (end > 0) return end;
  // One grapheme longer than max (a long run of combining marks): cut between code points.
  for (const ch of text) {
    if (end + ch.length > max) break;
    end += ch.length;
  }
  return end;
}

/** Where to end the next chunk of at most `max` units: a sentence end, else a space, else a letter boundary. */
function breakPoint(text: string, max: number): number {
  const head = text.slice(0, max + 1);
  let sentence = 0;
  for (const match of head.matchAll(SENTENCE_END)) {
    const end = (match.index ?? 0) + match[0].length;
    if (end <= max) sentence = end;
  }
  if (sentence > max / 3) return sentence;
  const space = head.lastIndexOf(' ');
  if (space > max / 3) return space;
  return safeCut(text, max);
}

/** Splits text into non-empty chunks of at most `max` units, preferring sentence boundaries. */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = breakPoint(rest, max);
    const chunk = rest.slice(0, cut).trimEnd();
    if (chunk) chunks.push(chunk);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** One line, no control characters: what a button or row title can show. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ').replace(/\s+/g, ' ').trim();
}

/** Shortens to at most `max` units, at a word end where one is near, marking the cut with "…". */
export function fitTitle(text: string, max: number): string {
  const line = oneLine(text);
  if (line.length <= max) return line;
  const room = max - 1;
  const hard = safeCut(line, room);
  const space = line.lastIndexOf(' ', hard);
  const cut = space > room / 2 ? space : hard;
  return `${line.slice(0, cut).trimEnd()}…`;
}

/**
 * Titles that fit `max` and are unique (WhatsApp refuses duplicate button titles): a clash gets
 * " 2", " 3"… and an empty title its position, so every choice stays tappable and tellable apart.
 */
export function uniqueTitles(titles: readonly string[], max: number): string[] {
  const seen = new Set<string>();
  return titles.map((raw, i) => {
    const base = oneLine(raw) || String(i + 1);
    let title = fitTitle(base, max);
    for (let n = 2; seen.has(title.toLowerCase()); n++) {
      const suffix = ` ${n}`;
      title = `${fitTitle(base, max - suffix.length)}${suffix}`;
    }
    seen.add(title.toLowerCase());
    return title;
  });
}
