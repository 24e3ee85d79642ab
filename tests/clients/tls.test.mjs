// TLS as real clients see it: Node's `ws` over wss://, Node's https, and `openssl s_client`,
// against a node started with a certificate this test makes with its own CA (openssl CLI).
// The web UI, the HTTP API and the WebSocket share the one TLS port; TLS 1.2 is the oldest
// version offered; SIGHUP swaps the certificate for new connections and drops no open one;
// a broken file on SIGHUP keeps the old certificate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import WebSocket from 'ws';
import { startParley } from '../support/parley_node.mjs';
import { loggedIn as rawLoggedIn, waitFor } from './clients.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'));
const file = (name) => path.join(dir, name);
const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

// A CA, and a server certificate for 127.0.0.1 / localhost signed by it, named `cn`.
function makeServerCert(cn, certName, keyName) {
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
          '-keyout', file(keyName), '-out', file(`${certName}.csr`), '-subj', `/CN=${cn}`);
  fs.writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', file(`${certName}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
          '-CAcreateserial', '-days', '2', '-out', file(certName), '-extfile', file('san.ext'));
}

let node;
before(async () => {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
          '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=Parley Test CA');
  makeServerCert('parley-first', 'server.pem', 'server.key');
  const webui = new URL('../../webui', import.meta.url).pathname;
  node = await startParley({ args: ['--tls-cert', file('server.pem'), '--tls-key', file('server.key'),
                                    '--frame-rate', '0', '--webui-dir', webui] });
});
after(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  const code = await node?.stop();
  assert.equal(code, 0, `the node exited ${code} (a sanitizer report?):\n${node?.log().slice(-4000)}`);
});

const ca = () => fs.readFileSync(file('ca.pem'));
const wssUrl = () => `wss://127.0.0.1:${node.port}/acc`;

const loggedIn = (userID) => rawLoggedIn(wssUrl(), userID, { ca: ca() });

function httpsGet(pathname) {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: node.port, path: pathname, ca: ca() }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

// The certificate's subject and the protocol as `openssl s_client` sees them; `extra` adds flags.
function sClient(...extra) {
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${node.port}`, '-CAfile', file('ca.pem'),
                                  '-verify_return_error', ...extra],
                      { input: '', timeout: 10000 });
  return { status: r.status, out: r.stdout.toString() + r.stderr.toString() };
}


test('wss: login, a private message and its push, over TLS verified against the test CA', async () => {
  const alice = await loggedIn('alice');
  const bob = await loggedIn('bob');
  const r = await alice.request('sendMessage', { userID: 'bob', msg: 'over tls', msgID: 't1' });
  assert.equal(r.response.code, 200);
  assert.equal(r.response.data.delivered, true);
  assert.ok(await waitFor(() => bob.pushes.some((p) => p.cmd === 'msg' && p.response.data.msg === 'over tls')));
  alice.ws.close();
  bob.ws.close();
});

test('wss: 2,000 messages, some larger than a TLS record, arrive complete and in order', async () => {
  const alice = await loggedIn('alice');
  const bob = await loggedIn('bob');
  const big = 'x'.repeat(20000);  // one TLS record holds at most 16 KiB
  for (let i = 0; i < 2000; ++i)
    alice.ws.send(JSON.stringify({ seq: `m${i}`, cmd: 'sendMessage',
                                   data: { userID: 'bob', msg: i % 100 === 0 ? `${i}:${big}` : `${i}`, msgID: `o${i}` } }));
  assert.ok(await waitFor(() => bob.pushes.filter((p) => p.cmd === 'msg').length >= 2000, 20000));
  const got = bob.pushes.filter((p) => p.cmd === 'msg').map((p) => p.response.data.msg);
  assert.equal(got.length, 2000);
  got.forEach((m, i) => assert.equal(m.split(':')[0], String(i)));
  assert.equal(got[100].length, `100:${big}`.length);
  alice.ws.close();
  bob.ws.close();
});

test('https: the web UI and the HTTP API on the same port', async () => {
  const page = await httpsGet('/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<html/i);
  const state = await httpsGet('/system/state');
  assert.equal(state.status, 200);
  assert.ok(JSON.parse(state.body).data.uptimeSeconds >= 0);
});

test('plain ws:// and plain HTTP to the TLS port fail their handshake and are counted', async () => {
  const code = await new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${node.port}/acc`);
    ws.on('error', () => {});
    ws.on('close', (c) => resolve(c));
  });
  assert.equal(code, 1006);
  assert.ok(await waitFor(async () => /parley_tls_handshake_failures_total [1-9]/.test((await httpsGet('/metrics')).body)));
});

test('openssl s_client: the chain verifies, TLS 1.2 is accepted, TLS 1.1 is refused', () => {
  const modern = sClient();
  assert.equal(modern.status, 0, modern.out);
  assert.match(modern.out, /Verify return code: 0 \(ok\)/);
  assert.match(modern.out, /CN ?= ?parley-first/);
  const v12 = sClient('-tls1_2');
  assert.equal(v12.status, 0, v12.out);
  assert.match(v12.out, /Protocol *: TLSv1\.2/);
  // The client offers only TLS 1.1 (at security level 0, which allows it); the server answers
  // with a protocol_version alert and shows no certificate.
  const v11 = sClient('-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0');
  assert.notEqual(v11.status, 0, 'TLS 1.1 must be refused');
  assert.match(v11.out, /alert protocol version/);
  assert.match(v11.out, /no peer certificate available/);
});

test('SIGHUP reloads the certificate for new connections; open ones stay; a broken file keeps the old one', async () => {
  const alice = await loggedIn('alice');
  const bob = await loggedIn('bob');
  const before = sClient();
  assert.match(before.out, /CN ?= ?parley-first/);
  makeServerCert('parley-second', 'server.pem', 'server.key');
  node.proc.kill('SIGHUP');
  assert.ok(await waitFor(() => /CN ?= ?parley-second/.test(sClient().out)), 'the new certificate is served');
  assert.ok(await waitFor(() => /TLS certificate and key reloaded/.test(node.log())));
  // The connections made before the reload still carry traffic.
  const r = await alice.request('sendMessage', { userID: 'bob', msg: 'after reload', msgID: 't2' });
  assert.equal(r.response.data.delivered, true);
  assert.ok(await waitFor(() => bob.pushes.some((p) => p.cmd === 'msg' && p.response.data.msg === 'after reload')));
  // A key that is not PEM: the reload is refused and the second certificate stays.
  fs.writeFileSync(file('server.key'), 'not a key\n');
  node.proc.kill('SIGHUP');
  assert.ok(await waitFor(() => /TLS not reloaded, the old certificate stays/.test(node.log())));
  const after = sClient();
  assert.equal(after.status, 0, after.out);
  assert.match(after.out, /CN ?= ?parley-second/);
  const carol = await loggedIn('carol');
  carol.ws.close();
  alice.ws.close();
  bob.ws.close();
});
