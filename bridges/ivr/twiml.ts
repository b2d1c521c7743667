import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import { spokenDigits, type Plan, type Utterance } from './plan';

/** Twilio's Indian voices (Amazon Polly): Twilio has none for Assamese, which is played from audio. */
const VOICES = {
  hi: { voice: 'Polly.Aditi', language: 'hi-IN' },
  en: { voice: 'Polly.Raveena', language: 'en-IN' },
} as const satisfies Record<string, VoiceResponse.SayAttributes>;

const GATHER_TIMEOUT_SECONDS = 6;
const DIAL_TIMEOUT_SECONDS = 25;

export interface TwimlUrls {
  /** Absolute URL of the gather webhook: key presses, speech and the outcome of a Dial come back here. */
  gather: string;
  /** The public base, for the audio paths. */
  base: string;
}

type Speaker = Pick<VoiceResponse, 'say' | 'play'>;

function speak(into: Speaker, utterance: Utterance, base: string): void {
  if (utterance.kind === 'play') {
    into.play(`${base}${utterance.path}`);
    return;
  }
  const text = spokenDigits(utterance.text);
  if (utterance.slow) into.say(VOICES[utterance.lang], '').prosody({ rate: 'slow' }, text);
  else into.say(VOICES[utterance.lang], text);
}

/** A Plan as TwiML, built with the twilio package's VoiceResponse (never by string concatenation). */
export function renderTwiml(plan: Plan, urls: TwimlUrls): string {
  const response = new twilio.twiml.VoiceResponse();
  const { next } = plan;
  if (next.kind === 'gather') {
    // The prompts go inside <Gather> so a caller who knows the menu can press a key at once.
    const gather = response.gather({
      action: urls.gather,
      method: 'POST',
      timeout: GATHER_TIMEOUT_SECONDS,
      actionOnEmptyResult: true,
      ...(next.keys === 'one' ? { numDigits: 1 } : { finishOnKey: '#' }),
      ...(next.speech ? { input: ['dtmf', 'speech'], language: VOICES[next.speech].language, speechTimeout: 'auto' } : { input: ['dtmf'] }),
    });
    for (const utterance of plan.speak) speak(gather, utterance, urls.base);
    return response.toString();
  }
  for (const utterance of plan.speak) speak(response, utterance, urls.base);
  if (next.kind === 'dial') {
    response.dial({ action: urls.gather, method: 'POST', timeout: DIAL_TIMEOUT_SECONDS, answerOnBridge: true }, next.number);
  } else {
    response.hangup();
  }
  return response.toString();
}
