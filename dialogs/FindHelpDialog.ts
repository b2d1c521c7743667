import type { TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { message, type Button, type Replies } from '../bots/replies';
import { langOf } from '../bots/state';
import { toGeoPoint, type Directory, type District, type GeoPoint, type Person, type PinLookup, type ServiceKind } from '../services/directory';
import { districtPage } from './findHelp/districtPages';
import { renderService, type Found, type RenderDeps } from './findHelp/render';
import { isWhoChoice, kindsAskedFor, WHO_CHOICES, type WhoChoice } from './findHelp/request';
import { JOURNEY, type JourneyOptions } from './journeys';

/** What the journey carries from one turn to the next (and into itself when it starts over). */
export interface FindHelpOptions extends JourneyOptions {
  kinds?: ServiceKind[];
  /** who needs help; null once asked and not told */
  person?: Person | null;
  districtId?: string;
  point?: GeoPoint;
  /** the page of the district list to show */
  page?: number;
  /** why "where are you?" is asked again, and the districts to offer when a name was not found */
  notice?: Notice;
  closest?: string[];
  /** the districts a typed PIN code may be in (ids), for the person to pick from */
  candidates?: string[];
}

/** Why "where are you?" is asked (again): each is a findHelp:<notice> sentence. */
type Notice = 'notFound' | 'badLocation' | 'outsideAssam' | 'askPin' | 'pinChoose' | 'pinOutsideAssam' | 'pinLength' | 'pinUnknown';

/** Where the person is, read from one message. */
type Where =
  | { kind: 'point'; point: GeoPoint }
  | { kind: 'district'; district: District }
  | { kind: 'page'; page: number }
  | { kind: 'notFound'; closest: District[] }
  /** a PIN code that may be in several districts: the person picks (the table is not verified) */
  | { kind: 'pinChoose'; districts: District[] }
  | { kind: 'badLocation' | 'outsideAssam' | 'askPin' | 'pinOutsideAssam' | 'pinLength' | 'pinUnknown' | 'none' };

interface Request {
  kinds: ServiceKind[];
  person?: Person | null;
  districtId?: string;
  point?: GeoPoint;
  askedWho?: boolean;
}

const STEPS = `${JOURNEY.findHelp}.steps`;
const VALUE = { who: 'findHelp:who:', district: 'findHelp:district:', page: 'findHelp:page:', again: 'findHelp:again', pin: 'findHelp:pin' } as const;
/** The phone line: its callers cannot type a place name, but can key in a PIN code (ended by #). */
const PIN_KEY_CHANNELS = new Set(['ivr']);
/** Nearest of one kind when only one kind was asked for ("the nearest One Stop Centre"). */
const NEAREST_OF_ONE_KIND = 3;

/**
 * "Find help nearby": who needs help (only where it changes the answer: a One Stop Centre takes
 * girls, women and boys up to 8), where they are (a shared location, a typed place in any script,
 * or a pick from the paged district list), then the nearest services, ending with 112 and 1098.
 */
export class FindHelpDialog extends ComponentDialog {
  constructor(
    private readonly replies: Replies,
    private readonly directory: Directory,
  ) {
    super(JOURNEY.findHelp);
    this.addDialog(
      new WaterfallDialog(STEPS, [
        (step) => this.askWho(step),
        (step) => this.askWhere(step),
        (step) => this.answer(step),
        (step) => this.afterAnswer(step),
      ]),
    );
  }

  private async askWho(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as FindHelpOptions;
    const starting = options.kinds === undefined;
    const text = starting ? (options.text ?? '') : '';
    const request: Request = {
      kinds: options.kinds ?? kindsAskedFor(text),
      person: options.person,
      districtId: options.districtId ?? (text ? this.directory.findPlace(text).found?.district.id : undefined),
      point: options.point,
    };
    (step.values as { request: Request }).request = request;
    if (request.person !== undefined || !request.kinds.includes('osc')) return step.next();
    request.askedWho = true;
    const choices = Object.keys(WHO_CHOICES) as WhoChoice[];
    await this.replies.say(step.context, 'findHelp:askWho', choices.map((c) => this.replies.button(step.context, `findHelp:who.${c}`, `${VALUE.who}${c}`)));
    return Dialog.EndOfTurn;
  }

  private async askWhere(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = requestOf(step);
    if (request.askedWho) {
      const answer = valueOf(step.context);
      const choice = answer.startsWith(VALUE.who) ? answer.slice(VALUE.who.length) : '';
      request.person = isWhoChoice(choice) ? (WHO_CHOICES[choice] ?? null) : null;
      // A place typed instead of an answer is taken as the answer to the next question.
      if (!isWhoChoice(choice)) {
        const where = this.whereFrom(step.context);
        if (where.kind === 'district') request.districtId = where.district.id;
        if (where.kind === 'point') request.point = where.point;
        const pin = pinOptions(where);
        if (pin) return step.replaceDialog(STEPS, { kinds: request.kinds, person: request.person, ...pin });
      }
    }
    if (request.districtId || request.point) return step.next();
    const options = (step.options ?? {}) as FindHelpOptions;
    const closest = (options.closest ?? []).map((id) => this.directory.district(id)).filter((d): d is District => d !== undefined);
    const candidates = (options.candidates ?? []).map((id) => this.directory.district(id)).filter((d): d is District => d !== undefined);
    if (options.notice === 'askPin') {
      // No buttons: on the phone line this makes the call take keys ended by #.
      await this.replies.say(step.context, 'findHelp:askPin');
    } else if (options.notice === 'pinChoose' && candidates.length > 0) {
      await this.replies.say(step.context, 'findHelp:pinChoose', [
        ...candidates.map((d) => this.districtButton(step.context, d)),
        this.replies.button(step.context, 'findHelp:buttons.otherDistrict', `${VALUE.page}0`),
      ]);
    } else if (options.notice === 'notFound' && closest.length > 0) {
      await this.replies.say(step.context, 'findHelp:notFound', [
        ...closest.map((d) => this.districtButton(step.context, d)),
        this.replies.button(step.context, 'findHelp:buttons.allDistricts', `${VALUE.page}0`),
      ]);
    } else {
      const intro = options.notice === 'notFound' ? 'findHelp:notFoundList' : options.notice ? `findHelp:${options.notice}` : 'findHelp:askWhere';
      await this.sendDistrictPage(step.context, options.page ?? 0, intro);
    }
    return Dialog.EndOfTurn;
  }

  private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = requestOf(step);
    const carried: FindHelpOptions = { kinds: request.kinds, person: request.person ?? null };
    const where: Where = request.point
      ? { kind: 'point', point: request.point }
      : request.districtId
        ? districtWhere(this.directory.district(request.districtId))
        : this.whereFrom(step.context);
    // The location is used for this answer only; the conversation state does not keep it.
    delete request.point;
    delete (step.options as FindHelpOptions | undefined)?.point;
    switch (where.kind) {
      case 'point':
      case 'district':
        await this.sendServices(step.context, request, where);
        return Dialog.EndOfTurn;
      case 'page':
        return step.replaceDialog(STEPS, { ...carried, page: where.page });
      case 'notFound':
        return step.replaceDialog(STEPS, { ...carried, notice: 'notFound', closest: where.closest.map((d) => d.id) });
      case 'pinChoose':
        return step.replaceDialog(STEPS, { ...carried, ...pinOptions(where) });
      case 'none':
        return step.replaceDialog(STEPS, carried);
      default:
        return step.replaceDialog(STEPS, { ...carried, notice: where.kind });
    }
  }

  private async afterAnswer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = requestOf(step);
    const carried: FindHelpOptions = { kinds: request.kinds, person: request.person ?? null };
    if (valueOf(step.context) === VALUE.again) return step.replaceDialog(STEPS, carried);
    const where = this.whereFrom(step.context);
    if (where.kind === 'district') return step.replaceDialog(STEPS, { ...carried, districtId: where.district.id });
    if (where.kind === 'point') return step.replaceDialog(STEPS, { ...carried, point: where.point });
    const pin = pinOptions(where);
    if (pin) return step.replaceDialog(STEPS, { ...carried, ...pin });
    await this.replies.sendMenu(step.context);
    return step.endDialog();
  }

  /**
   * The nearest service of each kind asked for (the nearest few when one kind was asked for from a
   * shared location), closest first. From a district, its headquarters is the origin.
   */
  private async nearby(request: Request, where: Extract<Where, { kind: 'point' | 'district' }>): Promise<Found[]> {
    const person = request.person ?? undefined;
    const origin = where.kind === 'point' ? where.point : where.district.location;
    const perKind = request.kinds.length === 1 && where.kind === 'point' ? NEAREST_OF_ONE_KIND : 1;
    const byKind = await Promise.all(request.kinds.map((kind) => this.directory.nearest(origin, { kinds: [kind], person }, perKind)));
    return byKind
      .flat()
      .sort((a, b) => a.distanceKm - b.distanceKm)
      .map((n) => ({
        service: n.service,
        distanceKm: where.kind === 'point' ? n.distanceKm : undefined,
        district: n.service.districtId ? this.directory.district(n.service.districtId) : undefined,
      }));
  }

  /** The services found, one message each, then 112 and 1098 with what to do next. */
  private async sendServices(context: TurnContext, request: Request, where: Extract<Where, { kind: 'point' | 'district' }>): Promise<void> {
    const lang = langOf(context);
    const person = request.person ?? undefined;
    const found = await this.nearby(request, where);
    const t = (key: string, vars?: Record<string, unknown>) => this.replies.t(context, key, vars);
    const deps: RenderDeps = { t, lang, channelId: context.activity.channelId ?? '' };
    const title = where.kind === 'point' ? t('findHelp:nearTitle') : t('findHelp:districtTitle', { district: where.district.name[lang] });
    const notes = [title];
    if (request.kinds.includes('osc') && person?.who === 'boy' && !found.some((f) => f.service.kind === 'osc')) notes.push(t('findHelp:oscNotForBoy'));
    if (found.length === 0) notes.push(t('findHelp:noneFound'));
    // Each service is a message of its own (a WhatsApp body holds 1,024 characters); the title leads the first.
    const [first, ...rest] = found.map((f) => renderService(deps, f, person));
    const texts = [[...notes, ...(first ? [first] : [])].join('\n\n'), ...rest];
    await context.sendActivities(texts.map((text) => message(text)));

    const closing = [this.replies.emergencyText(lang)];
    if (person?.who !== 'boy' && person?.who !== 'man') closing.push(t('findHelp:women181'));
    closing.push('', t('findHelp:after'));
    await context.sendActivity(
      message(closing.join('\n'), [
        this.replies.button(context, 'findHelp:buttons.again', VALUE.again),
        this.replies.button(context, 'common:buttons.counsellor', 'cmd:human'),
        this.replies.button(context, 'common:buttons.menu', 'cmd:menu'),
      ]),
    );
  }

  private async sendDistrictPage(context: TurnContext, requested: number, introKey: string): Promise<void> {
    const lang = langOf(context);
    const page = districtPage(this.directory.districts(), lang, requested);
    const buttons: Button[] = page.districts.map((d) => this.districtButton(context, d));
    // First, so a caller hears it before the district names (which have no Assamese audio yet).
    if (PIN_KEY_CHANNELS.has(context.activity.channelId ?? '')) buttons.unshift(this.replies.button(context, 'findHelp:buttons.pin', VALUE.pin));
    if (page.hasPrevious) buttons.push(this.replies.button(context, 'findHelp:buttons.previous', `${VALUE.page}${page.page - 1}`));
    if (page.hasNext) buttons.push(this.replies.button(context, 'findHelp:buttons.next', `${VALUE.page}${page.page + 1}`));
    const text = [this.replies.t(context, introKey), this.replies.t(context, 'findHelp:districtPage', { page: page.page + 1, pages: page.pages })];
    await context.sendActivity(message(text.join('\n'), buttons));
  }

  private districtButton(context: TurnContext, district: District): Button {
    return { title: district.name[langOf(context)], value: `${VALUE.district}${district.id}` };
  }

  /** Where the person is, from a shared location, a district or page button, a PIN code, or a typed place. */
  private whereFrom(context: TurnContext): Where {
    const location = (context.activity.entities ?? []).find((e) => e.type === 'GeoCoordinates');
    if (location) {
      const point = toGeoPoint(location.latitude, location.longitude);
      if (!point) return { kind: 'badLocation' };
      return this.directory.covers(point) ? { kind: 'point', point } : { kind: 'outsideAssam' };
    }
    const value = valueOf(context);
    if (value.startsWith(VALUE.page)) return { kind: 'page', page: Number(value.slice(VALUE.page.length)) || 0 };
    if (value.startsWith(VALUE.district)) return districtWhere(this.directory.district(value.slice(VALUE.district.length)));
    if (value === VALUE.pin) return { kind: 'askPin' };
    if (value === '') return { kind: 'none' };
    const pin = this.directory.pinCode(value);
    if (pin) return pinWhere(pin);
    const place = this.directory.findPlace(value);
    return place.found ? { kind: 'district', district: place.found.district } : { kind: 'notFound', closest: place.closest };
  }
}

