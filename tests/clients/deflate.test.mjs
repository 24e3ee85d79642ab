// permessage-deflate (RFC 7692, config permessage_deflate, off by default): clients that offer
// it get pushes of at least deflate_min_bytes compressed (RSV1), the rest as they are; what a
// client sends compressed is accepted; a client that does not offer it, or asks for a smaller
// server window than 15 bits, gets plain frames; a node without the flag negotiates nothing.
// Node's `ws` inflates on its side; a raw TCP client checks the bytes on the wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { startParley } from '../support/parley_node.mjs';
import { loggedIn, waitFor } from './clients.mjs';

let node;
let plainNode;
before(async () => {
  // Bursts of 120 sends from one client: the per-connection frame rate off.
  node = await startParley({ args: ['--permessage-deflate', '--frame-rate', '0'] });
  plainNode = await startParley();
});
after(async () => { await node.stop(); await plainNode.stop(); });

// Chat-like text of about `n` bytes (repetitive enough to compress, as JSON chat does).
function text(n, tag) {
  const words = ['hello', 'group', 'message', 'parley', 'deflate', 'window', 'frame', 'socket'];
  let s = `${tag}:`;
  for (let i = 0; s.length < n; i++) s += ` ${words[(i * 7 + tag.length) % words.length]}${i % 13}`;
  return s.slice(0, n);
}

