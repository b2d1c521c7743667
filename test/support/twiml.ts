/**
 * Reads TwiML back into a tree for assertions: a small, strict XML reader for what Twilio's
 * VoiceResponse writes (a declaration, elements, attributes, text, the five XML entities).
 * Anything else (comments, CDATA, unclosed tags) throws, so a malformed answer fails the test.
 */
export interface TwimlNode {
  name: string;
  attrs: Record<string, string>;
  children: TwimlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string): string {
  return raw.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const value = ENTITIES[name];
    if (value === undefined) throw new Error(`unknown entity ${whole}`);
    return value;
  });
}

export function parseTwiml(xml: string): TwimlNode {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  const root: TwimlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: TwimlNode[] = [root];
  let at = 0;
  while (at < body.length) {
    tag.lastIndex = at;
    const m = tag.exec(body);
    if (!m) throw new Error(`not well-formed TwiML at ${at}: ${body.slice(at, at + 40)}`);
    at = tag.lastIndex;
    const top = stack[stack.length - 1];
    if (m[5] !== undefined) {
      top.text += decode(m[5]);
      continue;
    }
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]] = decode(a[2]);
    const node: TwimlNode = { name, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('TwiML must have exactly one closed root element');
  return root.children[0];
}

/** Every node named `name` under `node`, depth first, in document order. */
export function findAll(node: TwimlNode, name: string): TwimlNode[] {
  return node.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}

/** All the text a node holds, its children's included (a <Say> with <prosody> inside). */
export function textOf(node: TwimlNode): string {
  return node.text + node.children.map(textOf).join('');
}
