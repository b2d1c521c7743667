import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssameseAudio, audioDir, fixedSentences, PHONE_BOT_SENTENCES, readManifest, textHash } from '../../bridges/ivr/assameseAudio';
import { describeWav, toPhoneWav, writePcm16Mono } from '../../bridges/ivr/wav';
import { loadResources } from '../../services/i18n';

const resources = loadResources();
const ivrKeys = Object.keys(resources.as.ivr ?? {});

describe('Assamese IVR prompt audio', () => {
  it('the ivr namespace has prompts', () => {
    expect(ivrKeys.length).toBeGreaterThan(10);
  });

  it('Hindi and English have exactly the Assamese prompt keys, so every prompt the call says is checked for audio below', () => {
    for (const lang of ['hi', 'en'] as const) expect(Object.keys(resources[lang].ivr ?? {}).sort()).toEqual([...ivrKeys].sort());
    for (const key of ['menuDanger', 'menuCounsellor', 'menuFindHelp', 'menuTeacher', 'keysMore', 'danger', 'danger1098', 'goodbye']) expect(ivrKeys).toContain(key);
  });

  it.each(ivrKeys)('ivr:%s has an audio file made from its current text (or an operator recording)', (key) => {
    const file = join(audioDir(), `ivr.${key}.wav`);
    expect(existsSync(file)).toBe(true);
    const generated = readManifest(audioDir())[`ivr.${key}`];
    if (generated !== undefined) expect(generated).toBe(textHash(String(resources.as.ivr[key])));
    const wav = describeWav(readFileSync(file));
    expect(wav.rate).toBe(8000);
    expect(wav.seconds).toBeGreaterThan(0.3);
  });

  it('every ivr prompt is playable through the catalogue', () => {
    const audio = AssameseAudio.load(resources.as);
    for (const key of ivrKeys) expect(audio.forKey(`ivr.${key}`)).toBe(`/ivr/audio/as/ivr.${key}.wav`);
    expect(audio.forText(String(resources.as.ivr.danger))).toBe('/ivr/audio/as/ivr.danger.wav');
  });

  it.each(PHONE_BOT_SENTENCES)('the bot sentence %s a caller must hear (find help by PIN code) plays from audio of its current text', (key) => {
    const text = fixedSentences(resources.as).get(key);
    expect(text).toBeDefined();
    expect(AssameseAudio.load(resources.as).forText(text!)).toBe(`/ivr/audio/as/${key}.wav`);
    const generated = readManifest(audioDir())[key];
    if (generated !== undefined) expect(generated).toBe(textHash(text!));
    expect(text).not.toMatch(/র/);
  });

  it('Assamese prompts use ৰ and never the Bengali র', () => {
    expect(JSON.stringify(resources.as.ivr)).not.toMatch(/র/);
  });
});

describe('AssameseAudio catalogue', () => {
  let dir: string;
  const wav = writePcm16Mono(new Int16Array(8000), 8000);
  const namespaces = { ivr: { hello: 'নমস্কাৰ', changed: 'নতুন কথা', withVar: 'নমস্কাৰ {{name}}' }, common: { steps: ['এক', 'দুই'] } };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivr-audio-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keys sentences by namespace and path, list items by index, and leaves out {{variables}}', () => {
    expect([...fixedSentences(namespaces).keys()]).toEqual(['ivr.hello', 'ivr.changed', 'common.steps.0', 'common.steps.1']);
  });

  it('does not play a rendered file whose text has changed, but always plays an operator recording', () => {
    for (const key of ['ivr.hello', 'ivr.changed', 'common.steps.1']) writeFileSync(join(dir, `${key}.wav`), wav);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ 'ivr.hello': textHash('নমস্কাৰ'), 'ivr.changed': textHash('পুৰণি কথা') }));
    const audio = AssameseAudio.load(namespaces, dir);
    expect(audio.forKey('ivr.hello')).toBe('/ivr/audio/as/ivr.hello.wav');
    expect(audio.forKey('ivr.changed')).toBeUndefined();
    expect(audio.forText('দুই')).toBe('/ivr/audio/as/common.steps.1.wav');
    expect(audio.forText('এক')).toBeUndefined();
  });
});

describe('telephone WAV', () => {
  it('turns 22050 Hz speech into 8 kHz of the same length, keeping a steady level', () => {
    const samples = new Int16Array(22050).fill(1000);
    const out = toPhoneWav(writePcm16Mono(samples, 22050));
    expect(describeWav(out)).toEqual({ rate: 8000, seconds: 1 });
    expect(out.readInt16LE(44 + 2 * 4000)).toBe(1000);
  });

  it('reads espeak-ng streamed output, whose chunk sizes are left at 0x7fffffff', () => {
    const wav = writePcm16Mono(new Int16Array(2205).fill(-5), 22050);
    wav.writeUInt32LE(0x7fffffff, 4);
    wav.writeUInt32LE(0x7fffffff, 40);
    expect(describeWav(toPhoneWav(wav)).seconds).toBeCloseTo(0.1, 2);
  });

  it('refuses what is not 16-bit mono PCM', () => {
    expect(() => toPhoneWav(Buffer.from('not a wav at all, just text'))).toThrow('not a WAV file');
    const stereo = writePcm16Mono(new Int16Array(10), 8000);
    stereo.writeUInt16LE(2, 22);
    expect(() => toPhoneWav(stereo)).toThrow('16-bit mono');
  });
});
