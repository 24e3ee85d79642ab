// harness.mjs: a real cluster on loopback for the cluster tests -- redis-server processes and
// parley nodes on free ports, WebSocket clients (Node's `ws`) and HTTP calls against them.
// Everything started here is stopped by PID in stopAll(); nothing else is touched.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from '../clients/node_modules/ws/index.js';

const started = [];
const dirs = [];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A port to listen on, from below the kernel's ephemeral range: a port taken from inside
// it (listen on 0, close, hand out) can be taken again as the source port of any outgoing
// connection (Redis clients, gRPC peers) before the process it was meant for binds it --
// the CI failure "cannot listen for gRPC on ...: Address already in use". A port is handed
// out at most once per run, and it is free (bound and released) when handed out.
const handedOut = new Set();
function ephemeralLow() {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32768;
  }
}
function bindable(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
export async function freePort() {
  const high = ephemeralLow() - 1;
  const low = Math.max(1024, high - 12000);
  for (let tries = 0; tries < 1000; ++tries) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${low}-${high}`);
}

function waitForLine(proc, re, what, ms = 10000) {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${log}`)), ms);
    const onData = (chunk) => {
      log += chunk;
      proc.logText = (proc.logText || '') + chunk;
      const m = log.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited ${code}:\n${log}`)); });
  });
}

// A redis-server on a free port, without persistence. {port, address, proc, stop(), start()}
// {aof: true}: append-only file on, fsync on every write (the storage tests restart Redis).
export async function startRedis(port = 0, { aof = false } = {}) {
  port = port || await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  dirs.push(dir);
  const run = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
                                        ...(aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
                                        '--dir', dir, '--protected-mode', 'no'],
                       { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(proc);
    await waitForLine(proc, /Ready to accept connections/, 'redis-server');
    return proc;
  };
  const r = { port, address: `127.0.0.1:${port}` };
  r.proc = await run();
  r.stop = () => stopProc(r.proc, 'SIGTERM');
  r.start = async () => { r.proc = await run(); };
  return r;
}

// A parley node in the cluster of `redis` (addresses). {id, port, grpc, base, url, proc, stop(), kill(), restart()}
export async function startNode({ id, redis, grpcPort = 0, port = 0, args = [] }) {
  const chosen = grpcPort ? [] : ['grpc'];
  grpcPort = grpcPort || await freePort();
  const n = { id, grpc: `127.0.0.1:${grpcPort}` };
  const run = async (listenPort) => {
    const proc = spawn(process.env.PARLEY_BINARY,
                       ['--listen', `127.0.0.1:${listenPort}`, '--log-level', 'info', '--node-id', id,
                        // no redis: a node alone (its management API on --grpc-listen)
                        ...(redis?.length ? ['--redis', redis.join(',')] : []), '--grpc-listen', n.grpc,
                        '--node-ttl-ms', '3000', '--node-refresh-ms', '500',
                        // the suites send bursts of hundreds of frames per connection
                        '--frame-rate', '0', ...args],
                       { stdio: ['ignore', 'ignore', 'pipe'] });
    started.push(proc);
    n.starting = proc;
    const m = await waitForLine(proc, /listening on 127\.0\.0\.1:(\d+)/, `node ${id}`);
    return { proc, port: Number(m[1]) };
  };
  let first;
  for (let attempt = 1; ; ++attempt) {
    try {
      first = await run(port);
      break;
    } catch (e) {
      // A port of ours taken by some other process on the machine: try another one, but
      // only for ports this harness chose, and never hide any other failure to start.
      if (chosen.length === 0 || attempt === 3 || !/Address already in use/.test(e.message)) throw e;
      n.starting.expectKill = true;  // its exit 1 was this refusal, reported by the retry
      console.warn(`node ${id}: ${n.grpc} was taken before it bound; retrying on another port`);
      if (chosen.includes('grpc')) n.grpc = `127.0.0.1:${await freePort()}`;
    }
  }
  Object.assign(n, first);
  n.base = `http://127.0.0.1:${n.port}`;
  n.url = `ws://127.0.0.1:${n.port}/acc`;
  n.stop = () => stopProc(n.proc, 'SIGTERM');
  n.kill = () => stopProc(n.proc, 'SIGKILL');
  n.restart = async () => { Object.assign(n, { proc: (await run(n.port)).proc }); };
  n.log = () => n.proc.logText || '';
  return n;
}

// The part of a log that says what went wrong: a sanitizer report from its first line (the
// stack of the bad access and of the free), else the last lines.
function reportOf(log) {
  const at = log.search(/==\d+==ERROR|runtime error:/);
  return at >= 0 ? log.slice(at, at + 8000) : log.slice(-2000);
}

