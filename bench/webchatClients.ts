import WebSocket from 'ws';

/**
 * Child process of bench/webchat: opens COUNT web chat sockets to URL (with ORIGIN), waits for each
 * one's session event, prints "open N" and holds them until its stdin closes. Run apart from the
 * server so the server's memory figure holds only the server's half of each socket.
 */
async function main(): Promise<void> {
  const [url, origin, countText] = process.argv.slice(2);
  const count = Number(countText);
  const sockets: WebSocket[] = [];
  let open = 0;
  await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<void>((resolve) => {
        const ws = new WebSocket(url, { origin });
        sockets.push(ws);
        ws.on('message', (data) => {
          if (String(data).includes('"webchat/session"')) {
            open++;
            resolve();
          }
        });
        ws.on('error', () => resolve());
      }),
    ),
  );
  process.stdout.write(`open ${open}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
}

void main();