/** The request as this run of the journey has built it so far (kept in the dialog's state). */
function requestOf(step: WaterfallStepContext): Request {
  return (step.values as { request: Request }).request;
}

/**
 * A PIN code's answer. Its district table is not verified, so it decides alone only when it names
 * exactly one district; otherwise the person picks from the candidates (or any other district).
 */
function pinWhere(pin: PinLookup): Where {
  switch (pin.kind) {
    case 'assam':
      return pin.districts.length === 1 ? { kind: 'district', district: pin.districts[0] } : { kind: 'pinChoose', districts: pin.districts };
    case 'outsideAssam':
      return { kind: 'pinOutsideAssam' };
    case 'badLength':
      return { kind: 'pinLength' };
    case 'unknown':
      return { kind: 'pinUnknown' };
  }
}

/** What "where are you?" needs to be asked again after a PIN code (or the PIN button); undefined for any other answer. */
function pinOptions(where: Where): Pick<FindHelpOptions, 'notice' | 'candidates'> | undefined {
  if (where.kind === 'pinChoose') return { notice: 'pinChoose', candidates: where.districts.map((d) => d.id) };
  if (where.kind === 'askPin' || where.kind === 'pinOutsideAssam' || where.kind === 'pinLength' || where.kind === 'pinUnknown') return { notice: where.kind };
  return undefined;
}

function districtWhere(district: District | undefined): Where {
  return district ? { kind: 'district', district } : { kind: 'none' };
}

/** A button's value or the typed text. */
function valueOf(context: TurnContext): string {
  const { value, text } = context.activity;
  return (typeof value === 'string' ? value : typeof text === 'string' ? text : '').trim();
}
