#!/usr/bin/env node
// Runs a command with a Redis that answers: the one at REDIS_URL (default redis://127.0.0.1:6379)
// when it answers PING, otherwise a private `redis-server` on a free port, stopped afterwards.
// The command sees REDIS_URL pointing at the Redis it should use.
'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

const wanted = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function ping(url) {
  return new Promise((resolve) => {
    let u;
    try { u = new URL(url); } catch { resolve(false); return; }
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      const auth = u.password ? `AUTH ${decodeURIComponent(u.password)}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    socket.on('data', (d) => done(d.toString().includes('PONG')));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) { console.error('usage: with-redis.js COMMAND [ARGS...]'); process.exit(2); }
  let url = wanted;
  let own;
  if (!(await ping(wanted))) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sishu-redis-'));
    own = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    own.on('error', (e) => { console.error(`with-redis: cannot start redis-server (${e.message}); install it (apt-get install redis-server)`); process.exit(1); });
    url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && !(await ping(url)); i++) await new Promise((r) => setTimeout(r, 50));
    console.error(`with-redis: started redis-server on port ${port}`);
  }
  const localBin = path.join(__dirname, '..', 'node_modules', '.bin');
  const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, REDIS_URL: url, PATH: `${localBin}${path.delimiter}${process.env.PATH}` } });
  const stop = (code) => { if (own) own.kill('SIGTERM'); process.exit(code); };
  process.on('SIGINT', () => child.kill('SIGINT'));
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => stop(code ?? (signal ? 1 : 0)));
}

main();