// The node's /metrics counters by name.
async function metrics() {
  const text = await (await fetch(`${node.base}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^(parley_\w+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

const msgs = (c) => c.pushes.filter((p) => p.cmd === 'msg').map((p) => p.response.data.msg);

test('a ws client negotiates it: pushes of 100 B, 2 KB and 30 KB arrive intact and in order, in fewer bytes than plain', async () => {
  const alice = await loggedIn(node.url, 'alice');
  const bob = await loggedIn(node.url, 'bob');  // ws offers permessage-deflate by default
  const carl = await loggedIn(node.url, 'carl', { perMessageDeflate: false });
  assert.match(bob.ws.extensions, /permessage-deflate/);
  assert.equal(carl.ws.extensions, '');

  const sent = [];
  for (let round = 0; round < 20; round++)
    for (const n of [100, 2000, 30000]) sent.push(text(n, `r${round}n${n}`));
  const bobBefore = bob.ws._socket.bytesRead;
  const carlBefore = carl.ws._socket.bytesRead;
  // A burst to each: many frames per write, compressed and plain ones mixed in one batch.
  const answers = [];
  for (const [i, msg] of sent.entries())
    for (const to of ['bob', 'carl']) answers.push(alice.request('sendMessage', { userID: to, msg, msgID: `${to}${i}` }));
  for (const a of await Promise.all(answers)) assert.equal(a.response.code, 200, JSON.stringify(a));
  assert.ok(await waitFor(() => msgs(bob).length === sent.length && msgs(carl).length === sent.length, 10000),
            `bob got ${msgs(bob).length}, carl ${msgs(carl).length} of ${sent.length}`);
  assert.deepEqual(msgs(bob), sent);
  assert.deepEqual(msgs(carl), sent);
  const bobBytes = bob.ws._socket.bytesRead - bobBefore;
  const carlBytes = carl.ws._socket.bytesRead - carlBefore;
  assert.ok(bobBytes * 3 < carlBytes, `compressed ${bobBytes} bytes, plain ${carlBytes}: expected under a third`);
  for (const c of [alice, bob, carl]) c.ws.close();
});

test('what a client sends compressed is accepted and delivered (to a compressing and a plain receiver)', async () => {
  const dana = await loggedIn(node.url, 'dana');  // ws compresses what it sends past 1 KiB
  const ed = await loggedIn(node.url, 'ed');
  const fay = await loggedIn(node.url, 'fay', { perMessageDeflate: false });
  const sent = Array.from({ length: 30 }, (_, i) => text(2000 + i * 500, `d${i}`));
  const answers = [];
  for (const [i, msg] of sent.entries()) {
    answers.push(dana.request('sendMessage', { userID: 'ed', msg, msgID: `e${i}` }));
    answers.push(dana.request('sendMessage', { userID: 'fay', msg, msgID: `f${i}` }));
  }
  for (const a of await Promise.all(answers)) assert.equal(a.response.code, 200, JSON.stringify(a));
  assert.ok(await waitFor(() => msgs(ed).length === sent.length && msgs(fay).length === sent.length, 10000));
  assert.deepEqual(msgs(ed), sent);
  assert.deepEqual(msgs(fay), sent);
  for (const c of [dana, ed, fay]) c.ws.close();
});

test('a group push is compressed once and reaches every member intact, plain members too', async () => {
  const members = [];
  for (let i = 0; i < 6; i++)
    members.push(await loggedIn(node.url, `m${i}`, i % 3 === 2 ? { perMessageDeflate: false } : {}));
  for (const m of members)
    assert.equal((await m.request('join', { group: 'crew' })).response.code, 200);
  const sent = Array.from({ length: 40 }, (_, i) => text(i % 2 ? 5000 : 120, `g${i}`));
  const before = await metrics();
  const answers = sent.map((msg, i) => members[0].request('sendGroup', { group: 'crew', msg, msgID: `g${i}` }));
  for (const a of await Promise.all(answers)) assert.equal(a.response.code, 200, JSON.stringify(a));
  const groupMsgs = (c) => c.pushes.filter((p) => p.cmd === 'msg')
    .map((p) => p.response.data.msg);
  assert.ok(await waitFor(() => members.slice(1).every((m) => groupMsgs(m).length === sent.length), 10000),
            members.map((m) => groupMsgs(m).length).join(','));
  for (const m of members.slice(1)) assert.deepEqual(groupMsgs(m), sent);
  // Each push went compressed to the four compressing members (m0, m1, m3, m4: the sender
  // gets its group's pushes too), at least the 5,000-byte ones, and was compressed once for
  // them all (one I/O thread here).
  const after = await metrics();
  const runs = after.parley_gateway_deflate_runs_total - before.parley_gateway_deflate_runs_total;
  const frames = after.parley_gateway_frames_deflated_total - before.parley_gateway_frames_deflated_total;
  assert.ok(frames >= 60, `${frames} frames deflated`);
  assert.ok(runs * 3 <= frames + 3, `${runs} compressions for ${frames} compressed frames`);
  assert.ok(after.parley_gateway_deflate_saved_bytes_total > before.parley_gateway_deflate_saved_bytes_total);
  for (const m of members) m.ws.close();
});

// A raw client: the handshake with `extensions` offered, then unmasked server frames parsed.
function rawClient(port, extensions) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const key = crypto.randomBytes(16).toString('base64');
    let buf = Buffer.alloc(0);
    let headers = null;
    const frames = [];
    sock.on('error', reject);
    sock.on('connect', () => {
      sock.write(`GET /acc HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
                 `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
                 (extensions ? `Sec-WebSocket-Extensions: ${extensions}\r\n` : '') + '\r\n');
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!headers) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        headers = buf.subarray(0, end).toString();
        buf = buf.subarray(end + 4);
        resolve({ headers, frames, send, close: () => sock.destroy() });
      }
      for (;;) {
        if (buf.length < 2) return;
        let len = buf[1] & 0x7f;
        let at = 2;
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); at = 4; }
        else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); at = 10; }
        if (buf.length < at + len) return;
        frames.push({ b0: buf[0], payload: Buffer.from(buf.subarray(at, at + len)) });
        buf = buf.subarray(at + len);
      }
    });
    // A masked text frame (clients must mask, RFC 6455 5.3).
    function send(obj) {
      const payload = Buffer.from(JSON.stringify(obj));
      const mask = crypto.randomBytes(4);
      const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length])
        : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
      const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
      sock.write(Buffer.concat([head, mask, body]));
    }
  });
}

// A payload inflated: the 00 00 ff ff tail added back (RFC 7692 7.2.2), a sync flush's end.
const inflate = (payload) => zlib.inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]),
                                                 { finishFlush: zlib.constants.Z_SYNC_FLUSH });

// A frame's JSON (inflated when RSV1 is set) and its uncompressed size.
function decode(frame) {
  const compressed = (frame.b0 & 0x40) !== 0;
  const bytes = compressed ? inflate(frame.payload) : frame.payload;
  return { compressed, size: bytes.length, json: JSON.parse(bytes.toString()) };
}

async function rawLoggedIn(port, userID, extensions) {
  const raw = await rawClient(port, extensions);
  raw.send({ seq: 'l1', cmd: 'login', data: { appID: 101, userID } });
  assert.ok(await waitFor(() => raw.frames.some((f) => decode(f).json.seq === 'l1')), raw.headers);
  return raw;
}

test('on the wire: RSV1 only on frames of at least deflate_min_bytes, and the payload inflates to the push', async () => {
  const raw = await rawLoggedIn(node.port, 'raw1', 'permessage-deflate; client_max_window_bits');
  assert.match(raw.headers, /^HTTP\/1\.1 101/);
  assert.match(raw.headers, /sec-websocket-extensions: permessage-deflate; server_no_context_takeover; client_max_window_bits=9/i);
  const sender = await loggedIn(node.url, 'sender1');
  const sent = [text(50, 'small'), text(4000, 'large'), text(200, 'under'), text(300, 'over')];
  for (const [i, msg] of sent.entries())
    assert.equal((await sender.request('sendMessage', { userID: 'raw1', msg, msgID: `w${i}` })).response.code, 200);
  const pushes = () => raw.frames.map(decode).filter((d) => d.json.cmd === 'msg');
  assert.ok(await waitFor(() => pushes().length === sent.length));
  assert.deepEqual(pushes().map((d) => d.json.response.data.msg), sent);
  // deflate_min_bytes (256) applies to the whole push: the small reply frames stay plain too.
  const sizes = raw.frames.map((f) => [decode(f), f.payload.length]);
  assert.ok(sizes.some(([d]) => d.compressed) && sizes.some(([d]) => !d.compressed));
  for (const [d, wire] of sizes) {
    assert.equal(d.compressed, d.size >= 256, `${d.json.cmd}: ${d.size} bytes, compressed ${d.compressed}`);
    if (d.compressed) assert.ok(wire < d.size, `${wire} on the wire for ${d.size}`);
  }
  raw.close();
  sender.ws.close();
});

test('a client asking for a smaller server window, or offering nothing, gets plain frames; a node without the flag negotiates nothing', async () => {
  const sender = await loggedIn(node.url, 'sender2');
  // Without client_max_window_bits the node could not bound the client's window (32 KiB of
  // inflate state per connection): no extension then.
  for (const [user, ext] of [['small', 'permessage-deflate; client_max_window_bits; server_max_window_bits=10'],
                             ['unbounded', 'permessage-deflate'], ['none', '']]) {
    const raw = await rawLoggedIn(node.port, user, ext);
    assert.match(raw.headers, /^HTTP\/1\.1 101/);
    if (user === 'small') assert.match(raw.headers, /sec-websocket-extensions: permessage-deflate/i);
    else assert.doesNotMatch(raw.headers, /sec-websocket-extensions/i);
    const msg = text(4000, user);
    assert.equal((await sender.request('sendMessage', { userID: user, msg, msgID: user })).response.code, 200);
    assert.ok(await waitFor(() => raw.frames.some((f) => decode(f).json.cmd === 'msg')));
    const push = raw.frames.map(decode).find((d) => d.json.cmd === 'msg');
    assert.equal(push.compressed, false, user);
    assert.equal(push.json.response.data.msg, msg);
    raw.close();
  }
  sender.ws.close();

  const plain = await rawLoggedIn(plainNode.port, 'p1', 'permessage-deflate; client_max_window_bits');
  assert.doesNotMatch(plain.headers, /sec-websocket-extensions/i);
  const psender = await loggedIn(plainNode.url, 'p2');
  const msg = text(4000, 'plain');
  assert.equal((await psender.request('sendMessage', { userID: 'p1', msg, msgID: 'p' })).response.code, 200);
  assert.ok(await waitFor(() => plain.frames.some((f) => decode(f).json.cmd === 'msg')));
  assert.equal(plain.frames.map(decode).find((d) => d.json.cmd === 'msg').compressed, false);
  plain.close();
  psender.ws.close();
});
