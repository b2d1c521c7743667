import autocannon from 'autocannon';
import { keepAliveAgent, LoadRecorder, postJson, sleepUntil, WARM_UP_MS } from './pacedRequests';
import type { LoadResult } from './processes';

/**
 * The load generator for POST /api/messages, run as its own process so it does not share the event
 * loop it measures: `node dist/bench/loadgen.js '{"url":..., "connections":32, "seconds":5, "texts":[...]}'`.
 * Each connection is one conversation. Without `rate`, every conversation sends its next message as
 * soon as the last is answered (autocannon, closed loop: the most the service can take). With
 * `rate` (messages a second in all), the conversations' messages are spread evenly over time, each
 * sent when due or as soon as the conversation's previous one is answered. Prints a LoadResult as JSON.
 */
export interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  texts: string[];
  rate?: number;
}

function activity(conversation: string, turn: number, texts: string[]): string {
  return JSON.stringify({
    type: 'message',
    channelId: 'emulator',
    deliveryMode: 'expectReplies',
    serviceUrl: 'http://127.0.0.1:1',
    conversation: { id: conversation },
    from: { id: `u-${conversation}` },
    recipient: { id: 'bot' },
    text: texts[turn % texts.length],
  });
}

async function saturate(spec: LoadSpec): Promise<LoadResult> {
  let nextConversation = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req, ctx) => {
          const context = ctx as Record<string, unknown>;
          context.conversation ??= `bench-${process.pid}-${nextConversation++}`;
          const turn = ((context.turn as number | undefined) ?? 0) + 1;
          context.turn = turn;
          return { ...req, body: activity(String(context.conversation), turn, spec.texts) };
        },
      },
    ],
  });
  return { requests: result.requests, latency: result.latency, errors: result.errors, non2xx: result.non2xx, timeouts: result.timeouts };
}

async function paced(spec: LoadSpec, rate: number): Promise<LoadResult> {
  const target = new URL(spec.url);
  const agent = keepAliveAgent(spec.connections);
  const recorder = new LoadRecorder();
  const interval = (1000 * spec.connections) / rate;
  const start = performance.now();
  const measureFrom = start + WARM_UP_MS;
  const end = measureFrom + spec.seconds * 1000;
  let total = 0;
  const conversation = async (index: number) => {
    const id = `bench-${process.pid}-paced-${index}`;
    for (let turn = 0; ; turn++) {
      const dueAt = start + (index / spec.connections + turn) * interval;
      if (dueAt >= end) return;
      await sleepUntil(dueAt);
      const outcome = await postJson(agent, target, activity(id, turn, spec.texts));
      if (dueAt < measureFrom) continue;
      total++;
      recorder.record(outcome, dueAt);
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, (_, i) => conversation(i)));
  agent.destroy();
  return recorder.summary(total, Math.max((performance.now() - measureFrom) / 1000, spec.seconds));
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  const result = spec.rate ? await paced(spec, spec.rate) : await saturate(spec);
  process.stdout.write(JSON.stringify(result));
}

void main();
