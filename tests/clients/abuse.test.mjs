// Abuse at full size against a real node, with real clients (Node's `ws` and raw TCP):
// 15,000 connections that never log in, an upgrade storm of 10,000 from one address, and a
// client flooding 100,000 frames. Each test asserts correctness only (who is closed, with
// what, and that other users are served); the latency other users see during a flood is
// measured by bench/abuse.sh, not here. Each test starts its own node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startParley } from '../support/parley_node.mjs';
import { loggedIn, waitFor } from './clients.mjs';

const sources = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One raw upgrade request from `localAddress`: resolves with the HTTP status (0: no answer).
function rawUpgrade(port, localAddress) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    let data = '';
    const done = (status) => { s.destroy(); resolve(status); };
    s.setTimeout(10000, () => done(0));
    s.on('connect', () => s.write('GET /acc HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
                                  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'));
    s.on('data', (chunk) => {
      data += chunk;
      const m = data.match(/^HTTP\/1\.1 (\d{3})/);
      if (m) done(Number(m[1]));
    });
    s.on('error', () => done(0));
    s.on('close', () => done(0));
  });
}

test('an upgrade storm of 10,000 from one address: the per-address caps apply and the node stays responsive', async () => {
  const node = await startParley({ args: [] });  // the default caps
  try {
    const total = 10000;
    const statuses = new Map();
    let sent = 0;
    const began = Date.now();
    let probe;
    await new Promise((allAnswered) => {
      let answered = 0;
      const next = () => {
        if (sent === total) return;
        ++sent;
        rawUpgrade(node.port, '127.0.0.2').then((status) => {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (++answered === total) return allAnswered();
          next();
        });
        // Halfway through, a user from another address logs in and sends a message.
        if (sent === total / 2)
          probe = (async () => {
            const t0 = Date.now();
            const bob = await loggedIn(node.url, 'bob', { localAddress: '127.0.0.3' });
            const r = await bob.request('sendMessage', { userID: 'bob', msg: 'hi', msgID: 'b1' });
            bob.ws.close();
            return { delivered: r.response.data.delivered, ms: Date.now() - t0 };
          })();
      };
      for (let k = 0; k < 1000; ++k) next();
    });
    const seconds = (Date.now() - began) / 1000;
    const admitted = statuses.get(101) ?? 0;
    const throttled = statuses.get(429) ?? 0;
    const result = await probe;
    console.log(`${total} upgrades in ${seconds.toFixed(2)} s (${Math.round(total / seconds)}/s): ` +
                `${admitted} admitted, ${throttled} answered 429; a login + message from elsewhere took ${result.ms} ms`);
    assert.equal(admitted + throttled, total, `statuses: ${JSON.stringify([...statuses])}`);
    // upgrades_per_address_per_second 100 with as many at once; max_anonymous_per_address 256.
    assert.ok(admitted >= 100, `${admitted} admitted`);
    assert.ok(admitted <= 100 + Math.ceil(100 * seconds) + 1, `${admitted} admitted in ${seconds} s`);
    assert.equal(result.delivered, true);
    const metrics = await (await fetch(`${node.base}/metrics`)).text();
    assert.match(metrics, new RegExp(`parley_gateway_upgrades_throttled_total ${throttled}\\b`));
  } finally {
    await node.stop();
  }
});

test('a client flooding 100,000 frames is rate-limited, then closed with 1008; two other users lose nothing', async () => {
  const node = await startParley({ args: [] });  // the default frame limit
  try {
    const flooder = await loggedIn(node.url, 'flood', { localAddress: '127.0.0.2' });
    const ann = await loggedIn(node.url, 'ann', { localAddress: '127.0.0.3' });
    const ben = await loggedIn(node.url, 'ben', { localAddress: '127.0.0.4' });
    const closed = new Promise((resolve) => flooder.ws.on('close', (code) => resolve(code)));
    const limited = [];
    flooder.ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.response?.code === 1011) limited.push(m.seq);
    });
    for (let i = 0; i < 100000; ++i)
      flooder.ws.send(`{"seq":"f${i}","cmd":"heartbeat","data":{}}`);
    // Meanwhile ann and ben talk at a human pace, well inside the limit.
    let sentToBen = 0;
    for (let i = 0; i < 40; ++i) {
      const r = await ann.request('sendMessage', { userID: 'ben', msg: `m${i}`, msgID: `m${i}` });
      assert.equal(r.response.code, 200);
      ++sentToBen;
      await sleep(25);
    }
    const code = await closed;
    assert.equal(code, 1008);
    assert.ok(limited.length > 0, 'frames past the burst were answered 1011');
    assert.ok(await waitFor(() => ben.pushes.filter((p) => p.cmd === 'msg').length === sentToBen, 5000));
    assert.deepEqual(ben.pushes.filter((p) => p.cmd === 'msg').map((p) => p.response.data.msg),
                     Array.from({ length: sentToBen }, (_, i) => `m${i}`));
    const metrics = await (await fetch(`${node.base}/metrics`)).text();
    const refused = Number(metrics.match(/parley_connection_rate_limited_total (\d+)/)[1]);
    console.log(`flooder: ${limited.length} answers 1011 seen, ${refused} refused by the node, then closed ${code}`);
    assert.ok(refused >= limited.length);
    ann.ws.close();
    ben.ws.close();
  } finally {
    await node.stop();
  }
});