// Stops `proc`; a process asked to stop with SIGTERM must exit with 0 (a crash, a sanitizer
// report or a hung shutdown is a failure), one sent SIGKILL just goes.
function stopProc(proc, signal) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (proc.expectKill || proc.exitCode === 0 || proc.signalCode === 'SIGKILL') return resolve();
      reject(new Error(`${proc.spawnargs.slice(0, 2).join(' ')} exited with ${proc.exitCode ?? proc.signalCode}:\n` +
                       reportOf(proc.logText || '')));
    };
    if (proc.exitCode !== null || proc.signalCode !== null) return check();
    if (signal === 'SIGKILL') proc.expectKill = true;
    // A process that does not stop within 15 s is killed and reported, never waited for.
    const timer = setTimeout(() => { proc.hung = true; proc.kill('SIGKILL'); }, 15000);
    proc.once('exit', () => {
      clearTimeout(timer);
      if (proc.hung) return reject(new Error(`${proc.spawnargs.slice(0, 2).join(' ')} did not stop on ${signal}`));
      check();
    });
    proc.kill(signal);
  });
}

export async function stopAll() {
  const failures = [];
  for (const p of started.reverse()) {
    // A test that failed while a node was frozen (SIGSTOP) must not leave it frozen: a
    // stopped process would never act on SIGTERM. SIGCONT is harmless to a running one.
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGCONT');
    await stopProc(p, 'SIGTERM').catch((e) => failures.push(e.message));
  }
  started.length = 0;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (failures.length) throw new Error(failures.join('\n'));
}

export async function getJson(base, path) {
  const res = await fetch(base + path);
  return res.json();
}

export async function postForm(base, path, form) {
  const res = await fetch(base + path, { method: 'POST', body: new URLSearchParams(form) });
  return res.json();
}

// Waits until every node's /system/state lists `count` live nodes.
export async function waitForCluster(nodes, count = nodes.length, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const states = await Promise.all(nodes.map((n) => getJson(n.base, '/system/state').catch(() => null)));
    if (states.every((s) => s?.data?.cluster?.liveNodes === count)) return states;
    if (Date.now() > deadline)
      throw new Error(`cluster did not reach ${count} nodes: ${JSON.stringify(states.map((s) => s?.data?.cluster))}`);
    await sleep(100);
  }
}

// Polls GET /user/online on `node` until the user has no connection left (the node has
// processed the closes), instead of sleeping for a guess.
export async function waitOffline(node, appID, userID, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await getJson(node.base, `/user/online?appID=${appID}&userID=${encodeURIComponent(userID)}`);
    if (r.code === 200 && r.data.online === false) return;
    if (Date.now() > deadline) throw new Error(`${userID} still online: ${JSON.stringify(r)}`);
    await sleep(20);
  }
}

// A WebSocket client: request(cmd, data) resolves with the response; pushes are collected.
export class Client {
  constructor(url) {
    this.url = url;
    this.seq = 0;
    this.waiting = new Map();
    this.pushes = [];
    this.pushWaiters = [];
  }

  open() {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(this.url);
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
      this.ws.on('message', (raw) => {
        const m = JSON.parse(raw.toString());
        if (m.response && this.waiting.has(m.seq)) {
          const done = this.waiting.get(m.seq);
          this.waiting.delete(m.seq);
          done(m.response);
        } else if (!m.response || ['msg', 'enter', 'exit', 'login', 'unbind', 'online', 'presence'].includes(m.cmd)) {
          this.pushes.push(m);
          this.pushWaiters = this.pushWaiters.filter((w) => !w());
        }
      });
      this.ws.on('close', (code) => { this.closeCode = code; });
    });
  }

  request(cmd, data = {}) {
    const seq = String(++this.seq);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${cmd}`)), 10000);
      this.waiting.set(seq, (r) => { clearTimeout(timer); resolve(r); });
      this.ws.send(JSON.stringify({ seq, cmd, data }));
    });
  }

  async login(appID, userID) {
    const r = await this.request('login', { appID, userID, serviceToken: '' });
    if (r.code !== 200) throw new Error(`login ${userID}: ${JSON.stringify(r)}`);
    this.loginID = r.data.clientID;
    return r;
  }

  // Pushes matching `pred`, once there are `count` of them (or throws after `ms`).
  waitPushes(pred, count = 1, ms = 5000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const got = this.pushes.filter(pred);
        if (got.length >= count) { clearTimeout(timer); resolve(got); return true; }
        return false;
      };
      const timer = setTimeout(() => {
        reject(new Error(`expected ${count} pushes, got ${this.pushes.filter(pred).length}`));
      }, ms);
      if (!check()) this.pushWaiters.push(check);
    });
  }

  close() { this.ws?.close(); }
}

export async function connect(node, appID, userID) {
  const c = new Client(node.url);
  await c.open();
  await c.login(appID, userID);
  return c;
}
