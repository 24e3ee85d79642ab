// The compose demo for real: rootful podman + podman-compose build the images from the local
// Debian 12 base (scripts/container-base.sh), bring up docker-compose.yml (Redis, three nodes,
// nginx) with the host-built parley bind-mounted into the Dockerfile's runtime stage, and two
// WebSocket clients on two nodes talk through the published nginx port. Then everything the
// test created goes: containers, network, volume, and the NAT rules netavark added (left
// behind they turn on connection tracking for loopback too, and the benchmarks slow down).
//
// A machine without podman fails this test with a message, unless PARLEY_NO_CONTAINERS=1 says
// that containers are not available there (the test is then reported as skipped, with why).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, freePort, sleep } from '../cluster/harness.mjs';
import { repo, nodeOf } from './nginx.mjs';

const unavailable = process.env.PARLEY_NO_CONTAINERS === '1';
const project = `parleytest${process.pid}`;
const base = process.env.PARLEY_BASE || 'localhost/parley-base:bookworm';
const env = {
  ...process.env,
  CONTAINERS_CONF: join(repo, 'tests', 'deploy', 'containers.conf'),  // never the machine's /etc
  BUILDAH_FORMAT: 'docker',  // keeps the Dockerfile's HEALTHCHECK (OCI images drop it)
  PARLEY_BASE: base,
  // The compose file's secrets, this run's own
  PARLEY_API_KEY: `key-${Math.random().toString(36).slice(2)}`,
  PARLEY_CLUSTER_SECRET: `secret-${Math.random().toString(36).slice(2)}`,
};
const auth = { headers: { authorization: `Bearer ${env.PARLEY_API_KEY}` } };
const work = mkdtempSync(join(tmpdir(), 'parley-containers-'));
const override = join(work, 'compose.test.yml');
let firewallBefore = null;
const conntrackCount = '/proc/sys/net/netfilter/nf_conntrack_count';

// Runs a command to its end (at most `ms`); its output is kept for the failure message.
function run(cmd, args, { ms = 300000, extraEnv = {}, check = true } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: repo, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { out += c; });
    const timer = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (check && code !== 0)
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}:\n${out.slice(-4000)}`));
      else resolve({ code, out });
    });
  });
}

const compose = (args, opts) =>
  run('podman-compose', ['-p', project, '-f', 'docker-compose.yml', '-f', override, ...args], opts);

// The ruleset without its counters (-s, stateless): rules already there before the test keep
// counting the machine's traffic, and only what the rules are matters.
function ruleset() {
  const r = spawnSync('nft', ['-s', 'list', 'ruleset'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nft list ruleset failed: ${r.stderr} (scripts/install-deps.sh --test installs nftables)`);
  return r.stdout;
}

// The tables there are ("ip nat", "ip6 filter", ...).
function tables() {
  return spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout
    .split('\n').map((l) => l.replace(/^table\s+/, '').trim()).filter(Boolean);
}

