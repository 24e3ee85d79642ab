// bench/flood.mjs --url ws://HOST:PORT/acc --seconds S [--frames N] [--local-address A]
// An abusive client for bench/abuse.sh: logs in, sends N frames (default 100,000) as fast as
// Node's `ws` writes them, waits for the node to close it, and starts over, until S seconds
// have passed. Prints one JSON line: rounds, frames written, answers 1011 seen, close codes.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../tests/clients/package.json', import.meta.url));
const WebSocket = require('ws');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const url = arg('url');
const seconds = Number(arg('seconds', '10'));
const frames = Number(arg('frames', '100000'));
const localAddress = arg('local-address', '127.0.0.1');
const end = Date.now() + seconds * 1000;
const result = { rounds: 0, framesWritten: 0, limited: 0, closes: {} };

function round(k) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { localAddress });
    ws.on('error', () => {});
    ws.on('open', () => ws.send(JSON.stringify({ seq: 'login', cmd: 'login', data: { appID: 101, userID: `flood${k}` } })));
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.seq === 'login') {
        for (let i = 0; i < frames && Date.now() < end; ++i) ws.send(`{"seq":"f${i}","cmd":"heartbeat","data":{}}`);
        result.framesWritten += frames;
      } else if (m.response?.code === 1011) {
        ++result.limited;
      }
    });
    ws.on('close', (code) => {
      result.closes[code] = (result.closes[code] ?? 0) + 1;
      resolve();
    });
  });
}

for (let k = 0; Date.now() < end; ++k) {
  await round(k);
  ++result.rounds;
}
console.log(JSON.stringify(result));
