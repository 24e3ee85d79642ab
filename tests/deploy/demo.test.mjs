// scripts/cluster-demo.sh as a user runs it: two nodes, Redis and nginx on loopback; two
// clients through its URL land on the two nodes and chat; SIGINT (Ctrl-C) stops every process
// it started and removes its scratch directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, freePort } from '../cluster/harness.mjs';
import { repo, nodeOf, until } from './nginx.mjs';

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('cluster-demo.sh --nodes 2: chat across its nodes through nginx, Ctrl-C stops it all', async () => {
  const port = await freePort();
  const scratch = mkdtempSync(join(tmpdir(), 'parley-demo-test-'));
  const ready = join(scratch, 'ready');
  const demo = spawn(join(repo, 'scripts', 'cluster-demo.sh'),
                     ['--nodes', '2', '--port', String(port), '--binary', process.env.PARLEY_BINARY],
                     { env: { ...process.env, PARLEY_DEMO_READY: ready }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  demo.stdout.on('data', (c) => { out += c; });
  demo.stderr.on('data', (c) => { out += c; });
  const exited = new Promise((resolve) => demo.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    await until('the demo is ready', () => existsSync(ready) || demo.exitCode !== null, 30000);
    assert.equal(demo.exitCode, null, `the demo exited early:\n${out}`);
    assert.match(out, new RegExp(`http://127\\.0\\.0\\.1:${port}/`), 'it prints the URL');
    const dir = readFileSync(ready, 'utf8').trim();
    const pids = [...out.matchAll(/\(.*pid (\d+)\)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 4, `redis, two nodes and nginx: ${out}`);

    const a = new Client(`ws://127.0.0.1:${port}/acc`);
    await a.open();
    await a.login(101, 'amy');
    const b = new Client(`ws://127.0.0.1:${port}/acc`);
    await b.open();
    await b.login(101, 'bo');
    assert.deepEqual([nodeOf(a.loginID), nodeOf(b.loginID)].sort(), ['parley1', 'parley2']);
    const r = await a.request('sendMessage', { userID: 'bo', type: 'text', msg: 'via the demo', msgID: 'd1' });
    assert.equal(r.data.delivered, true);
    await b.waitPushes((p) => p.cmd === 'msg' && p.response.data.msg === 'via the demo');
    a.close(); b.close();

    demo.kill('SIGINT');
    const { code } = await exited;
    assert.equal(code, 0, `Ctrl-C is a clean stop:\n${out}`);
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} stopped`);
    assert.equal(existsSync(dir), false, 'its scratch directory is gone');
    assert.match(out, /cluster-demo: stopped/);
  } finally {
    if (demo.exitCode === null) { demo.kill('SIGTERM'); await exited; }
    rmSync(scratch, { recursive: true, force: true });
  }
});