// The firewall as netavark's iptables backend sees it. netavark writes through iptables-nft, and
// the tables must go back through the same tool: restored with `nft -f`, they come back in
// nft's native form, iptables calls them incompatible, and the next container on this machine
// fails to start ("iptables: Chain already exists").
function firewallSnapshot() {
  const save = (tool) => {
    const r = spawnSync(tool, [], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr} (scripts/install-deps.sh --test installs iptables)`);
    if (/incompatible/.test(r.stdout))
      throw new Error(`${tool}: the machine's firewall is not iptables' own before the test:\n${r.stdout}`);
    return r.stdout;
  };
  return { ruleset: ruleset(), tables: tables(), ipv4: save('iptables-save'), ipv6: save('ip6tables-save') };
}

// What the firewall does, for comparing: the tables, and the iptables rules without comments and
// counters (a restore writes the same rules in another order and adds empty built-in chains,
// so nft's listing is not the same text).
function firewallMeaning(snap) {
  const rules = (text) => text.split('\n').filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/\s*\[\d+:\d+\]$/, '')).join('\n');
  return `${[...snap.tables].sort().join('\n')}\n${rules(snap.ipv4)}\n${rules(snap.ipv6)}`;
}

// Puts back what `firewallSnapshot` saw: the tables the test made are deleted, the ones that
// were there get their rules back from iptables-restore. Returns what went wrong.
function restoreFirewall(snap) {
  const problems = [];
  for (const t of tables())
    if (!snap.tables.includes(t)) {
      const r = spawnSync('nft', ['delete', 'table', ...t.split(/\s+/)], { encoding: 'utf8' });
      if (r.status !== 0) problems.push(`nft delete table ${t}: ${r.stderr}`);
    }
  for (const [tool, saved] of [['iptables-restore', snap.ipv4], ['ip6tables-restore', snap.ipv6]])
    if (/^\*/m.test(saved)) {
      const r = spawnSync(tool, [], { input: saved, encoding: 'utf8' });
      if (r.status !== 0) problems.push(`${tool}: ${r.stderr}`);
    }
  return problems;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

before(async () => {
  if (unavailable) return;
  for (const cmd of ['podman', 'podman-compose', 'nft'])
    if (!have(cmd))
      throw new Error(`no ${cmd} on this machine: the container test needs rootful podman, podman-compose and nftables ` +
                      '(scripts/install-deps.sh --test installs them). Set PARLEY_NO_CONTAINERS=1 to say that ' +
                      'containers cannot run here.');
  const info = await run('podman', ['info', '--format', '{{.Host.Security.Rootless}}'], { check: false });
  if (info.code !== 0 || info.out.trim() !== 'false')
    throw new Error(`podman cannot run rootful containers here (podman info: ${info.out.trim().slice(-500)}); ` +
                    'set PARLEY_NO_CONTAINERS=1 if containers are not available on this machine.');
  firewallBefore = firewallSnapshot();
  const binary = process.env.PARLEY_BINARY;
  assert.ok(binary && existsSync(binary), 'PARLEY_BINARY names the host-built parley');
  // The Dockerfile's runtime stage with the host's parley and web UI bind-mounted: the build
  // stage (what users run) compiles Parley for minutes; the test only needs the image around it.
  const node = (id) => `  ${id}:
    build:
      context: ${repo}
      target: runtime-libs
    image: localhost/parley-test:latest
    volumes:
      - ${binary}:/opt/parley/parley:ro
      - ${join(repo, 'webui')}:/opt/parley/webui:ro
`;
  writeFileSync(override, `services:\n${node('parley1')}${node('parley2')}${node('parley3')}`);
});

after(async () => {
  if (unavailable || firewallBefore === null) return rmSync(work, { recursive: true, force: true });
  const problems = [];
  await compose(['down', '-v'], { check: false, ms: 120000 });
  // What down left (a container its restart policy brought back meanwhile, the network):
  // removed by the project's label, so nothing of anyone else is touched.
  const left = await run('podman', ['ps', '-a', '-q', '--filter', `label=io.podman.compose.project=${project}`], { check: false });
  const ids = left.out.split(/\s+/).filter((s) => /^[0-9a-f]{12,}$/.test(s));
  if (ids.length) await run('podman', ['rm', '-f', '-v', ...ids], { check: false });
  await run('podman', ['network', 'rm', '-f', `${project}_parley`], { check: false });
  await run('podman', ['volume', 'rm', '-f', `${project}_redis-data`], { check: false });
  // netavark's NAT and filter rules outlive the network: put the firewall back as it was.
  if (ruleset() !== firewallBefore.ruleset) problems.push(...restoreFirewall(firewallBefore));
  const now = firewallSnapshot();
  if (firewallMeaning(now) !== firewallMeaning(firewallBefore))
    problems.push(`the firewall differs from before the test:\n${now.ruleset}\nbefore:\n${firewallBefore.ruleset}`);
  // And with no ruleset, loopback connections are not tracked again (entries made while the
  // rules were there age out on their own).
  if (firewallBefore.ruleset.trim() === '' && existsSync(conntrackCount)) {
    const before = Number(readFileSync(conntrackCount, 'utf8'));
    const srv = net.createServer((sock) => sock.end()).listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    for (let i = 0; i < 20; ++i)
      await new Promise((r) => net.connect(srv.address().port, '127.0.0.1').on('close', r).on('error', r).resume());
    srv.close();
    const grown = Number(readFileSync(conntrackCount, 'utf8')) - before;
    if (grown >= 20) problems.push(`loopback connections are still tracked (+${grown} conntrack entries for 20)`);
  }
  const still = await run('podman', ['ps', '-a', '-q', '--filter', `label=io.podman.compose.project=${project}`], { check: false });
  if (still.out.trim()) problems.push(`containers left: ${still.out}`);
  rmSync(work, { recursive: true, force: true });
  if (problems.length) throw new Error(problems.join('\n'));
});

// Polls until `pred` holds: there is no systemd here, so healthchecks never change state and
// compose's `condition: service_healthy` only orders the start.
async function until(what, pred, ms) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try { if (await pred()) return; } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out: ${what}${last ? ` (${last.message})` : ''}`);
    await sleep(500);
  }
}

