// clients.mjs: helpers the tests/clients suites share (they need this directory's `ws`).
import WebSocket from 'ws';

// A client logged in to app 101 as `userID`: resolves with {ws, request(cmd, data), pushes}.
// `options` go to the WebSocket (ca, localAddress); replies are matched by seq, the rest of
// what arrives is collected in `pushes`.
export function loggedIn(url, userID, options = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const waiting = new Map();
    const pushes = [];
    let seq = 0;
    const request = (cmd, data) => new Promise((done) => {
      const s = `r${++seq}`;
      waiting.set(s, done);
      ws.send(JSON.stringify({ seq: s, cmd, data }));
    });
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (waiting.has(m.seq)) { waiting.get(m.seq)(m); waiting.delete(m.seq); } else pushes.push(m);
    });
    ws.on('error', reject);
    ws.on('open', async () => {
      const r = await request('login', { appID: 101, userID });
      if (r.response.code !== 200) return reject(new Error(JSON.stringify(r)));
      resolve({ ws, request, pushes });
    });
  });
}

// Polls `pred` (may be async) every 20 ms until it holds or `ms` pass; resolves with whether it held.
export async function waitFor(pred, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
