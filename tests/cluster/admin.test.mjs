// The management API (proto/gateway.proto) through its own client, parley-admin, against a
// real 2-node cluster and Redis with an API key: every answer is cluster-wide, whichever node
// is asked, and users on the other node are found and reached.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { startRedis, startNode, stopAll, connect, sleep, Client } from './harness.mjs';

const KEY = 'admin-test-key';
const ADMIN = process.env.PARLEY_ADMIN;

// Runs parley-admin; resolves {code, stdout, stderr}.
function admin(node, args, { key = KEY } = {}) {
  const full = ['--target', node.grpc, ...(key ? ['--api-key', key] : []), ...args];
  return new Promise((resolve) => {
    execFile(ADMIN, full, { maxBuffer: 64 << 20, env: {} }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function json(node, args) {
  const r = await admin(node, ['--json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('management API on two nodes', () => {
  let nodes;
  before(async () => {
    assert.ok(ADMIN, 'PARLEY_ADMIN must name the parley-admin binary');
    const redis = await startRedis();
    nodes = [];
    for (const id of ['a1', 'a2'])
      nodes.push(await startNode({
        id, redis: [redis.address],
        // 5,000 logins from one address below: the per-address caps off, and no presence
        // pushes (a room that size is issue 17's)
        // samples and registry refreshes a few times a second, so that the stats test sees
        // the other node's figures soon
        args: ['--api-key', KEY, '--presence-pushes', 'false', '--max-anonymous-per-address', '0',
               '--upgrades-per-address-per-second', '0', '--actor-stats-ms', '200',
               '--node-refresh-ms', '500'],
      }));
    const deadline = Date.now() + 15000;
    for (;;) {
      const r = await admin(nodes[0], ['--json', 'nodes']);
      if (r.code === 0 && r.stdout.trim().split('\n').length === 2) break;
      if (Date.now() > deadline) throw new Error(`cluster not formed: ${r.stdout} ${r.stderr}`);
      await sleep(100);
    }
  });
  after(stopAll);

  test('nodes: both nodes, the one asked marked', async () => {
    const list = await json(nodes[1], ['nodes']);
    assert.deepEqual(list.map((n) => n.node).sort(), ['a1', 'a2']);
    assert.deepEqual(list.filter((n) => n.self).map((n) => n.node), ['a2']);
    assert.equal(list.find((n) => n.node === 'a1').grpc, nodes[0].grpc);
    const table = await admin(nodes[1], ['nodes']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^NODE\s+GRPC/);
    assert.match(table.stdout, /a2 \*/);
  });

  test('a call without the API key, or with a wrong one, is UNAUTHENTICATED (exit 1)', async () => {
    for (const key of ['', 'wrong']) {
      const r = await admin(nodes[0], ['nodes'], { key });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /UNAUTHENTICATED/);
      assert.equal(r.stdout, '');
    }
  });

  test('bad usage exits 2 before calling; bad arguments get INVALID_ARGUMENT naming the field', async () => {
    let r = await admin(nodes[0], ['users']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /users needs --app/);
    r = await admin(nodes[0], ['frobnicate']);
    assert.equal(r.code, 2);
    r = await admin(nodes[0], ['online', '--app', '1', '--user', '']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /INVALID_ARGUMENT: user_id is required/);
    r = await admin(nodes[0], ['send', '--app', '1', '--group', '', '--msg', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /INVALID_ARGUMENT: group is required/);
    r = await admin(nodes[0], ['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /commands:/);
    r = await admin(nodes[0], ['kick', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /kick --app \.\.\. --user \.\.\./);
  });

  test('a user on the other node: online, counted, listed and reached', async () => {
    const bob = await connect(nodes[1], 7, 'bob');
    const [online] = await json(nodes[0], ['online', '--app', '7', '--user', 'bob']);
    assert.deepEqual(online, { userID: 'bob', online: true });
    const [nobody] = await json(nodes[0], ['online', '--app', '7', '--user', 'nobody']);
    assert.equal(nobody.online, false);
    const [count] = await json(nodes[0], ['count', '--app', '7']);
    assert.equal(count.users, 1);
    assert.deepEqual(await json(nodes[0], ['users', '--app', '7']), ['bob']);

    const [sent] = await json(nodes[0], ['send', '--app', '7', '--user', 'bob', '--msg', 'hi bob']);
    assert.equal(sent.delivered, true);
    const [push] = await bob.waitPushes((p) => p.cmd === 'msg');
    assert.equal(push.response.data.msg, 'hi bob');
    assert.equal(push.response.data.from, 'system');
    const [missed] = await json(nodes[0], ['send', '--app', '7', '--user', 'nobody', '--msg', 'x']);
    assert.equal(missed.delivered, false);
    bob.close();
  });

  test('groups: members on both nodes listed, counted and reached from either node', async () => {
    const c1 = await connect(nodes[0], 8, 'carol');
    const c2 = await connect(nodes[1], 8, 'dave');
    for (const c of [c1, c2]) assert.equal((await c.request('join', { group: 'ops' })).code, 200);
    assert.deepEqual((await json(nodes[1], ['groups', '--app', '8', '--group', 'ops'])).sort(),
                     ['carol', 'dave']);
    const [count] = await json(nodes[0], ['count', '--app', '8', '--group', 'ops']);
    assert.equal(count.count, 2);
    const [sent] = await json(nodes[1], ['send', '--app', '8', '--group', 'ops', '--msg', 'to ops']);
    assert.equal(sent.recipients, 2);
    for (const c of [c1, c2])
      assert.equal((await c.waitPushes((p) => p.cmd === 'msg'))[0].response.data.msg, 'to ops');
    const [all] = await json(nodes[0], ['broadcast', '--app', '8', '--msg', 'to everyone']);
    assert.equal(all.recipients, 2);
    for (const c of [c1, c2])
      await c.waitPushes((p) => p.cmd === 'msg' && p.response.data.msg === 'to everyone');
    c1.close(); c2.close();
  });

  test('join and leave from either node, for a user wherever the user is', async () => {
    const gina = await connect(nodes[1], 11, 'gina');  // on node 2 only
    const hal1 = await connect(nodes[0], 11, 'hal');   // two devices, one per node
    const hal2 = await connect(nodes[1], 11, 'hal');
    for (const user of ['gina', 'hal']) {
      const [joined] = await json(nodes[0], ['join', '--app', '11', '--user', user, '--group', 'desk']);
      assert.equal(joined.changed, true);
    }
    assert.deepEqual((await json(nodes[0], ['groups', '--app', '11', '--group', 'desk'])).sort(),
                     ['gina', 'hal']);
    const [sent] = await json(nodes[0], ['send', '--app', '11', '--group', 'desk', '--msg', 'desk 1']);
    // recipients counts a user once per node holding the user (hal twice here): a known gap
    // of the cluster's counts (issue 13); the pushes below are what must be exact
    assert.ok(sent.recipients >= 2);
    for (const c of [gina, hal1, hal2])
      await c.waitPushes((p) => p.cmd === 'msg' && p.response.data.msg === 'desk 1');
    const [left] = await json(nodes[0], ['leave', '--app', '11', '--user', 'gina', '--group', 'desk']);
    assert.equal(left.changed, true);
    const [again] = await json(nodes[1], ['send', '--app', '11', '--group', 'desk', '--msg', 'desk 2']);
    assert.ok(again.recipients >= 1);
    for (const c of [hal1, hal2])
      await c.waitPushes((p) => p.cmd === 'msg' && p.response.data.msg === 'desk 2');
    // The send is answered once every node has queued its frames, so a private message sent
    // after it reaches gina behind anything the group send gave her.
    await json(nodes[1], ['send', '--app', '11', '--user', 'gina', '--msg', 'marker']);
    await gina.waitPushes((p) => p.cmd === 'msg' && p.response.data.msg === 'marker');
    assert.equal(gina.pushes.filter((p) => p.response?.data?.msg === 'desk 2').length, 0);
    const [nobody] = await json(nodes[0], ['join', '--app', '11', '--user', 'nobody', '--group', 'desk']);
    assert.equal(nobody.changed, false);  // online nowhere: groups hold online users
    // ungroup from node 2: hal (on both nodes) leaves everywhere
    const [gone] = await json(nodes[1], ['ungroup', '--app', '11', '--group', 'desk']);
    assert.equal(gone.removed, 1);
    assert.deepEqual(await json(nodes[0], ['groups', '--app', '11', '--group', 'desk']), []);
    const [none] = await json(nodes[0], ['send', '--app', '11', '--group', 'desk', '--msg', 'desk 3']);
    assert.equal(none.recipients, 0);
    for (const c of [gina, hal1, hal2]) c.close();
  });

  test('a client on the other node: online by its clientID, then closed', async () => {
    const ivy = new Client(nodes[1].url);
    await ivy.open();
    const login = await ivy.login(12, 'ivy');
    const id = login.data.clientID;
    assert.match(id, /^a2-/);  // the node's id names the client's node
    const closed = new Promise((resolve) => ivy.ws.once('close', (code) => resolve(code)));
    const [open] = await json(nodes[0], ['online', '--app', '12', '--client', id]);
    assert.deepEqual(open, { clientID: id, online: true });
    const [gone] = await json(nodes[0], ['online', '--app', '12', '--client', 'a2-999999']);
    assert.equal(gone.online, false);
    const [nowhere] = await json(nodes[0], ['online', '--app', '12', '--client', 'zz-1']);
    assert.equal(nowhere.online, false);  // no such node
    const [c] = await json(nodes[0], ['close', '--app', '12', '--client', id]);
    assert.equal(c.closed, 1);
    assert.equal(await closed, 4001);
    const deadline = Date.now() + 5000;
    while ((await json(nodes[1], ['online', '--app', '12', '--client', id]))[0].online) {
      assert.ok(Date.now() < deadline, 'still open after CloseClient');
      await sleep(50);
    }
    const [again] = await json(nodes[1], ['close', '--app', '12', '--client', id]);
    assert.equal(again.closed, 0);
  });

  test('kick: every device of the user, on both nodes, closed with the reason', async () => {
    const phone = await connect(nodes[0], 10, 'eve');
    const laptop = await connect(nodes[1], 10, 'eve');
    const other = await connect(nodes[1], 10, 'frank');
    const closes = [phone, laptop].map((c) => new Promise((resolve) => {
      c.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    }));
    const [kicked] = await json(nodes[0], ['kick', '--app', '10', '--user', 'eve', '--msg', 'account suspended']);
    assert.equal(kicked.closed, 2);
    for (const c of await Promise.all(closes))
      assert.deepEqual(c, { code: 4001, reason: 'account suspended' });
    // the others stay; the user is gone everywhere
    assert.equal((await other.request('heartbeat', {})).code, 200);
    const deadline = Date.now() + 5000;
    while ((await json(nodes[1], ['online', '--app', '10', '--user', 'eve']))[0].online) {
      assert.ok(Date.now() < deadline, 'eve still online after the kick');
      await sleep(50);
    }
    const [none] = await json(nodes[1], ['kick', '--app', '10', '--user', 'eve']);
    assert.equal(none.closed, 0);
    other.close();
  });

  test('clients: listed, found by user and by clientID, counted, on both nodes', async () => {
    const kim1 = await connect(nodes[0], 13, 'kim');
    const kim2 = await connect(nodes[1], 13, 'kim');
    const lee = await connect(nodes[1], 13, 'lee');
    await kim1.request('join', { group: 'g-one' });
    await lee.request('join', { group: 'g-two' });
    await kim2.request('join', { group: 'g-both' });  // kim: on both nodes
    const ids = [kim1, kim2, lee].map((c) => c.loginID);
    const all = await json(nodes[0], ['clients', '--app', '13']);
    assert.deepEqual(all.map((c) => c.clientID), ids);  // a1's first, then a2's by number
    assert.deepEqual(all.map((c) => c.userID), ['kim', 'kim', 'lee']);
    assert.deepEqual(all.map((c) => c.node), ['a1', 'a2', 'a2']);
    for (const c of all) assert.match(c.remote, /^127\.0\.0\.1:\d+$/);
    const kims = await json(nodes[1], ['clients', '--app', '13', '--user', 'kim']);
    assert.deepEqual(kims.map((c) => c.clientID), ids.slice(0, 2));
    assert.deepEqual(await json(nodes[0], ['clients', '--app', '13', '--user', 'nobody']), []);
    const [who] = await json(nodes[0], ['clients', '--app', '13', '--client', ids[2]]);
    assert.deepEqual(who, { clientID: ids[2], appID: 13, userID: 'lee' });
    const gone = await admin(nodes[0], ['clients', '--app', '13', '--client', 'a2-999999']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /NOT_FOUND: client a2-999999 is not open/);
    const [count] = await json(nodes[1], ['count', '--app', '13']);
    assert.deepEqual(count, { users: 2, clients: 3, groups: 3 });  // g-both counts once
    const table = await admin(nodes[0], ['clients', '--app', '13']);
    assert.match(table.stdout, /^CLIENT\s+USER\s+NODE\s+REMOTE\n/);
    assert.match(table.stderr, /3 listed/);
    for (const c of [kim1, kim2, lee]) c.close();
  });

  test('send to one client on the other node: that device only, not its twin', async () => {
    const desk = await connect(nodes[1], 14, 'max');
    const phone = await connect(nodes[0], 14, 'max');
    const other = await connect(nodes[1], 15, 'max');  // same userID, another app
    const [sent] = await json(nodes[0], ['send', '--app', '14', '--client', desk.loginID, '--msg', 'to the desk']);
    assert.equal(sent.delivered, true);
    const [push] = await desk.waitPushes((p) => p.cmd === 'msg');
    assert.equal(push.response.data.msg, 'to the desk');
    await phone.request('heartbeat', {});
    assert.equal(phone.pushes.filter((p) => p.cmd === 'msg').length, 0);
    // a client of another app is not reached through this app; a closed one is not either
    const [cross] = await json(nodes[0], ['send', '--app', '14', '--client', other.loginID, '--msg', 'x']);
    assert.equal(cross.delivered, false);
    const [closed] = await json(nodes[0], ['send', '--app', '14', '--client', 'a2-999999', '--msg', 'x']);
    assert.equal(closed.delivered, false);
    await other.request('heartbeat', {});
    assert.equal(other.pushes.filter((p) => p.cmd === 'msg').length, 0);
    for (const c of [desk, phone, other]) c.close();
  });

  test('bind an anonymous connection on the other node to a user, then unbind the user', async () => {
    const anon = new Client(nodes[1].url);
    await anon.open();
    const me = await anon.request('whoami', {});
    assert.equal(me.code, 200);
    assert.deepEqual({ appID: me.data.appID, userID: me.data.userID }, { appID: 0, userID: '' });
    const id = me.data.clientID;
    assert.match(id, /^a2-/);
    const [bound] = await json(nodes[0], ['bind', '--app', '16', '--client', id, '--user', 'nia']);
    assert.deepEqual(bound, { clientID: id, userID: 'nia' });
    const [login] = await anon.waitPushes((p) => p.cmd === 'login');
    assert.equal(login.response.code, 200);
    assert.equal(login.response.data.userID, 'nia');
    // now it is nia's: online, listed, reachable, and a second bind is refused
    assert.equal((await json(nodes[0], ['online', '--app', '16', '--user', 'nia']))[0].online, true);
    assert.equal((await anon.request('whoami', {})).data.userID, 'nia');
    const [sent] = await json(nodes[0], ['send', '--app', '16', '--user', 'nia', '--msg', 'welcome']);
    assert.equal(sent.delivered, true);
    await anon.waitPushes((p) => p.cmd === 'msg');
    const again = await admin(nodes[0], ['bind', '--app', '16', '--client', id, '--user', 'oz']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /FAILED_PRECONDITION: already logged in/);
    const missing = await admin(nodes[0], ['bind', '--app', '16', '--client', 'a1-999999', '--user', 'oz']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /NOT_FOUND/);
    const bad = await admin(nodes[0], ['bind', '--app', '16', '--client', id, '--user', 'x'.repeat(40)]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_ARGUMENT/);

    // unbind: nia's devices on both nodes log out and stay open
    const second = await connect(nodes[0], 16, 'nia');
    const [unbound] = await json(nodes[0], ['unbind', '--app', '16', '--user', 'nia']);
    assert.equal(unbound.unbound, 2);
    for (const c of [anon, second]) {
      const [u] = await c.waitPushes((p) => p.cmd === 'unbind');
      assert.equal(u.response.data.userID, 'nia');
      assert.equal((await c.request('heartbeat', {})).code, 1000);  // not logged in any more
      assert.equal((await c.request('whoami', {})).data.userID, '');
      assert.equal(c.ws.readyState, c.ws.OPEN);
    }
    const deadline = Date.now() + 5000;
    while ((await json(nodes[1], ['online', '--app', '16', '--user', 'nia']))[0].online) {
      assert.ok(Date.now() < deadline, 'nia still online after UnBindUid');
      await sleep(50);
    }
    assert.deepEqual(await json(nodes[1], ['clients', '--app', '16']), []);
    // and an unbound connection may log in again
    await anon.login(16, 'nia');
    for (const c of [anon, second]) c.close();
  });

  test('a list of 5,000 users over both nodes streams complete, in pages', async () => {
    const clients = [];
    const n = 5000;
    for (let i = 0; i < n; i += 100) {
      const batch = [];
      for (let j = i; j < i + 100; ++j)
        batch.push(connect(nodes[j % 2], 9, `u${String(j).padStart(5, '0')}`));
      clients.push(...await Promise.all(batch));
    }
    const listed = await json(nodes[0], ['users', '--app', '9']);
    assert.equal(listed.length, n);
    assert.equal(new Set(listed).size, n);
    assert.deepEqual(listed, [...listed].sort());  // id order, page after page
    const [count] = await json(nodes[1], ['count', '--app', '9']);
    assert.equal(count.users, n);
    assert.equal(count.clients, n);
    // the connections too: every one once, by node then by number, each with its user
    const conns = await json(nodes[1], ['clients', '--app', '9']);
    assert.equal(conns.length, n);
    assert.equal(new Set(conns.map((c) => c.clientID)).size, n);
    assert.equal(new Set(conns.map((c) => c.userID)).size, n);
    const order = (c) => [c.node, Number(c.clientID.slice(c.clientID.lastIndexOf('-') + 1))];
    for (let i = 1; i < conns.length; ++i) {
      const [na, sa] = order(conns[i - 1]), [nb, sb] = order(conns[i]);
      assert.ok(na < nb || (na === nb && sa < sb), `out of order at ${i}`);
    }
    assert.equal(conns.filter((c) => c.node === 'a1').length, n / 2);
    for (const c of clients) c.close();
  });

  // 20,000 connections: more than one process may hold, so two child processes (one per node)
  // hold 10,000 each, and the list streams through parley-admin in pages of 1,000.
  test('a list of 20,000 clients over both nodes streams complete, in order', { timeout: 120000 }, async () => {
    const per = 10000;
    const children = nodes.map((node, k) => spawn(process.execPath,
      [new URL('./login_many.mjs', import.meta.url).pathname, node.url, '19', `n${k}-`, String(per)],
      { stdio: ['pipe', 'pipe', 'inherit'] }));
    try {
      await Promise.all(children.map((c) => new Promise((resolve, reject) => {
        c.stdout.on('data', (d) => { if (d.toString().includes('ready')) resolve(); });
        c.once('exit', (code) => reject(new Error(`login_many exited ${code}`)));
      })));
      const listed = await json(nodes[1], ['clients', '--app', '19']);
      assert.equal(listed.length, 2 * per);
      assert.equal(new Set(listed.map((c) => c.clientID)).size, 2 * per);
      assert.equal(new Set(listed.map((c) => c.userID)).size, 2 * per);
      assert.equal(listed.filter((c) => c.node === 'a1').length, per);
      assert.ok(listed.slice(0, per).every((c) => c.node === 'a1'));  // a1's, then a2's
      const [count] = await json(nodes[0], ['count', '--app', '19']);
      assert.equal(count.clients, 2 * per);
      assert.equal(count.users, 2 * per);
    } finally {
      await Promise.all(children.map((c) => new Promise((resolve) => {
        if (c.exitCode !== null) return resolve();
        c.once('exit', resolve);
        c.stdin.end();
      })));
    }
    // the 20,000 are gone before the next test counts connections
    const deadline = Date.now() + 20000;
    while ((await json(nodes[0], ['count', '--app', '19']))[0].clients > 0) {
      assert.ok(Date.now() < deadline, 'the 20,000 clients did not go');
      await sleep(200);
    }
  });

  test('actors and top: a busy group on the other node, its commands and latencies', async () => {
    const sid = await connect(nodes[1], 18, 'sid');
    await sid.request('join', { group: 'busy' });
    for (let i = 0; i < 30; ++i) await sid.request('sendGroup', { group: 'busy', msg: `m${i}` });
    // the other node's sample reaches this one with its next registry refresh
    let top;
    const deadline = Date.now() + 8000;
    for (;;) {
      top = await json(nodes[0], ['top']);
      if (top.some((r) => r.group === '18/busy')) break;
      assert.ok(Date.now() < deadline, `busy never in top: ${JSON.stringify(top)}`);
      await sleep(100);
    }
    const busy = top.find((r) => r.group === '18/busy');
    assert.equal(busy.node, 'a2');
    assert.equal(busy.members, 1);
    assert.ok(busy.perSecond > 0);
    // and its commands once a sample after the last send has come over
    let stats, send;
    for (;;) {
      stats = await json(nodes[0], ['actors']);
      send = stats[1]?.commands.find((c) => c.cmd === 'sendGroup');
      if (send?.count >= 30) break;
      assert.ok(Date.now() < deadline, `a2's sendGroup figures: ${JSON.stringify(send)}`);
      await sleep(100);
    }
    assert.deepEqual(stats.map((n) => n.node), ['a1', 'a2']);
    assert.deepEqual(stats.map((n) => n.self), [true, false]);
    const a2 = stats[1];
    assert.ok(send.count >= 30);  // earlier tests sent to groups on a2 too
    assert.ok(send.p99Us >= send.p50Us && send.p50Us > 0, JSON.stringify(send));
    assert.equal(a2.actors[0].kind, 'node');
    assert.ok(a2.actors.some((a) => a.kind === 'behaviour' && a.name === 'sendGroup'));
    const table = await admin(nodes[0], ['actors']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^node a1 \*\nKIND\s+NAME\s+MSG\/S\s+MAILBOX\n/);
    assert.match(table.stdout, /COMMAND\s+COUNT\s+ERRORS\s+CMD\/S\s+P50_US\s+P99_US/);
    const topTable = await admin(nodes[0], ['top']);
    assert.match(topTable.stdout, /^GROUP\s+NODE\s+MEMBERS\s+MSG\/S\s+MAILBOX\n/);
    const gone = new Promise((resolve) => sid.ws.once('close', resolve));
    sid.close();
    await gone;
  });

  // Last: a drained node accepts nothing more.
  test('drain: the other node stops accepting, its clients get 1001 and log in here', async () => {
    const [p1, p2] = [await connect(nodes[1], 17, 'pat'), await connect(nodes[1], 17, 'quin')];
    const stays = await connect(nodes[0], 17, 'rae');
    const closes = [p1, p2].map((c) => new Promise((resolve) => {
      c.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    }));
    const unknown = await admin(nodes[0], ['drain', '--node', 'zz']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /NOT_FOUND: no live node zz/);
    const [drained] = await json(nodes[0], ['drain', '--node', 'a2']);
    // (a connection an earlier test closed may still be closing there)
    assert.ok(drained.closed >= 2, `closed ${drained.closed}`);
    for (const c of await Promise.all(closes))
      assert.deepEqual(c, { code: 1001, reason: 'node draining: reconnect' });
    // a2 takes no new connection; a1 takes the clients back, and its own client never noticed
    await assert.rejects(new Client(nodes[1].url).open());
    for (const user of ['pat', 'quin']) (await connect(nodes[0], 17, user)).close();
    assert.equal((await stays.request('heartbeat', {})).code, 200);
    // the drained node still answers the management API (until it is stopped)
    const list = await json(nodes[1], ['nodes']);
    assert.deepEqual(list.map((n) => n.node).sort(), ['a1', 'a2']);
    stays.close();
  });
});

describe('management API on a node alone (no Redis)', () => {
  let solo;
  before(async () => {
    solo = await startNode({ id: 'solo', args: ['--api-key', KEY, '--actor-stats-ms', '100'] });
  });
  after(stopAll);

  test('the same RPCs answer for the one node', async () => {
    const [me] = await json(solo, ['nodes']);
    assert.equal(me.node, 'solo');
    assert.equal(me.self, true);
    const tia = await connect(solo, 20, 'tia');
    assert.deepEqual(await json(solo, ['users', '--app', '20']), ['tia']);
    const [client] = await json(solo, ['clients', '--app', '20']);
    assert.equal(client.clientID, tia.loginID);
    const [sent] = await json(solo, ['send', '--app', '20', '--client', tia.loginID, '--msg', 'solo']);
    assert.equal(sent.delivered, true);
    await tia.waitPushes((p) => p.cmd === 'msg');
    const wrong = await admin(solo, ['nodes'], { key: 'nope' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /UNAUTHENTICATED/);
    let stats;
    const deadline = Date.now() + 5000;
    do {
      [stats] = await json(solo, ['actors']);
      if (stats.commands.some((c) => c.cmd === 'login' && c.count === 1)) break;
      await sleep(50);
    } while (Date.now() < deadline);
    assert.ok(stats.commands.some((c) => c.cmd === 'login' && c.count === 1), JSON.stringify(stats));
    const closed = new Promise((resolve) => tia.ws.once('close', (code) => resolve(code)));
    const [drained] = await json(solo, ['drain', '--node', 'solo']);
    assert.equal(drained.closed, 1);
    assert.equal(await closed, 1001);
  });
});
