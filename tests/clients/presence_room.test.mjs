// A 5,000-user room logs in at once with presence at its default policy (docs/protocol.md
// "Presence"): past presence_list_max the node stops enter/exit and sends counts, and every
// client ends with the right count; when the room shrinks below 3/4 of the maximum, lists
// come back, the clients are told, and after one `users` call each one's list is exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startParley } from '../support/parley_node.mjs';

const USERS = 5000;
let node;
before(async () => {
  // 5,000 logins from one address: the per-address caps off.
  node = await startParley({ args: ['--max-anonymous-per-address', '0', '--upgrades-per-address-per-second', '0',
                                    '--presence-interval-ms', '200'] });
});
after(async () => { await node.stop(); });

// A client that keeps the view of the room its pushes give it.
function client(userID) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(node.url);
    const c = { ws, userID, view: new Set(), lists: true, count: null, waiting: new Map(), seq: 0 };
    c.request = (cmd, data = {}) => new Promise((done) => {
      const seq = `r${++c.seq}`;
      c.waiting.set(seq, done);
      ws.send(JSON.stringify({ seq, cmd, data }));
    });
    ws.on('error', reject);
    ws.on('message', (text) => {
      const f = JSON.parse(text);
      if (c.waiting.has(f.seq)) {
        const done = c.waiting.get(f.seq);
        c.waiting.delete(f.seq);
        return done(f);
      }
      const d = f.response && f.response.data;
      if (f.cmd === 'enter') c.view.add(d.userID);
      else if (f.cmd === 'exit') c.view.delete(d.userID);
      else if (f.cmd === 'online') { c.count = d.count; c.lists = d.lists; }
    });
    ws.on('open', async () => {
      const r = await c.request('login', { appID: 101, userID });
      if (r.response.code !== 200) return reject(new Error(JSON.stringify(r)));
      resolve(c);
    });
  });
}

async function until(what, ok, ms = 60000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The whole list, page by page.
async function userList(c) {
  const all = [];
  let cursor = '';
  for (;;) {
    const r = await c.request('users', cursor ? { cursor } : {});
    all.push(...r.response.data.userList);
    if (!r.response.data.nextCursor) return all;
    cursor = r.response.data.nextCursor;
  }
}

test(`${USERS} users log in at once: every client ends with the right count, then with the right list`, async () => {
  const clients = [];
  const ids = Array.from({ length: USERS }, (_, i) => `u${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += 500)  // 500 handshakes in flight at a time
    clients.push(...await Promise.all(ids.slice(i, i + 500).map(client)));
  await until('every client counts 5000', () => clients.every((c) => c.count === USERS && c.lists === false));

  // Shrink to 300 (below 3/4 of presence_list_max 500): lists again.
  const stay = clients.slice(0, 300);
  const leave = clients.slice(300);
  for (const c of leave) c.ws.close();
  await Promise.all(leave.map((c) => new Promise((r) => (c.ws.readyState === WebSocket.CLOSED ? r() : c.ws.once('close', r)))));
  await until('every remaining client is told lists are back', () => stay.every((c) => c.lists === true && c.count === 300));
  // The count push that turned lists on is the client's cue to fetch the list once; from then
  // on enter/exit keep it.
  for (const c of stay) {
    c.view = new Set(await userList(c));
    c.view.delete(c.userID);
  }
  const last = await client('late');
  await until('every client sees the late user enter', () => stay.every((c) => c.view.has('late')));
  const expected = new Set([...stay.map((c) => c.userID), 'late']);
  for (const c of stay) {
    const mine = new Set(expected);
    mine.delete(c.userID);
    assert.deepEqual([...c.view].sort(), [...mine].sort(), `${c.userID}'s view`);
  }
  for (const c of [...stay, last]) c.ws.close();
});
