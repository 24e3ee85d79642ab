// nginx.mjs: a real nginx in front of harness nodes, configured from deploy/nginx.conf by
// scripts/nginx-conf.sh (the file cluster-demo.sh runs), and parley-client.js in Node.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from '../clients/node_modules/ws/index.js';
import { freePort, sleep } from '../cluster/harness.mjs';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The browser's WebSocket for parley-client.js (ws implements the same API).
globalThis.WebSocket = WebSocket;
export const { ParleyClient } = await import(join(repo, 'webui', 'parley-client.js'));

function nginxBinary() {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  throw new Error('nginx is not installed: scripts/install-deps.sh --test installs it');
}

// nginx on a free port with `nodes` (harness nodes, in order parley1..N) as its upstream.
// {port, url, base, stop()}
export async function startNginx(nodes) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
  const port = await freePort();
  const conf = execFileSync(join(repo, 'scripts', 'nginx-conf.sh'),
                            ['--port', String(port), '--dir', dir, ...nodes.map((n) => `127.0.0.1:${n.port}`)]);
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = spawn(nginxBinary(), ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
                     { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (c) => { log += c; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; ++i) {
    if (proc.exitCode !== null) throw new Error(`nginx exited ${proc.exitCode}: ${log}`);
    const ok = await fetch(`${base}/system/state`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (i > 100) throw new Error(`nginx did not answer on ${port}: ${log}`);
    await sleep(100);
  }
  return {
    port, base, url: `ws://127.0.0.1:${port}/acc`, dir,
    errors: () => { try { return readFileSync(join(dir, 'nginx.log'), 'utf8'); } catch { return ''; } },
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) { rmSync(dir, { recursive: true, force: true }); return resolve(); }
      proc.once('exit', () => { rmSync(dir, { recursive: true, force: true }); resolve(); });
      proc.kill('SIGQUIT');  // graceful: workers finish, then exit
      setTimeout(() => proc.kill('SIGKILL'), 10000).unref();
    }),
  };
}

// The node a clientID ("<node id>-<n>") belongs to.
export const nodeOf = (clientID) => clientID.slice(0, clientID.lastIndexOf('-'));

// A parley-client.js client logged in through `url`; msgs collects {from, msg} pushes.
export async function browser(url, appID, userID, options = {}) {
  const c = new ParleyClient(url, { backoffMaxMs: 2000, ...options });
  c.msgs = [];
  c.states = [];
  c.on('msg', (data) => c.msgs.push(data));
  c.on('state', (s) => c.states.push(s));
  c.on('error', () => {});  // reconnect attempts that fail are expected while a node is down
  await c.login(appID, userID);
  return c;
}

export async function until(what, pred, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}
