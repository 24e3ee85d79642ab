// Failures a cluster must live through, each with real processes: a node killed with -9, Redis
// stopped and started again, a peer frozen with SIGSTOP, and a peer without the cluster secret.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, startNode, stopAll, connect, waitForCluster, getJson, sleep } from './harness.mjs';

after(stopAll);

const msg = (from) => (p) => p.cmd === 'msg' && p.response?.data?.from === from;

async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function metric(node, name) {
  const text = await (await fetch(node.base + '/metrics')).text();
  const m = text.match(new RegExp(`^${name} (\\S+)$`, 'm'));
  return m ? Number(m[1]) : NaN;
}

test('a node killed with -9: its users leave, the others keep chatting, it rejoins with its id', async () => {
  const redis = await startRedis();
  const secret = ['--cluster-secret', 's3cret'];
  const nodes = [];
  for (const id of ['k1', 'k2', 'k3']) nodes.push(await startNode({ id, redis: [redis.address], args: secret }));
  await waitForCluster(nodes);
  const a = await connect(nodes[0], 1, 'ka');
  const b = await connect(nodes[1], 1, 'kb');
  const x = await connect(nodes[2], 1, 'kx');
  assert.equal((await a.request('sendMessage', { userID: 'kx', type: 'text', msg: 'before' })).data.delivered, true);
  await nodes[2].kill();
  const killedAt = Date.now();
  // Within the TTL (3 s here) the answer turns into "offline", never a silent loss or a hang.
  const answer = await until('delivered:false for a user of the dead node', async () => {
    const r = await a.request('sendMessage', { userID: 'kx', type: 'text', msg: 'after' });
    assert.ok(r.code === 200 || r.code === 1009, JSON.stringify(r));
    return r.code === 200 && r.data.delivered === false ? r : null;
  });
  assert.ok(Date.now() - killedAt < 3000 + 2000, 'within the TTL and a refresh');
  assert.equal(answer.data.delivered, false);
  // The survivors chat on.
  assert.equal((await a.request('sendMessage', { userID: 'kb', type: 'text', msg: 'still here' })).data.delivered, true);
  await b.waitPushes(msg('ka'));
  const list = await getJson(nodes[0].base, '/user/list?appID=1');
  assert.deepEqual(list.data.userList, ['ka', 'kb']);
  // Same id again: it rejoins and its users are reachable.
  await nodes[2].restart();
  await waitForCluster(nodes);
  const x2 = await connect(nodes[2], 1, 'kx');
  assert.equal((await a.request('sendMessage', { userID: 'kx', type: 'text', msg: 'welcome back' })).data.delivered, true);
  await x2.waitPushes(msg('ka'));
  [a, b, x, x2].forEach((c) => c.close());
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

test('Redis stopped: local chat and logins go on, cross-node sends answer at once, all recovers under load', async () => {
  const redis = await startRedis();
  const n1 = await startNode({ id: 'r1', redis: [redis.address] });
  const n2 = await startNode({ id: 'r2', redis: [redis.address] });
  await waitForCluster([n1, n2]);
  const a = await connect(n1, 1, 'ra');
  const far = await connect(n2, 1, 'rfar');
  await redis.stop();
  await until('degraded', async () => (await getJson(n1.base, '/system/state')).data.cluster.degraded);
  assert.equal(await metric(n1, 'parley_cluster_degraded'), 1);
  assert.match(n1.log(), /redis 127\.0\.0\.1:\d+ unavailable/);
  // Local chat and new logins, answered at once.
  const t0 = Date.now();
  const b = await connect(n1, 1, 'rb');
  assert.ok(Date.now() - t0 < 1500, 'login answered at once (not after a Redis timeout)');
  assert.equal((await a.request('sendMessage', { userID: 'rb', type: 'text', msg: 'local' })).data.delivered, true);
  await b.waitPushes(msg('ra'));
  // Cross-node: a clear answer, no hang.
  const t1 = Date.now();
  const cross = await a.request('sendMessage', { userID: 'rfar', type: 'text', msg: 'far' });
  assert.ok(Date.now() - t1 < 1500, 'answered at once (not after a Redis timeout)');
  assert.equal(cross.code, 1009);
  // Under load: 30 more logins and a steady stream of local messages while Redis is away
  // and while it comes back.
  const storm = await Promise.all(Array.from({ length: 30 }, (_, i) => connect(n1, 1, `storm${i}`)));
  let streaming = true, streamed = 0;
  const stream = (async () => {
    while (streaming) {
      const r = await a.request('sendMessage', { userID: 'rb', type: 'text', msg: 'steady' });
      assert.equal(r.data.delivered, true);
      ++streamed;
    }
  })();
  // Redis back on the same port: both nodes re-register without a restart.
  await redis.start();
  await until('recovered', async () => !(await getJson(n1.base, '/system/state')).data.cluster.degraded);
  await waitForCluster([n1, n2]);
  await until('rb (logged in during the outage) reachable from n2', async () => {
    const r = await far.request('sendMessage', { userID: 'rb', type: 'text', msg: 'found you' });
    return r.code === 200 && r.data.delivered;
  });
  await b.waitPushes(msg('rfar'));
  streaming = false;
  await stream;
  assert.ok(streamed > 0);
  // Nothing registered during the outage was lost: every storm login is known cluster-wide.
  await until('every login of the outage listed on n2', async () => {
    const list = await getJson(n2.base, '/user/list?appID=1');
    return storm.every((_, i) => list.data.userList.includes(`storm${i}`));
  });
  for (const i of [0, 17, 29]) {
    const r = await far.request('sendMessage', { userID: `storm${i}`, type: 'text', msg: 'after the outage' });
    assert.equal(r.data.delivered, true);
  }
  storm.forEach((c) => c.close());
  assert.ok(await metric(n1, 'parley_cluster_redis_disconnects_total') >= 1);
  assert.ok(await metric(n1, 'parley_cluster_directory_republished_total') >= 2);
  [a, b, far].forEach((c) => c.close());
  await n1.stop(); await n2.stop(); await redis.stop();
});

test('a peer stopped for 5 s: sends wait at most the bound, drops are counted, the stream recovers in order', async () => {
  const redis = await startRedis();
  // A TTL longer than the stop: the peer stays in the registry, its link waits.
  const args = ['--peer-timeout-ms', '1000', '--peer-queue-bytes', '65536', '--node-ttl-ms', '20000',
                '--node-refresh-ms', '2000'];
  const n1 = await startNode({ id: 'p1', redis: [redis.address], args });
  const n2 = await startNode({ id: 'p2', redis: [redis.address], args });
  await waitForCluster([n1, n2]);
  const from = await connect(n1, 1, 'pfrom');
  const to = await connect(n2, 1, 'pto');
  let seq = 0;
  const send = (text = '') => from.request('sendMessage', { userID: 'pto', type: 'text', msg: `${seq++} ${text}` });
  for (let i = 0; i < 10; ++i) assert.equal((await send()).data.delivered, true);
  const senders = [], receivers = [];
  for (let i = 0; i < 60; ++i) {
    senders.push(await connect(n1, 1, `ps${i}`));
    receivers.push(await connect(n2, 1, `pr${i}`));
  }
  n2.proc.kill('SIGSTOP');
  const stoppedAt = Date.now();
  // 60 senders at once (one connection answers its commands in order, one at a time), three
  // 30 KB messages each: 5.4 MB, far past the 64 KiB queue and the transport's windows. Each
  // to its own receiver, so that no receiver's write queue (1 MiB) overflows on resume.
  const big = 'x'.repeat(30000);
  const slowest = [];
  const during = (await Promise.all(senders.map(async (s, n) => {
    const answers = [];
    for (let i = 0; i < 3; ++i) {
      const t = Date.now();
      answers.push(await s.request('sendMessage', { userID: `pr${n}`, type: 'text', msg: big }));
      slowest.push(Date.now() - t);
    }
    return answers;
  }))).flat();
  // The bound: peer_timeout_ms (1 s) plus the link's 100 ms sweep, with slack for a loaded
  // machine and the sanitizer build (a hang would be the 10 s client timeout; the sanitizer
  // build measured 3,105 ms here with a compile running beside it).
  assert.ok(Math.max(...slowest) < 1000 + 3500, `each send answered within the bound: ${Math.max(...slowest)} ms`);
  assert.ok(during.every((r) => r.code === 1009 || (r.code === 200 && r.data.delivered)), 'clear answers');
  assert.ok(during.some((r) => r.code === 1009));
  assert.ok(await metric(n1, 'parley_cluster_peer_drops_total') > 0, 'queue-full drops counted');
  await sleep(Math.max(0, 5000 - (Date.now() - stoppedAt)));
  n2.proc.kill('SIGCONT');
  await until('the stream delivers again', async () => {
    const r = await send();
    return r.code === 200 && r.data.delivered;
  });
  for (let i = 0; i < 20; ++i) assert.equal((await send()).data.delivered, true);
  const last = seq - 1;
  await to.waitPushes((p) => p.cmd === 'msg' && p.response.data.msg.startsWith(`${last} `), 1, 10000);
  const seen = to.pushes.filter(msg('pfrom')).map((p) => Number(p.response.data.msg.split(' ')[0]));
  for (let i = 1; i < seen.length; ++i) assert.ok(seen[i] > seen[i - 1], `order holds at ${i}: ${seen[i - 1]} then ${seen[i]}`);
  from.close(); to.close();
  senders.forEach((s) => s.close());
  receivers.forEach((r) => r.close());
  await n1.stop(); await n2.stop(); await redis.stop();
});

test('a peer without the cluster secret is refused and counted', async () => {
  const redis = await startRedis();
  const good = await startNode({ id: 's1', redis: [redis.address], args: ['--cluster-secret', 'right'] });
  const bad = await startNode({ id: 's2', redis: [redis.address], args: ['--cluster-secret', 'wrong'] });
  await waitForCluster([good, bad]);
  const on1 = await connect(good, 1, 'sa');
  const on2 = await connect(bad, 1, 'sb');
  const r = await on2.request('sendMessage', { userID: 'sa', type: 'text', msg: 'let me in' });
  assert.equal(r.code, 1009);
  await until('refusal counted', async () => (await metric(good, 'parley_cluster_peer_refused_total')) > 0);
  assert.equal(on1.pushes.filter(msg('sb')).length, 0);
  on1.close(); on2.close();
  await good.stop(); await bad.stop(); await redis.stop();
});

// FNV-1a of a directory key modulo the shard count: the same hash as cluster/redis_keys.hpp.
function shardOf(key, shards) {
  let h = 14695981039346656037n;
  for (const c of Buffer.from(key)) {
    h ^= BigInt(c);
    h = (h * 1099511628211n) & ((1n << 64n) - 1n);
  }
  return Number(h % BigInt(shards));
}

function userOnShard(prefix, shard) {
  for (let i = 0; ; ++i) if (shardOf(`parley:u:1:${prefix}${i}`, 2) === shard) return `${prefix}${i}`;
}

test('one of two Redis shards stopped: keys on the other still route, the rest answer 1009, all recovers', async () => {
  const a = await startRedis(), b = await startRedis();
  const shards = [a.address, b.address];
  const n1 = await startNode({ id: 'h1', redis: shards });
  const n2 = await startNode({ id: 'h2', redis: shards });
  await waitForCluster([n1, n2]);
  const onA = userOnShard('ua', 0), onB = userOnShard('ub', 1);
  const from = await connect(n1, 1, 'hfrom');
  const ra = await connect(n2, 1, onA);
  const rb = await connect(n2, 1, onB);
  const send = (to) => from.request('sendMessage', { userID: to, type: 'text', msg: 'hi' });
  assert.equal((await send(onA)).data.delivered, true);
  assert.equal((await send(onB)).data.delivered, true);
  await b.stop();  // the second shard: the registry (first shard) stays
  await until('degraded', async () => (await getJson(n1.base, '/system/state')).data.cluster.degraded);
  assert.equal((await send(onA)).data.delivered, true, 'a key on the live shard still routes');
  assert.equal((await send(onB)).code, 1009, 'a key on the stopped shard answers clearly');
  await b.start();
  await until('recovered', async () => !(await getJson(n1.base, '/system/state')).data.cluster.degraded);
  await until(`${onB} reachable again`, async () => {
    const r = await send(onB);
    return r.code === 200 && r.data.delivered;
  });
  await ra.waitPushes(msg('hfrom'), 2);
  [from, ra, rb].forEach((c) => c.close());
  await n1.stop(); await n2.stop(); await a.stop(); await b.stop();
});
