import fc from 'fast-check';
import type { Activity, CardAction } from 'botbuilder';
import { LIMITS, type GraphMessage, type Interactive } from '../../bridges/whatsapp/graphMessages';
import { choicesOf, moreOffset, renderActivity, renderChoicePage, type RenderLabels } from '../../bridges/whatsapp/render';
import { fitTitle, splitText, uniqueTitles } from '../../bridges/whatsapp/textLimits';

const labels: RenderLabels = { listButton: 'Choose', chooseBody: 'Please choose one:', moreChoices: 'More choices:', moreRow: 'More…' };
const imBack = (title: string, value = title): CardAction => ({ type: 'imBack', title, value });
const withActions = (text: string, actions: CardAction[]): Partial<Activity> => ({ type: 'message', text, suggestedActions: { to: [], actions } });

/** Every documented limit, as a list of broken ones (empty = within limits). */
function brokenLimits(message: GraphMessage): string[] {
  const out: string[] = [];
  const check = (what: string, text: string | undefined, max: number) => {
    if (text === undefined || text.length < 1 || text.length > max) out.push(`${what}: ${JSON.stringify(text)}`);
  };
  if (message.type === 'text') check('text', message.text.body, LIMITS.text);
  if (message.type !== 'interactive') return out;
  const i: Interactive = message.interactive;
  check('body', i.body.text, LIMITS.interactiveBody);
  if (i.type === 'button') {
    if (i.action.buttons.length < 1 || i.action.buttons.length > LIMITS.buttons) out.push('button count');
    const titles = i.action.buttons.map((b) => b.reply.title.toLowerCase());
    if (new Set(titles).size !== titles.length) out.push('duplicate button titles');
    const ids = i.action.buttons.map((b) => b.reply.id);
    if (new Set(ids).size !== ids.length) out.push('duplicate button ids');
    for (const b of i.action.buttons) {
      check('button title', b.reply.title, LIMITS.buttonTitle);
      check('button id', b.reply.id, LIMITS.replyId);
    }
  }
  if (i.type === 'list') {
    check('list button', i.action.button, LIMITS.listButton);
    const rows = i.action.sections.flatMap((s) => s.rows);
    if (rows.length < 1 || rows.length > LIMITS.rows) out.push('row count');
    if (new Set(rows.map((r) => r.id)).size !== rows.length) out.push('duplicate row ids');
    if (new Set(rows.map((r) => r.title.toLowerCase())).size !== rows.length) out.push('duplicate row titles');
    for (const r of rows) {
      check('row title', r.title, LIMITS.rowTitle);
      check('row id', r.id, LIMITS.replyId);
      if (r.description !== undefined) check('row description', r.description, LIMITS.rowDescription);
    }
  }
  return out;
}

describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('  Hello there.  ', 4096)).toEqual(['Hello there.']);
  });

  it('splits at sentence ends, in English and with the danda', () => {
    const english = 'One two three. Four five six. Seven eight nine.';
    expect(splitText(english, 30)).toEqual(['One two three. Four five six.', 'Seven eight nine.']);
    const assamese = 'মই তোমাৰ কথা শুনিছোঁ। তুমি অকলশৰীয়া নহয়। 1098 লৈ ফোন কৰা।';
    const chunks = splitText(assamese, 45);
    expect(chunks.every((c) => c.endsWith('।'))).toBe(true);
    expect(chunks.join(' ')).toBe(assamese);
  });

  it('never separates an Assamese letter from its vowel sign when it must cut mid-word', () => {
    const word = 'কৰিবলৈ'.repeat(20);
    const chunks = splitText(word, 7);
    expect(chunks.join('')).toBe(word);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(7);
      expect(/^[\u0981-\u0983\u09bc\u09be-\u09cd\u09d7]/.test(chunk)).toBe(false);
    }
  });

  it('splits text over 4,096 characters into messages within the limit, losing nothing', () => {
    const text = Array.from({ length: 400 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const chunks = splitText(text, LIMITS.text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= LIMITS.text && c.endsWith('.'))).toBe(true);
    expect(chunks.join(' ')).toBe(text);
  });
});

describe('titles', () => {
  it('shortens at a word end and marks the cut', () => {
    expect(fitTitle('Find help near my home quickly', 20)).toBe('Find help near my…');
    expect(fitTitle('Short', 20)).toBe('Short');
  });

  it('keeps titles unique after shortening, in Hindi too', () => {
    const titles = uniqueTitles(['किसी बड़े से बात करनी है अभी', 'किसी बड़े से बात करनी है बाद में', 'Yes', 'yes', ''], 20);
    expect(titles.every((t) => t.length >= 1 && t.length <= 20)).toBe(true);
    expect(new Set(titles.map((t) => t.toLowerCase())).size).toBe(titles.length);
    expect(titles[4]).toBe('5');
  });
});

