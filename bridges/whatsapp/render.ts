import type { Activity, CardAction } from 'botbuilder';
import { LIMITS, type GraphMessage, type ListRow } from './graphMessages';
import { fitTitle, oneLine, splitText, uniqueTitles } from './textLimits';

/** The bridge's own words around a choice, in the user's language (locales/<lng>/whatsapp.json). */
export interface RenderLabels {
  /** The list's button ("Choose"). */
  listButton: string;
  /** The body when the bot offered choices without text. */
  chooseBody: string;
  /** The body of the second and later pages when there are more than 10 choices. */
  moreChoices: string;
  /** The last row of a page that has more after it. */
  moreRow: string;
}

export interface Choice {
  title: string;
  value: string;
}

/** Actions that open something rather than answer: shown as a line of text (WhatsApp has no such reply). */
const LINK_ACTIONS = new Set(['openUrl', 'call', 'downloadFile', 'showImage', 'playAudio', 'playVideo']);

/** The id of a "more" row: the bridge answers it with the next page, the bot never sees it. */
const MORE_PREFIX = '~more:';

/** The offset of the page a tapped "more" row asks for, or undefined for any other reply. */
export function moreOffset(replyId: string): number | undefined {
  if (!replyId.startsWith(MORE_PREFIX)) return undefined;
  const offset = Number(replyId.slice(MORE_PREFIX.length));
  return Number.isInteger(offset) && offset > 0 ? offset : undefined;
}

/** The choices a message offers (its suggested actions that answer rather than open something), once each. */
export function choicesOf(activity: Partial<Activity>): Choice[] {
  const actions = (activity.suggestedActions?.actions ?? []) as CardAction[];
  return uniqueByValue(actions.filter((a) => !LINK_ACTIONS.has(a.type)).map(choiceOf));
}

/**
 * Renders one bot message activity as WhatsApp messages within every documented limit:
 * text split at 4,096 characters on sentence ends; up to 3 short choices as reply buttons;
 * longer or more choices as a list of at most 10 rows (the full title in the row description),
 * paged with a "more" row past 10; `channelData.requestLocation` as a location request.
 */
export function renderActivity(activity: Partial<Activity>, labels: RenderLabels): GraphMessage[] {
  const actions = (activity.suggestedActions?.actions ?? []) as CardAction[];
  const links = actions.filter((a) => LINK_ACTIONS.has(a.type)).map(linkLine);
  const choices = choicesOf(activity);
  const text = [activity.text ?? '', ...links].filter((t) => t.trim()).join('\n');
  const wantsLocation = (activity.channelData as { requestLocation?: unknown } | undefined)?.requestLocation === true;

  if (choices.length === 0 && !wantsLocation) return splitText(text, LIMITS.text).map(textMessage);

  const { lead, body } = leadAndBody(text, labels.chooseBody);
  const out = lead.map(textMessage);
  if (wantsLocation) {
    out.push({ type: 'interactive', interactive: { type: 'location_request_message', body: { text: body }, action: { name: 'send_location' } } });
    if (choices.length > 0) out.push(choiceMessage(choices, labels.chooseBody, labels));
  } else {
    out.push(choiceMessage(choices, body, labels));
  }
  return out;
}

function textMessage(body: string): GraphMessage {
  return { type: 'text', text: { body, preview_url: false } };
}

function choiceOf(action: CardAction): Choice {
  const title = oneLine(String(action.title ?? '')) || oneLine(String(action.value ?? ''));
  const raw = typeof action.value === 'string' ? action.value : String(action.title ?? '');
  // A reply id is at most 200 characters; bots keep values short ("menu:report"), so a cut is a last resort.
  return { title, value: raw.slice(0, LIMITS.replyId) || title.slice(0, LIMITS.replyId) };
}

function linkLine(action: CardAction): string {
  const target = String(action.value ?? '').replace(/^tel:/, '');
  return `${oneLine(String(action.title ?? ''))}: ${target}`;
}

function uniqueByValue(choices: Choice[]): Choice[] {
  const seen = new Set<string>();
  // A choice with neither title nor value says nothing; a repeated value is the same choice.
  return choices.filter((c) => c.value !== '' && (seen.has(c.value) ? false : (seen.add(c.value), true)));
}

/** An interactive body holds 1,024 characters: longer text goes first as plain messages, its end as the body. */
function leadAndBody(text: string, fallback: string): { lead: string[]; body: string } {
  const pieces = splitText(text, LIMITS.interactiveBody);
  if (pieces.length === 0) return { lead: [], body: fitTitle(fallback, LIMITS.interactiveBody) };
  const body = pieces[pieces.length - 1];
  const leadText = text.trim().slice(0, text.trim().lastIndexOf(body));
  return { lead: splitText(leadText, LIMITS.text), body };
}

function choiceMessage(choices: Choice[], body: string, labels: RenderLabels): GraphMessage {
  const fitsButtons = choices.length <= LIMITS.buttons && choices.every((c) => c.title.length <= LIMITS.buttonTitle);
  if (!fitsButtons) return renderChoicePage(choices, 0, body, labels);
  const titles = uniqueTitles(choices.map((c) => c.title), LIMITS.buttonTitle);
  const buttons = choices.map((c, i) => ({ type: 'reply' as const, reply: { id: c.value, title: titles[i] } }));
  return { type: 'interactive', interactive: { type: 'button', body: { text: body }, action: { buttons } } };
}

/**
 * One page of a list from `offset`: up to 10 rows, or 9 and a "more" row when more follow.
 * Later pages are sent by the bridge when "more" is tapped (the adapter keeps the choices).
 */
export function renderChoicePage(choices: Choice[], offset: number, body: string, labels: RenderLabels): GraphMessage {
  const rest = choices.slice(offset);
  const page = rest.length > LIMITS.rows ? rest.slice(0, LIMITS.rows - 1) : rest;
  const titles = uniqueTitles([...page.map((c) => c.title), ...(page.length < rest.length ? [labels.moreRow] : [])], LIMITS.rowTitle);
  const rows = page.map((c, i): ListRow => {
    const row: ListRow = { id: c.value, title: titles[i] };
    // A shortened title keeps its meaning in the description, which shows under it.
    if (titles[i] !== c.title) row.description = fitTitle(c.title, LIMITS.rowDescription);
    return row;
  });
  if (page.length < rest.length) rows.push({ id: `${MORE_PREFIX}${offset + page.length}`, title: titles[page.length] });
  const button = fitTitle(labels.listButton, LIMITS.listButton) || '…';
  return { type: 'interactive', interactive: { type: 'list', body: { text: body }, action: { button, sections: [{ rows }] } } };
}
