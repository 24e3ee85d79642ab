// Close codes as a real third-party client (Node's `ws`) receives them. A server that closes
// its socket while a frame is still arriving makes the kernel answer with a reset and the
// client sees 1006 instead of the close frame; Parley closes lingeringly (read and discard
// for a bounded time and byte count after its close frame), so the client gets the code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startParley } from '../support/parley_node.mjs';

let node;
// The writer of the slow-reader test sends 200 frames/s, past the default frame rate limit
// (tests/integration/limits_test.cpp covers that limit).
before(async () => { node = await startParley({ args: ['--max-frame-bytes', '65536', '--shutdown-grace', '5', '--frame-rate', '0'] }); });
after(async () => { await node.stop(); });

// Opens a socket, sends `bytes` bytes in one text frame, resolves with the close code seen.
function closeCodeFor(bytes) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(node.url);
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('no close within 15 s')); }, 15000);
    ws.on('open', () => ws.send('x'.repeat(bytes)));
    ws.on('error', () => {});  // the close event carries the code
    ws.on('close', (code) => { clearTimeout(timer); resolve(code); });
  });
}

for (const [label, bytes] of [['2 MiB', 2 << 20], ['16 MiB', 16 << 20]]) {
  test(`a ${label} frame is answered with 1009, 20 times out of 20`, async () => {
    const codes = [];
    for (let i = 0; i < 20; ++i) codes.push(await closeCodeFor(bytes));
    assert.deepEqual(codes, new Array(20).fill(1009), `codes seen: ${codes.join(',')}`);
  });
}

// A logged-in client; resolves once the login is answered. `closed` resolves with the code.
function loggedIn(url, userID) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.closed = new Promise((done) => ws.on('close', (code) => done(code)));
    ws.on('error', () => {});
    ws.on('open', () => ws.send(JSON.stringify({ seq: '1', cmd: 'login', data: { appID: 101, userID } })));
    ws.once('message', (text) => {
      const reply = JSON.parse(text);
      if (reply.response.code === 200) resolve(ws); else reject(new Error(String(text)));
    });
  });
}

test('a node that stops closes its clients with 1001', async () => {
  const other = await startParley({ args: ['--shutdown-grace', '5'] });
  const clients = await Promise.all(['a', 'b', 'c'].map((id) => loggedIn(other.url, id)));
  const exit = other.stop();
  assert.deepEqual(await Promise.all(clients.map((ws) => ws.closed)), [1001, 1001, 1001]);
  assert.equal(await exit, 0);
});

test('a reader that never reads is closed with 1008', async () => {
  const writer = await loggedIn(node.url, 'writer');
  const stalled = await loggedIn(node.url, 'stalled');
  stalled._socket.pause();  // stop reading: the server's queue for it fills up
  const text = 'y'.repeat(30000);
  for (let i = 0; i < 200 && stalled.readyState === WebSocket.OPEN; ++i) {
    writer.send(JSON.stringify({ seq: `s${i}`, cmd: 'sendMessage', data: { userID: 'stalled', msg: text } }));
    await new Promise((r) => setTimeout(r, 5));
  }
  stalled._socket.resume();  // now read what is there, up to the close frame
  assert.equal(await stalled.closed, 1008);
  writer.close();
});
