import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import twilio from 'twilio';
import type { Config } from '../../services/config';
import { BadRequest, readForm } from '../../services/http/body';
import { errSummary, route, sendText } from '../../services/http/server';
import { createI18n, loadResources, type Translator } from '../../services/i18n';
import type { Logger } from '../../services/logger';
import type { Redis } from '../../services/redis';
import { AssameseAudio, audioDir } from './assameseAudio';
import type { CallbackDesk } from './callbacks';
import { CallFlow, type CallStart } from './callFlow';
import { MemoryCallStore, RedisCallStore } from './callState';
import { callerPseudonym, IvrAdapter, type TurnHandler } from './IvrAdapter';
import type { Plan } from './plan';
import { renderTwiml, type TwimlUrls } from './twiml';
import { Voice } from './voice';

export const IVR_PATHS = {
  voice: '/api/ivr/twilio/voice',
  gather: '/api/ivr/twilio/gather',
  audio: '/ivr/audio/as/:file',
} as const;

export interface IvrDeps {
  config: Pick<Config, 'TWILIO_AUTH_TOKEN' | 'IVR_TRANSFER_NUMBER' | 'REDIS_KEY_PREFIX' | 'publicBaseUrl'>;
  /** Per-call state; undefined in demo mode (kept in this process). */
  redis?: Redis;
  bot: TurnHandler;
  logger: Logger;
  /** Installs the shared error answer and middleware (bots/configureAdapter). */
  configureAdapter: (adapter: IvrAdapter) => void;
  /** Where "call me back" requests go: the handoff queue. */
  callbacks: CallbackDesk;
  i18n?: Translator;
  audio?: AssameseAudio;
  /** A bot turn slower than this gets an apology instead (default 8 s: Twilio gives up after 15 s). */
  turnTimeoutMs?: number;
}

const DEFAULT_TURN_TIMEOUT_MS = 8000;

const CALL_SID = /^[A-Za-z0-9]{10,64}$/;
const AUDIO_FILE = /^[A-Za-z0-9_.-]+\.wav$/;

/**
 * The phone line's routes: Twilio's voice and gather webhooks (signature checked against
 * PUBLIC_BASE_URL + path before anything happens) and the Assamese prompt audio. Off, with
 * nothing registered, while TWILIO_AUTH_TOKEN is unset.
 */
export function registerIvr(server: Server, deps: IvrDeps): IvrAdapter | undefined {
  const { config, logger } = deps;
  const authToken = config.TWILIO_AUTH_TOKEN;
  if (!authToken) {
    logger.info('IVR bridge off: TWILIO_AUTH_TOKEN is not set');
    return undefined;
  }
  const i18n = deps.i18n ?? createI18n();
  const audio = deps.audio ?? AssameseAudio.load(loadResources().as);
  const adapter = new IvrAdapter(deps.bot, config.publicBaseUrl);
  deps.configureAdapter(adapter);
  const flow = new CallFlow({
    store: deps.redis ? new RedisCallStore(deps.redis, config.REDIS_KEY_PREFIX) : new MemoryCallStore(),
    adapter,
    voice: new Voice(i18n, audio),
    callbacks: deps.callbacks,
    transferNumber: config.IVR_TRANSFER_NUMBER,
    turnTimeoutMs: deps.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS,
    logger,
  });
  const urls: TwimlUrls = { gather: `${config.publicBaseUrl}${IVR_PATHS.gather}`, base: config.publicBaseUrl };

  /** Reads the form and refuses it (403) unless Twilio signed exactly this URL and these fields. */
  const signedCall = async (req: Request): Promise<{ params: Record<string, string>; call: CallStart }> => {
    const params = await readForm(req);
    const signature = req.header('x-twilio-signature');
    if (!signature) throw new BadRequest(403, 'missing X-Twilio-Signature');
    if (!twilio.validateRequest(authToken, signature, `${config.publicBaseUrl}${req.url ?? ''}`, params)) {
      throw new BadRequest(403, 'X-Twilio-Signature does not match');
    }
    const callSid = params.CallSid ?? '';
    if (!CALL_SID.test(callSid)) throw new BadRequest(400, 'CallSid is missing or malformed');
    const from = params.From ?? '';
    return { params, call: { callSid, from, callerId: callerPseudonym(authToken, from, callSid) } };
  };
  /** A signed request always gets TwiML: if the call state cannot be reached, the numbers in every language. */
  const answer = async (res: Response, plan: () => Promise<Plan>) => {
    let xml: string;
    try {
      xml = renderTwiml(await plan(), urls);
    } catch (err) {
      logger.error({ err: errSummary(err) }, 'ivr webhook failed');
      xml = renderTwiml(flow.faultPlan(), urls);
    }
    sendText(res, 200, xml, 'text/xml; charset=utf-8');
  };

  server.post(IVR_PATHS.voice, route(logger, async (req, res) => {
    const { call } = await signedCall(req);
    await answer(res, () => flow.start(call));
  }));

  server.post(IVR_PATHS.gather, route(logger, async (req, res) => {
    const { params, call } = await signedCall(req);
    await answer(res, () => flow.answer({ ...call, digits: params.Digits, speech: params.SpeechResult, dialStatus: params.DialCallStatus }));
  }));

  server.get(IVR_PATHS.audio, route(logger, async (req, res) => {
    const file = String(req.params.file ?? '');
    if (!AUDIO_FILE.test(file)) throw new BadRequest(404, 'no such prompt');
    const wav = await readFile(join(audioDir(), file)).catch(() => undefined);
    if (!wav) throw new BadRequest(404, 'no such prompt');
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length, 'cache-control': 'public, max-age=3600' });
    res.end(wav);
  }));

  logger.info({ transfer: Boolean(config.IVR_TRANSFER_NUMBER) }, 'IVR bridge on');
  return adapter;
}
