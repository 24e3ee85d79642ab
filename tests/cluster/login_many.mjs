// login_many.mjs URL APPID PREFIX COUNT: a child process of the cluster tests that opens COUNT
// WebSocket connections to URL and logs each in as PREFIX<i> (i from 0), COUNT/200 batches
// of 200 at a time, prints "ready" and holds them until its stdin closes. One process may
// hold at most 20,000 open files here, so tests that need more connections start several.
import WebSocket from '../clients/node_modules/ws/index.js';

const [url, app, prefix, count] = process.argv.slice(2);
const n = Number(count);
const sockets = [];

function login(i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    sockets.push(ws);
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(JSON.stringify({ seq: '1', cmd: 'login', data: { appID: Number(app), userID: `${prefix}${i}` } }));
    });
    ws.once('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.response?.code === 200) resolve(); else reject(new Error(`login ${prefix}${i}: ${raw}`));
    });
  });
}

try {
  for (let i = 0; i < n; i += 200) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 200); ++j) batch.push(login(j));
    await Promise.all(batch);
  }
  process.stdout.write('ready\n');
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
process.stdin.resume();
process.stdin.on('end', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