describe('renderActivity', () => {
  it('sends plain text as one text message without link previews', () => {
    expect(renderActivity({ type: 'message', text: 'Hello' }, labels)).toEqual([{ type: 'text', text: { body: 'Hello', preview_url: false } }]);
  });

  it('makes up to 3 short choices reply buttons whose ids are the action values', () => {
    const [message] = renderActivity(withActions('Shall I?', [imBack('Yes', 'cmd:yes'), imBack('No', 'cmd:no')]), labels);
    expect(message).toEqual({
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Shall I?' }, action: { buttons: [{ type: 'reply', reply: { id: 'cmd:yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'cmd:no', title: 'No' } }] } },
    });
  });

  it('uses a list, with the full title in the description, when a button title would be cut', () => {
    const [message] = renderActivity(withActions('Choose', [imBack('মানুহৰ লগত কথা পাতিব বিচাৰোঁ', 'cmd:human'), imBack('জৰুৰী নম্বৰ', 'cmd:emergency')]), labels);
    expect(message.type === 'interactive' && message.interactive.type).toBe('list');
    const rows = message.type === 'interactive' && message.interactive.type === 'list' ? message.interactive.action.sections[0].rows : [];
    expect(rows[0]).toEqual({ id: 'cmd:human', title: expect.stringMatching(/…$/), description: 'মানুহৰ লগত কথা পাতিব বিচাৰোঁ' });
    expect(rows[1]).toEqual({ id: 'cmd:emergency', title: 'জৰুৰী নম্বৰ' });
  });

  it('pages more than 10 choices with a "more" row whose pages together offer every choice once', () => {
    const actions = Array.from({ length: 23 }, (_, i) => imBack(`District ${i + 1}`, `district:${i + 1}`));
    const rowIds = (m: GraphMessage) => (m.type === 'interactive' && m.interactive.type === 'list' ? m.interactive.action.sections[0].rows.map((r) => r.id) : []);
    const [first, ...others] = renderActivity(withActions('Which district?', actions), labels);
    expect(others).toEqual([]);
    const offered: string[] = [];
    let page = first;
    for (;;) {
      const ids = rowIds(page);
      expect(ids.length).toBeLessThanOrEqual(10);
      const more = moreOffset(ids[ids.length - 1]);
      if (more === undefined) {
        offered.push(...ids);
        break;
      }
      offered.push(...ids.slice(0, -1));
      page = renderChoicePage(choicesOf(withActions('', actions)), more, labels.moreChoices, labels);
    }
    expect(offered).toEqual(actions.map((a) => a.value));
  });

  it('sends text over 1,024 characters first, keeping its end as the body of the choice', () => {
    const text = Array.from({ length: 60 }, (_, i) => `This is sentence ${i}.`).join(' ');
    const messages = renderActivity(withActions(text, [imBack('OK', 'ok')]), labels);
    expect(messages[0].type).toBe('text');
    const last = messages[messages.length - 1];
    expect(last.type).toBe('interactive');
    const all = messages.map((m) => (m.type === 'text' ? m.text.body : m.type === 'interactive' ? m.interactive.body.text : '')).join(' ');
    expect(all).toBe(text);
  });

  it('asks for a location when the bot marks the message so', () => {
    const [message] = renderActivity({ type: 'message', text: 'Where are you?', channelData: { requestLocation: true } }, labels);
    expect(message).toEqual({ type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Where are you?' }, action: { name: 'send_location' } } });
  });

  it('shows call and link actions as text lines, since WhatsApp replies cannot open them', () => {
    const messages = renderActivity(withActions('Call for help', [{ type: 'call', title: 'Childline', value: 'tel:1098' }, imBack('Menu', 'cmd:menu')]), labels);
    expect(messages[0]).toMatchObject({ type: 'interactive', interactive: { body: { text: 'Call for help\nChildline: 1098' } } });
  });

  it('uses the label as body when the bot offers choices without text', () => {
    const [message] = renderActivity(withActions('', [imBack('Yes')]), labels);
    expect(message.type === 'interactive' && message.interactive.body.text).toBe('Please choose one:');
  });

  it('renders any suggested actions in any language within every limit (property)', () => {
    const title = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60, size: 'max' }),
      fc.string({ unit: fc.constantFrom(...'অআকখগঘঙচছজৰৱশষসহক্ষািীুূৃেৈোৌ্ংঁ '.split('')), maxLength: 60, size: 'max' }),
      fc.string({ unit: fc.constantFrom(...'अआकखगघचछजझटठडढणतथदधनपफबभमयरलवशसहािीुूेैोौ्ंँ '.split('')), maxLength: 60, size: 'max' }),
      fc.string({ unit: 'binary', maxLength: 40, size: 'max' }),
    );
    const action = fc.record({ type: fc.constantFrom('imBack', 'postBack', 'messageBack', 'call', 'openUrl'), title, value: fc.oneof(title, fc.string({ maxLength: 250, size: 'max' })) });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 6000, size: 'max' }), fc.array(action, { maxLength: 25, size: 'max' }), fc.boolean(), (text, actions, requestLocation) => {
        const messages = renderActivity({ type: 'message', text, suggestedActions: { to: [], actions }, channelData: { requestLocation } }, labels);
        expect(messages.flatMap(brokenLimits)).toEqual([]);
      }),
      { seed: 20261205, numRuns: 150 },
    );
  });
});
