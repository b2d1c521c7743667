import autocannon from 'autocannon';

/**
 * The load generator, run as its own process so it does not share the event loop it measures:
 * `node dist/bench/loadgen.js '{"url":..., "connections":32, "seconds":5, "texts":[...]}'`.
 * Each connection is one conversation; it prints autocannon's result as JSON on stdout.
 */
interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  texts: string[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
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
          return {
            ...req,
            body: JSON.stringify({
              type: 'message',
              channelId: 'emulator',
              deliveryMode: 'expectReplies',
              serviceUrl: 'http://127.0.0.1:1',
              conversation: { id: context.conversation },
              from: { id: `u-${String(context.conversation)}` },
              recipient: { id: 'bot' },
              text: spec.texts[turn % spec.texts.length],
            }),
          };
        },
      },
    ],
  });
  process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, errors: result.errors, non2xx: result.non2xx, timeouts: result.timeouts }));
}

void main();