// The containers' last log lines, for a failure's message.
async function containerLogs() {
  const logs = [];
  for (const svc of ['redis', 'parley1', 'parley2', 'parley3', 'nginx']) {
    const l = await run('podman', ['logs', '--tail', '15', `${project}_${svc}_1`], { check: false });
    logs.push(`--- ${svc}\n${l.out}`);
  }
  return logs.join('\n');
}

test('podman-compose up: two clients on two nodes talk through the published nginx port, then all is removed',
     { skip: unavailable && 'PARLEY_NO_CONTAINERS=1: containers are not available on this machine' }, async () => {
  try {
    await composeDemo();
  } catch (e) {
    throw new Error(`${e.stack}\n${await containerLogs()}`);
  }
});

async function composeDemo() {
  const started = Date.now();
  await run(join(repo, 'scripts', 'container-base.sh'), [], { ms: 600000 });
  const port = await freePort();
  const portEnv = { extraEnv: { PARLEY_PORT: String(port) } };
  await compose(['build'], { ms: 600000, ...portEnv });
  const built = Date.now();
  await compose(['up', '-d'], { ms: 180000, ...portEnv });
  const url = `http://127.0.0.1:${port}`;
  // Every node (not only the one nginx picks) sees the other two before the chat starts.
  await until('nginx answers and every node sees three', async () => {
    for (const id of ['parley1', 'parley2', 'parley3']) {
      const s = await (await fetch(`${url}/node/${id}/system/state`, auth)).json();
      if (s.data?.cluster?.liveNodes !== 3) return false;
    }
    return true;
  }, 90000);
  const up = Date.now();

  // Through the one published port: least_conn puts two new connections on two nodes.
  const a = new Client(`ws://127.0.0.1:${port}/acc`);
  await a.open();
  await a.login(101, 'alice');
  const b = new Client(`ws://127.0.0.1:${port}/acc`);
  await b.open();
  await b.login(101, 'bob');
  assert.notEqual(nodeOf(a.loginID), nodeOf(b.loginID), `two nodes: ${a.loginID} ${b.loginID}`);
  // The first message across: 1009 says "retry" while a node's gRPC link to a peer that has
  // just started is still connecting (its channel backs off up to 2 s after a refused first
  // attempt, and peer_timeout_ms is 2 s). What a client does on 1009, bounded.
  let r;
  let retries = 0;
  for (const deadline = Date.now() + 30000; ; ++retries) {
    r = await a.request('sendMessage', { userID: 'bob', type: 'text', msg: 'across containers', msgID: 'c1' });
    if (r.code !== 1009 || Date.now() > deadline) break;
    await sleep(250);
  }
  if (retries) console.log(`containers: the first message across needed ${retries} retries after 1009; the nodes said:\n${await containerLogs()}`);
  assert.equal(r.code, 200, JSON.stringify(r));
  assert.equal(r.data.delivered, true);
  await b.waitPushes((p) => p.cmd === 'msg' && p.response.data.msg === 'across containers');
  const back = await b.request('sendMessage', { userID: 'alice', type: 'text', msg: 'and back', msgID: 'c2' });
  assert.equal(back.data?.delivered, true, JSON.stringify(back));
  await a.waitPushes((p) => p.cmd === 'msg' && p.response.data.msg === 'and back');
  // Each node's figures through nginx, for operators.
  for (const id of ['parley1', 'parley2', 'parley3']) {
    const s = await (await fetch(`${url}/node/${id}/system/state`, auth)).json();
    assert.equal(s.data.cluster.node, id);
  }
  // The API key guards the API through nginx too.
  assert.equal((await fetch(`${url}/system/state`)).status, 401);
  a.close(); b.close();
  console.log(`containers: images ${((built - started) / 1000).toFixed(1)} s, up and ready ` +
              `${((up - built) / 1000).toFixed(1)} s, chat checked ${((Date.now() - up) / 1000).toFixed(1)} s`);
}
