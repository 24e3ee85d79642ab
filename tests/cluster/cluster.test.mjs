// The cluster on loopback: one real redis-server (or two shards), three real parley nodes
// with gRPC between them, real WebSocket clients. Each test asserts what a user on one node
// sees of users on the others.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, startNode, stopAll, connect, waitForCluster, getJson, postForm } from './harness.mjs';

const msg = (from) => (p) => p.cmd === 'msg' && p.response?.data?.from === from;

// Requests this node has written to its peer streams so far.
async function forwards(node) {
  const text = await (await fetch(node.base + '/metrics')).text();
  return Number(text.match(/^parley_cluster_peer_forwards_total (\S+)$/m)[1]);
}

for (const shards of (process.env.SHARDS ? [Number(process.env.SHARDS)] : [1, 2])) {
  describe(`three nodes, ${shards} Redis shard(s)`, () => {
    let nodes;
    before(async () => {
      const redis = [];
      for (let i = 0; i < shards; ++i) redis.push(await startRedis());
      const addresses = redis.map((r) => r.address);
      nodes = [];
      // App 7 sends counts instead of enter/exit (docs/protocol.md "Presence").
      for (const id of ['n1', 'n2', 'n3'])
        nodes.push(await startNode({ id, redis: addresses, args: ['--presence', 'auto,7=count', '--presence-interval-ms', '200'] }));
      await waitForCluster(nodes);
    });
    after(stopAll);

    test('an app in count mode: every user counts the users of all nodes', async () => {
      const users = [];
      for (let i = 0; i < 6; ++i) users.push(await connect(nodes[i % 3], 7, `cnt${i}`));
      const counted = (n) => (p) => p.cmd === 'online' && p.response.data.count === n;
      // Within a few intervals (each node asks the others once per interval).
      for (const u of users) await u.waitPushes(counted(6), 1, 5000);
      users[5].close();
      for (const u of users.slice(0, 5)) await u.waitPushes(counted(5), 1, 5000);
      assert.equal(users[0].pushes.filter((p) => p.cmd === 'enter').length, 0);
      for (const u of users.slice(0, 5)) u.close();
    });

    test('private messages cross nodes in both directions', async () => {
      const a = await connect(nodes[0], 1, 'pa');
      const c = await connect(nodes[2], 1, 'pc');
      const r1 = await a.request('sendMessage', { userID: 'pc', type: 'text', msg: 'to n3' });
      assert.equal(r1.code, 200);
      assert.equal(r1.data.delivered, true);
      const r2 = await c.request('sendMessage', { userID: 'pa', type: 'text', msg: 'to n1' });
      assert.equal(r2.data.delivered, true);
      assert.equal((await c.waitPushes(msg('pa')))[0].response.data.msg, 'to n3');
      assert.equal((await a.waitPushes(msg('pc')))[0].response.data.msg, 'to n1');
      // Nobody anywhere: delivered false, not an error.
      const r3 = await a.request('sendMessage', { userID: 'nobody', type: 'text', msg: 'x' });
      assert.equal(r3.code, 200);
      assert.equal(r3.data.delivered, false);
      a.close(); c.close();
    });

    test('a group message reaches members on every node exactly once', async () => {
      const members = [];
      for (let i = 0; i < 6; ++i) {
        const c = await connect(nodes[i % 3], 1, `g${i}`);
        assert.equal((await c.request('join', { group: 'room' })).code, 200);
        members.push(c);
      }
      const before = await forwards(nodes[0]);
      const r = await members[0].request('sendGroup', { group: 'room', type: 'text', msg: 'hello all' });
      assert.equal(r.code, 200);
      assert.equal(r.data.recipients, 6);
      // One forward per other node holding members (2), not one per remote member (4).
      assert.equal(await forwards(nodes[0]) - before, 2);
      // A marker behind it: from one sender the pushes keep their order, so a duplicate of
      // the first would arrive before the marker.
      await members[0].request('sendGroup', { group: 'room', type: 'text', msg: 'marker' });
      const text = (t) => (p) => msg('g0')(p) && p.response.data.msg === t;
      for (const m of members) await m.waitPushes(text('marker'));
      for (const m of members) assert.equal(m.pushes.filter(text('hello all')).length, 1);
      // A backend on n2 (not a member anywhere) reaches them all too.
      const h = await postForm(nodes[1].base, '/group/send', { appID: 1, group: 'room', message: 'from backend', msgID: 'b1' });
      assert.equal(h.data.recipients, 6);
      const list = await getJson(nodes[2].base, '/group/members?appID=1&group=room');
      assert.deepEqual(list.data.members, ['g0', 'g1', 'g2', 'g3', 'g4', 'g5']);
      members.forEach((m) => m.close());
    });

    test('enter and exit pushes cross nodes', async () => {
      const watcher = await connect(nodes[0], 2, 'watcher');
      const crowd = [await connect(nodes[0], 2, 'crowd1'), await connect(nodes[1], 2, 'crowd2'),
                     await connect(nodes[1], 2, 'crowd3')];
      const before = await forwards(nodes[2]);
      const other = await connect(nodes[2], 2, 'visitor');
      const enter = await watcher.waitPushes((p) => p.cmd === 'enter' && p.response.data.userID === 'visitor');
      assert.equal(enter[0].response.data.userID, 'visitor');
      // The visitor's enter crossed to each other node once (2), not once per user there (4).
      assert.equal(await forwards(nodes[2]) - before, 2);
      crowd.forEach((c) => c.close());
      other.close();
      const exit = await watcher.waitPushes((p) => p.cmd === 'exit' && p.response.data.userID === 'visitor');
      assert.equal(exit[0].response.data.userID, 'visitor');
      watcher.close();
    });

    test('/user/list and /user/online are cluster-wide; the HTTP API on n1 reaches a user on n3', async () => {
      const users = [];
      for (let i = 0; i < 3; ++i) users.push(await connect(nodes[i], 3, `u${i}`));
      for (const n of nodes) {
        const list = await getJson(n.base, '/user/list?appID=3');
        assert.deepEqual(list.data.userList, ['u0', 'u1', 'u2']);
        assert.equal(list.data.userCount, 3);
        const online = await getJson(n.base, '/user/online?appID=3&userID=u2');
        assert.equal(online.data.online, true);
      }
      const page = await getJson(nodes[1].base, '/user/list?appID=3&limit=2');
      assert.deepEqual(page.data.userList, ['u0', 'u1']);
      const rest = await getJson(nodes[1].base, `/user/list?appID=3&limit=2&cursor=${page.data.nextCursor}`);
      assert.deepEqual(rest.data.userList, ['u2']);
      const sent = await postForm(nodes[0].base, '/user/sendMessage', { appID: 3, userID: 'u2', from: 'backend', message: 'via http', msgID: 'h1' });
      assert.equal(sent.data.delivered, true);
      assert.equal((await users[2].waitPushes(msg('backend')))[0].response.data.msg, 'via http');
      const ws = await users[0].request('users', {});
      assert.deepEqual(ws.data.userList, ['u0', 'u1', 'u2']);
      users.forEach((u) => u.close());
    });

    test('a user with devices on two nodes gets every message on both', async () => {
      const phone = await connect(nodes[0], 4, 'dana');
      const laptop = await connect(nodes[1], 4, 'dana');
      const sender = await connect(nodes[2], 4, 'eve');
      for (let i = 0; i < 5; ++i) {
        const r = await sender.request('sendMessage', { userID: 'dana', type: 'text', msg: `m${i}` });
        assert.equal(r.data.delivered, true);
      }
      for (const d of [phone, laptop]) {
        const got = await d.waitPushes(msg('eve'), 5);
        assert.deepEqual(got.map((p) => p.response.data.msg), ['m0', 'm1', 'm2', 'm3', 'm4']);
      }
      phone.close(); laptop.close(); sender.close();
    });

    test('group membership belongs to the user on every node, as on one node', async () => {
      const phone = await connect(nodes[0], 6, 'fay');
      const laptop = await connect(nodes[1], 6, 'fay');
      const other = await connect(nodes[2], 6, 'gus');
      assert.equal((await other.request('join', { group: 'club' })).code, 200);
      // Joined on the phone: the laptop (already online on n2) is in the group as well.
      const joined = await phone.request('join', { group: 'club' });
      assert.equal(joined.code, 200);
      assert.equal(joined.data.joined, true);
      assert.equal((await laptop.request('join', { group: 'club' })).data.joined, false);
      const r = await other.request('sendGroup', { group: 'club', type: 'text', msg: 'g1' });
      assert.equal(r.code, 200);
      for (const d of [phone, laptop])
        assert.deepEqual((await d.waitPushes(msg('gus'))).map((p) => p.response.data.msg), ['g1']);
      // The laptop may send to it (a member), and a device logging in later on n3 is in it.
      assert.equal((await laptop.request('sendGroup', { group: 'club', type: 'text', msg: 'g2' })).code, 200);
      const tablet = await connect(nodes[2], 6, 'fay');
      const list = await getJson(nodes[0].base, '/group/members?appID=6&group=club');
      assert.deepEqual(list.data.members, ['fay', 'gus']);
      await other.request('sendGroup', { group: 'club', type: 'text', msg: 'g3' });
      for (const d of [phone, laptop, tablet])
        assert.ok((await d.waitPushes((p) => msg('gus')(p) && p.response.data.msg === 'g3')).length === 1);
      // Left on the laptop: left everywhere.
      assert.equal((await laptop.request('leave', { group: 'club' })).data.left, true);
      await other.request('sendGroup', { group: 'club', type: 'text', msg: 'g4' });
      await other.request('sendMessage', { userID: 'fay', type: 'text', msg: 'after' });
      for (const d of [phone, laptop, tablet]) {
        await d.waitPushes((p) => msg('gus')(p) && p.response.data.msg === 'after');
        assert.equal(d.pushes.filter((p) => msg('gus')(p) && p.response.data.msg === 'g4').length, 0);
      }
      assert.equal((await phone.request('sendGroup', { group: 'club', type: 'text', msg: 'x' })).code, 1003);
      phone.close(); laptop.close(); tablet.close(); other.close();
    });

    if (shards === 1) {
      test('10,000 sequenced messages from n1 to n3 arrive complete, in order, once', async () => {
        const from = await connect(nodes[0], 5, 'seqfrom');
        const to = await connect(nodes[2], 5, 'seqto');
        const total = 10000;
        const answers = [];
        for (let i = 0; i < total; i += 500) {
          const burst = [];
          for (let j = i; j < i + 500; ++j)
            burst.push(from.request('sendMessage', { userID: 'seqto', type: 'text', msg: String(j), msgID: `s${j}` }));
          answers.push(...await Promise.all(burst));
        }
        assert.equal(answers.filter((a) => a.code === 200 && a.data.delivered).length, total);
        // A marker behind the sequence: a duplicate would arrive before it.
        await from.request('sendMessage', { userID: 'seqto', type: 'text', msg: 'end' });
        await to.waitPushes((p) => msg('seqfrom')(p) && p.response.data.msg === 'end', 1, 30000);
        const seen = to.pushes.filter((p) => msg('seqfrom')(p) && p.response.data.msg !== 'end')
          .map((p) => Number(p.response.data.msg));
        assert.equal(seen.length, total);
        for (let i = 0; i < total; ++i) assert.equal(seen[i], i);
        from.close(); to.close();
      });
    }
  });
}
