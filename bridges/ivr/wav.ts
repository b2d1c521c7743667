/**
 * Turns espeak-ng's WAV (16-bit mono PCM at 22050 Hz) into a telephone WAV: 16-bit mono PCM at
 * 8000 Hz, the rate a phone call carries, so the files are small and Twilio plays them as they are.
 */
export const PHONE_RATE = 8000;

interface Pcm {
  rate: number;
  samples: Int16Array;
}

function readPcm16Mono(wav: Buffer): Pcm {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let rate = 0;
  let at = 12;
  while (at + 8 <= wav.length) {
    const id = wav.toString('ascii', at, at + 4);
    // espeak-ng writing to a pipe leaves the sizes at 0x7fffffff: the data runs to the end.
    const size = Math.min(wav.readUInt32LE(at + 4), wav.length - at - 8);
    if (id === 'fmt ') {
      const format = wav.readUInt16LE(at + 8);
      const channels = wav.readUInt16LE(at + 10);
      const bits = wav.readUInt16LE(at + 22);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error('only 16-bit mono PCM WAV is supported');
      rate = wav.readUInt32LE(at + 12);
    } else if (id === 'data') {
      if (rate === 0) throw new Error('WAV data before its format');
      const data = wav.subarray(at + 8, at + 8 + size - (size % 2));
      const samples = new Int16Array(data.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
      return { rate, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV without a data chunk');
}

/** Each output sample is the mean of the input samples it covers: a box filter against aliasing. */
function resample(pcm: Pcm, rate: number): Int16Array {
  const ratio = pcm.rate / rate;
  const out = new Int16Array(Math.floor(pcm.samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const from = Math.floor(i * ratio);
    const to = Math.max(from + 1, Math.floor((i + 1) * ratio));
    let sum = 0;
    for (let j = from; j < to; j++) sum += pcm.samples[j];
    out[i] = Math.round(sum / (to - from));
  }
  return out;
}

export function writePcm16Mono(samples: Int16Array, rate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples.length * 2, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples.length * 2, 40);
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  return Buffer.concat([header, data]);
}

export function toPhoneWav(wav: Buffer): Buffer {
  const pcm = readPcm16Mono(wav);
  return writePcm16Mono(pcm.rate === PHONE_RATE ? pcm.samples : resample(pcm, PHONE_RATE), PHONE_RATE);
}

/** The sample rate and length in seconds of a 16-bit mono WAV (for checks and tests). */
export function describeWav(wav: Buffer): { rate: number; seconds: number } {
  const pcm = readPcm16Mono(wav);
  return { rate: pcm.rate, seconds: pcm.samples.length / pcm.rate };
}
