import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { renderService } from '../dialogs/findHelp/render';
import type { Directory, ServiceEntry } from '../services/directory';
import type { HandoffChat } from '../services/handoff/types';
import { BadRequest, readJsonObject } from '../services/http/body';
import { route, sendJson } from '../services/http/server';
import type { Translator } from '../services/i18n';
import { authenticate, ownChat, type Caller, type ConsoleContext } from './context';
import { messageView } from './views';

/** How many services near the district's headquarters the panel offers (the statewide helplines come on top). */
export const NEAREST_SERVICES = 6;
const CHAT_ID = /^[\w-]{1,64}$/;
const DISTRICT_ID = /^[a-z0-9-]{1,60}$/;
const SERVICE_ID = /^[a-z0-9][a-z0-9-]{0,79}$/;

type ApiHandler = (caller: Caller, req: Request, res: Response) => Promise<void>;

function chatId(req: Request): string {
  const id = String(req.params?.id ?? '');
  if (!CHAT_ID.test(id)) throw new BadRequest(400, 'chat id is malformed');
  return id;
}

/**
 * The nearest-services panel: for a chat's district (or one the counsellor picks when the bot did not
 * learn it), the services nearest its headquarters and the statewide helplines, each with the card the
 * user would get from the bot's own "find help" (name, address, numbers, hours, in the user's language),
 * which one click sends as the counsellor's message.
 */
export function registerServiceRoutes(server: Server, ctx: ConsoleContext, directory: Directory, i18n: Translator): void {
  const read = (handler: ApiHandler) => route(ctx.logger, async (req, res) => handler(await authenticate(ctx, req, false), req, res));
  const change = (handler: ApiHandler) => route(ctx.logger, async (req, res) => handler(await authenticate(ctx, req, true), req, res));

  const districtOf = (chat: HandoffChat, asked: unknown): string | null => {
    if (asked !== undefined && asked !== null && asked !== '') {
      if (typeof asked !== 'string' || !DISTRICT_ID.test(asked) || !directory.district(asked)) throw new BadRequest(400, 'district must be a district id such as kamrup-metropolitan');
      return asked;
    }
    if (!chat.district) return null;
    // The bot records a district id; an older chat (or another bridge) may carry its name.
    return directory.district(chat.district)?.id ?? directory.findPlace(chat.district).found?.district.id ?? null;
  };

  const servicesFor = async (districtId: string | null): Promise<{ service: ServiceEntry; distanceKm: number | null }[]> => {
    const statewide = (await directory.statewide()).map((service) => ({ service, distanceKm: null }));
    const district = districtId ? directory.district(districtId) : undefined;
    if (!district) return statewide;
    const near = await directory.nearest(district.location, {}, NEAREST_SERVICES);
    return [...near.map((n) => ({ service: n.service, distanceKm: Math.round(n.distanceKm * 10) / 10 })), ...statewide];
  };

  const card = (chat: HandoffChat, service: ServiceEntry): string => {
    const district = service.districtId ? directory.district(service.districtId) : undefined;
    return renderService({ t: (key, vars) => i18n.t(chat.language, key, vars), lang: chat.language, channelId: chat.channel }, { service, district }, undefined);
  };

  const districts = directory.districts().map((d) => ({ id: d.id, name: d.name.en })).sort((a, b) => a.name.localeCompare(b.name));
  server.get('/console/api/districts', read(async (_caller, _req, res) => sendJson(res, 200, { districts })));

  server.get('/console/api/chats/:id/services', read(async (caller, req, res) => {
    const chat = await ownChat(ctx, caller, chatId(req));
    const districtId = districtOf(chat, new URL(req.url ?? '/', 'http://console').searchParams.get('district'));
    const found = await servicesFor(districtId);
    sendJson(res, 200, {
      district: districtId,
      services: found.map(({ service, distanceKm }) => ({
        id: service.id,
        kind: service.kind,
        name: service.name.en,
        localName: service.name[chat.language],
        phones: service.phones.length > 0 ? service.phones : [service.referralPhone ?? '1098'],
        address: service.address?.en ?? null,
        districtId: service.districtId ?? null,
        distanceKm,
        verified: service.verified,
        card: card(chat, service),
      })),
    });
  }));

  server.post('/console/api/chats/:id/services', change(async (caller, req, res) => {
    const id = chatId(req);
    const body = await readJsonObject(req, 4096);
    if (typeof body.serviceId !== 'string' || !SERVICE_ID.test(body.serviceId)) throw new BadRequest(400, 'serviceId must be a service id such as osc-jorhat');
    const chat = await ownChat(ctx, caller, id);
    if (chat.state !== 'active') throw new BadRequest(409, 'this chat is no longer active');
    const service = (await servicesFor(districtOf(chat, body.district))).find((s) => s.service.id === body.serviceId)?.service;
    if (!service) throw new BadRequest(404, 'no such service near this district');
    const stored = await ctx.handoff.post(id, { msgId: `console:${randomUUID()}`, from: 'counsellor', to: 'user', text: card(chat, service) }, caller.actor);
    if (!stored) throw new BadRequest(409, 'this chat is no longer active');
    await ctx.audit.record(caller.account.username, 'send-service', id, service.id);
    sendJson(res, 200, { message: messageView(stored) });
  }));
}
