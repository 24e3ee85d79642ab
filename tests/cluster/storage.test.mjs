// store: redis -- messages kept in Redis Streams, for every node of a cluster: a real
// redis-server with its append-only file on, three real parley nodes, real WebSocket clients.
// What a user sees: the server id in the answer and the push, the same history from every
// node, offline messages on login at any node, nothing lost when the node or Redis restarts,
// and 1008 (never a silent loss) while Redis is down.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, startNode, stopAll, connect, waitForCluster, waitOffline, getJson, postForm, sleep, Client } from './harness.mjs';

const msgFrom = (from) => (p) => p.cmd === 'msg' && p.response?.data?.from === from;
const args = ['--store', 'redis'];

// Sends `n` private messages a -> to, one after the other; returns the answers.
async function sendMany(a, to, n, prefix) {
  const answers = [];
  for (let i = 0; i < n; ++i) {
    const r = await a.request('sendMessage', { userID: to, type: 'text', msg: `${prefix}${i}`, msgID: `${prefix}${i}` });
    assert.equal(r.code, 200, JSON.stringify(r));
    answers.push(r.data);
  }
  return answers;
}

// Every page of a history, newest first, following nextBefore.
async function allPages(client, query, limit) {
  const pages = [];
  let before;
  for (;;) {
    const r = await client.request('history', { ...query, limit, ...(before ? { before } : {}) });
    assert.equal(r.code, 200, JSON.stringify(r));
    pages.push(r.data.messages);
    if (!r.data.more) return pages;
    before = r.data.nextBefore;
  }
}

const idLess = (x, y) => {
  const [xm, xs] = x.split('-').map(BigInt);
  const [ym, ys] = y.split('-').map(BigInt);
  return xm < ym || (xm === ym && xs < ys);
};

// Logs in with `since`; returns [client, login answer].
async function loginSince(node, appID, userID, since) {
  const c = new Client(node.url);
  await c.open();
  const r = await c.request('login', { appID, userID, serviceToken: '', since });
  assert.equal(r.code, 200, JSON.stringify(r));
  return [c, r];
}

const lastId = (client, from) => client.pushes.filter(msgFrom(from)).at(-1).response.data.id;
const textsOf = (client, from) => client.pushes.filter(msgFrom(from)).map((p) => p.response.data.msg);

describe('store: redis, three nodes', () => {
  let redis, nodes;
  before(async () => {
    redis = await startRedis(0, { aof: true });
    nodes = [];
    for (const id of ['s1', 's2', 's3']) nodes.push(await startNode({ id, redis: [redis.address], args }));
    await waitForCluster(nodes);
  });
  after(stopAll);

  test('a message is stored before its answer: the id is in the answer and the push, and every node reads the same history', async () => {
    const a = await connect(nodes[0], 1, 'ha');
    const b = await connect(nodes[1], 1, 'hb');
    const answers = await sendMany(a, 'hb', 5, 'h');
    for (const d of answers) {
      assert.equal(d.delivered, true);
      assert.match(d.id, /^\d+-\d+$/);
      assert.equal(typeof d.time, 'number');
    }
    for (let i = 1; i < answers.length; ++i) assert.ok(idLess(answers[i - 1].id, answers[i].id));
    const pushes = await b.waitPushes(msgFrom('ha'), 5);
    assert.deepEqual(pushes.map((p) => p.response.data.id), answers.map((d) => d.id));
    // A device of hb on the third node reads the pair's history from Redis.
    const b3 = await connect(nodes[2], 1, 'hb');
    const r = await b3.request('history', { with: 'ha', limit: 10 });
    assert.equal(r.code, 200);
    assert.deepEqual(r.data.messages.map((m) => m.id), answers.map((d) => d.id).reverse());
    assert.deepEqual(r.data.messages.map((m) => m.msg), ['h4', 'h3', 'h2', 'h1', 'h0']);
    assert.equal(r.data.more, false);
    // A backend reads it over HTTP from the node that did not see the messages at all.
    const http = await getJson(nodes[2].base, '/history?appID=1&userID=ha&with=hb&limit=2');
    assert.equal(http.code, 200, JSON.stringify(http));
    assert.deepEqual(http.data.messages.map((m) => m.msg), ['h4', 'h3']);
    assert.equal(http.data.more, true);
    a.close(); b.close(); b3.close();
  });

  test('an offline user receives 1,000 messages on login at another node: complete, in order, once', async () => {
    const a = await connect(nodes[0], 1, 'oa');
    const answers = await sendMany(a, 'ob', 1000, 'o');
    for (const d of answers) {
      assert.equal(d.delivered, false);
      assert.equal(d.offline, true);
    }
    const b = await connect(nodes[1], 1, 'ob');
    const got = await b.waitPushes(msgFrom('oa'), 1000, 10000);
    assert.deepEqual(got.map((p) => p.response.data.msg), answers.map((_, i) => `o${i}`));
    assert.deepEqual(got.map((p) => p.response.data.id), answers.map((d) => d.id));
    // A message sent now comes after them, once.
    const r = await a.request('sendMessage', { userID: 'ob', type: 'text', msg: 'live' });
    assert.equal(r.data.delivered, true);
    const all = await b.waitPushes(msgFrom('oa'), 1001);
    assert.equal(all[1000].response.data.msg, 'live');
    // Taken: a second device (on the third node) gets none of them again.
    const b2 = await connect(nodes[2], 1, 'ob');
    await sleep(300);
    assert.equal(b2.pushes.filter(msgFrom('oa')).length, 0);
    await sleep(200);
    assert.equal(b.pushes.filter(msgFrom('oa')).length, 1001);
    a.close(); b.close(); b2.close();
  });

  test('a login in the middle of a stream of messages: each arrives once, none is left behind', async () => {
    const a = await connect(nodes[0], 5, 'sa');
    const sends = [];
    let b;
    for (let i = 0; i < 400; ++i) {
      sends.push(a.request('sendMessage', { userID: 'sb', type: 'text', msg: `s${i}` }));
      if (i === 150) b = connect(nodes[1], 5, 'sb');  // logs in while the rest are sent
      if (i % 50 === 49) await sleep(5);
    }
    const answers = await Promise.all(sends);
    for (const r of answers) assert.equal(r.code, 200, JSON.stringify(r));
    // The login fell inside the stream: some were kept for sb, the rest delivered live.
    const kept = answers.filter((r) => r.data.offline).length;
    assert.ok(kept > 0 && kept < 400, `kept ${kept} of 400`);
    b = await b;
    const got = await b.waitPushes(msgFrom('sa'), 400, 10000);
    await sleep(300);
    const texts = b.pushes.filter(msgFrom('sa')).map((p) => p.response.data.msg);
    assert.equal(texts.length, 400, 'each once');
    assert.deepEqual([...texts].sort(), answers.map((_, i) => `s${i}`).sort());
    const ids = got.map((p) => p.response.data.id);
    const inOrder = ids.every((id, i) => i === 0 || idLess(ids[i - 1], id));
    assert.ok(inOrder, `in id order: ${texts.join(' ')}`);
    a.close(); b.close();
  });

  test('since recovery after a dropped connection: 1,000 messages, a forced disconnect in the middle, no gap, no duplicate', async () => {
    const a = await connect(nodes[0], 6, 'ra6');
    const b = await connect(nodes[1], 6, 'rb6');
    for (let i = 0; i < 1000; ++i) {
      if (i === 300) {
        await b.waitPushes(msgFrom('ra6'), 300);
        b.ws.terminate();  // no close frame: the node learns of it from the socket
      }
      const r = await a.request('sendMessage', { userID: 'rb6', type: 'text', msg: `d${i}` });
      assert.equal(r.code, 200, JSON.stringify(r));
    }
    const had = textsOf(b, 'ra6');
    const [b2, login] = await loginSince(nodes[2], 6, 'rb6', { 'u:ra6': lastId(b, 'ra6') });
    const missing = 1000 - had.length;
    await b2.waitPushes(msgFrom('ra6'), missing, 10000);
    await sleep(300);
    assert.deepEqual([...had, ...textsOf(b2, 'ra6')], Array.from({ length: 1000 }, (_, i) => `d${i}`));
    assert.deepEqual(login.data.recovery['u:ra6'], { recovered: true, delivered: missing });
    a.close(); b2.close();
  });

  test('since recovers a group at another node: 1,000 messages, a forced disconnect in the middle, a member talking through the login; no gap, no duplicate', async () => {
    const a = await connect(nodes[0], 7, 'ga7');
    const c = await connect(nodes[1], 7, 'gc7');
    const b = await connect(nodes[1], 7, 'gb7');
    for (const x of [a, b, c]) assert.equal((await x.request('join', { group: 'g7' })).code, 200);
    for (let i = 0; i < 1000; ++i) {
      if (i === 300) {
        await b.waitPushes(msgFrom('ga7'), 300);
        b.ws.terminate();
      }
      const r = await a.request('sendGroup', { group: 'g7', type: 'text', msg: `g${i}` });
      assert.equal(r.code, 200, JSON.stringify(r));
    }
    const had = textsOf(b, 'ga7');
    // gc7 keeps talking until gb7's new device is logged in (membership from Redis).
    let talking = true;
    let said = 0;
    const talker = (async () => {
      while (talking || said < 100) {
        const r = await c.request('sendGroup', { group: 'g7', type: 'text', msg: `c${said}` });
        assert.equal(r.code, 200, JSON.stringify(r));
        ++said;
      }
    })();
    const [b2, login] = await loginSince(nodes[2], 7, 'gb7', { 'g:g7': lastId(b, 'ga7') });
    talking = false;
    await talker;
    assert.deepEqual(login.data.groups, ['g7']);
    assert.equal(login.data.recovery['g:g7'].recovered, true);
    assert.ok(login.data.recovery['g:g7'].delivered >= 1000 - had.length, JSON.stringify(login.data.recovery));
    await b2.waitPushes(msgFrom('ga7'), 1000 - had.length, 10000);
    await b2.waitPushes(msgFrom('gc7'), said, 10000);
    await sleep(300);
    assert.deepEqual([...had, ...textsOf(b2, 'ga7')], Array.from({ length: 1000 }, (_, i) => `g${i}`));
    assert.deepEqual(textsOf(b2, 'gc7'), Array.from({ length: said }, (_, i) => `c${i}`));
    a.close(); b2.close(); c.close();
  });

  test('two devices offline: each catches up on its own with since', async () => {
    const a = await connect(nodes[0], 8, 'ta');
    const d1 = await connect(nodes[1], 8, 'tb');
    const d2 = await connect(nodes[2], 8, 'tb');
    await sendMany(a, 'tb', 100, 'e');
    await d1.waitPushes(msgFrom('ta'), 100);
    await d2.waitPushes(msgFrom('ta'), 100);
    d2.ws.terminate();
    await sendMany(a, 'tb', 50, 'f');  // d1 still reads these
    await d1.waitPushes(msgFrom('ta'), 150);
    d1.ws.terminate();
    await sleep(200);
    const answers = await sendMany(a, 'tb', 50, 'g');  // nobody online: kept
    assert.ok(answers.every((d) => d.offline), 'kept while both devices are away');
    const want = (n) => [...Array.from({ length: 100 }, (_, i) => `e${i}`), ...Array.from({ length: 50 }, (_, i) => `f${i}`),
                         ...Array.from({ length: 50 }, (_, i) => `g${i}`)].slice(n);
    const [n1, l1] = await loginSince(nodes[1], 8, 'tb', { 'u:ta': lastId(d1, 'ta') });
    await n1.waitPushes(msgFrom('ta'), 50);
    const [n2, l2] = await loginSince(nodes[2], 8, 'tb', { 'u:ta': lastId(d2, 'ta') });
    await n2.waitPushes(msgFrom('ta'), 100);
    await sleep(300);
    assert.deepEqual(textsOf(n1, 'ta'), want(150));  // the kept ones, once
    assert.deepEqual(textsOf(n2, 'ta'), want(100));  // its own gap, from the history
    assert.equal(l1.data.recovery['u:ta'].recovered, true);
    assert.equal(l2.data.recovery['u:ta'].delivered, 100);
    a.close(); n1.close(); n2.close();
  });

  test('read state is shared by the devices on every node, and what was read is not sent again', async () => {
    const a = await connect(nodes[0], 9, 'wa');
    const d1 = await connect(nodes[1], 9, 'wb');
    const d2 = await connect(nodes[2], 9, 'wb');
    assert.equal((await d1.request('join', { group: 'club' })).code, 200);
    assert.equal((await a.request('join', { group: 'club' })).code, 200);
    const sent = await sendMany(a, 'wb', 5, 'w');
    for (let i = 0; i < 2; ++i)
      assert.equal((await a.request('sendGroup', { group: 'club', type: 'text', msg: `c${i}` })).code, 200);
    await d2.waitPushes(msgFrom('wa'), 7);
    const ack = await d1.request('ack', { conversation: 'u:wa', upTo: sent[2].id });
    assert.deepEqual(ack.data, { conversation: 'u:wa', upTo: sent[2].id });
    // Never back, never past the newest.
    assert.equal((await d2.request('ack', { conversation: 'u:wa', upTo: sent[0].id })).data.upTo, sent[2].id);
    const unread = await d2.request('unread');
    assert.equal(unread.code, 200, JSON.stringify(unread));
    assert.deepEqual(unread.data.conversations['u:wa'], { count: 2, newest: sent[4].id });
    assert.equal(unread.data.conversations['g:club'].count, 2);
    assert.equal(unread.data.conversations['u:zz'], undefined);
    assert.equal((await d1.request('ack', { conversation: 'u:nobody', upTo: sent[0].id })).code, 1005);
    // d2 drops; two more arrive on d1, which reads everything; d2 comes back with since.
    const had = lastId(d2, 'wa');
    d2.ws.terminate();
    const more = await sendMany(a, 'wb', 2, 'x');
    await d1.waitPushes(msgFrom('wa'), 9);
    assert.equal((await d1.request('ack', { conversation: 'u:wa', upTo: '99999999999999-0' })).data.upTo, more[1].id);
    const [back, login] = await loginSince(nodes[0], 9, 'wb', { 'u:wa': had });
    await sleep(300);
    assert.equal(back.pushes.filter(msgFrom('wa')).length, 0, 'nothing already read');
    assert.deepEqual(login.data.recovery['u:wa'], { recovered: true, delivered: 0 });
    const after = await back.request('unread');
    assert.equal(after.data.conversations['u:wa'], undefined);
    a.close(); d1.close(); back.close();
  });

  test('profiles are in Redis: given at login on one node, read on another, set by the backend, kept across a restart', async () => {
    const watcher = await connect(nodes[1], 10, 'pw');
    const p = new Client(nodes[0].url);
    await p.open();
    const login = await p.request('login', { appID: 10, userID: 'pa', serviceToken: '', name: 'Pat <i>A</i>', avatar: 'https://img.example/pa.png' });
    assert.equal(login.code, 200, JSON.stringify(login));
    assert.equal(login.data.name, 'Pat <i>A</i>');
    const enter = await watcher.waitPushes((m) => m.cmd === 'enter' && m.response.data.userID === 'pa', 1);
    assert.equal(enter[0].response.data.name, 'Pat <i>A</i>');
    assert.equal(enter[0].response.data.avatar, 'https://img.example/pa.png');
    // The users page of another node reads the profile from Redis.
    const list = await watcher.request('users');
    assert.deepEqual(list.data.profiles.pa, { name: 'Pat <i>A</i>', avatar: 'https://img.example/pa.png' });
    // The backend renames pa on the third node; only the name changes.
    const set = await postForm(nodes[2].base, '/user/profile', { appID: 10, userID: 'pa', name: 'Pat' });
    assert.equal(set.code, 200, JSON.stringify(set));
    assert.deepEqual(set.data, { userID: 'pa', name: 'Pat', avatar: 'https://img.example/pa.png' });
    p.close();
    await nodes[0].kill();
    await nodes[0].restart();
    await waitForCluster(nodes);
    const back = new Client(nodes[0].url);
    await back.open();
    const again = await back.request('login', { appID: 10, userID: 'pa', serviceToken: '' });
    assert.equal(again.data.name, 'Pat');
    assert.equal(again.data.avatar, 'https://img.example/pa.png');
    const bad = await back.request('profile', { avatar: 'javascript:alert(1)' });
    assert.equal(bad.code, 1001);
    assert.equal((await getJson(nodes[1].base, '/user/profile?appID=10&userID=pa')).data.name, 'Pat');
    watcher.close(); back.close();
  });

  test('membership persists in Redis: a member who comes back on another node is in the group again', async () => {
    const away = await connect(nodes[0], 11, 'ma');
    const stay = await connect(nodes[1], 11, 'mb');
    for (const c of [away, stay]) assert.equal((await c.request('join', { group: 'crew' })).code, 200);
    away.close();
    await waitOffline(nodes[0], 11, 'ma');
    const missed = await stay.request('sendGroup', { group: 'crew', type: 'text', msg: 'meanwhile' });
    assert.equal(missed.code, 200);
    const back = new Client(nodes[2].url);
    await back.open();
    const login = await back.request('login', { appID: 11, userID: 'ma', serviceToken: '' });
    assert.deepEqual(login.data.groups, ['crew']);
    const live = await stay.request('sendGroup', { group: 'crew', type: 'text', msg: 'again' });
    assert.equal(live.data.recipients, 2, JSON.stringify(live));
    assert.equal((await back.waitPushes(msgFrom('mb'), 1))[0].response.data.msg, 'again');
    assert.equal((await back.request('unread')).data.conversations['g:crew'].count, 2);
    assert.equal((await back.request('leave', { group: 'crew' })).code, 200);
    back.close();
    await waitOffline(nodes[2], 11, 'ma');
    const last = new Client(nodes[0].url);
    await last.open();
    assert.equal((await last.request('login', { appID: 11, userID: 'ma', serviceToken: '' })).data.groups, undefined);
    last.close(); stay.close();
  });

  test('group history pages cover the conversation exactly once; a non-member gets 1003', async () => {
    const m1 = await connect(nodes[0], 2, 'g1');
    const m2 = await connect(nodes[1], 2, 'g2');
    const out = await connect(nodes[2], 2, 'g3');
    for (const m of [m1, m2]) assert.equal((await m.request('join', { group: 'hist' })).code, 200);
    const ids = [];
    for (let i = 0; i < 25; ++i) {
      const r = await (i % 2 ? m2 : m1).request('sendGroup', { group: 'hist', type: 'text', msg: `m${i}` });
      assert.equal(r.code, 200, JSON.stringify(r));
      ids.push(r.data.id);
    }
    const pages = await allPages(m2, { group: 'hist' }, 10);
    assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
    assert.deepEqual(pages.flat().map((m) => m.id), ids.slice().reverse());
    assert.equal((await out.request('history', { group: 'hist' })).code, 1003);
    assert.equal((await out.request('sendGroup', { group: 'hist', type: 'text', msg: 'x' })).code, 1003);
    // The non-member's refused send was not stored.
    const again = await m1.request('history', { group: 'hist', limit: 100 });
    assert.equal(again.data.messages.length, 25);
    m1.close(); m2.close(); out.close();
  });

  test('a node killed with -9 after the 200, before the receiver was online: the receiver gets the message after the restart', async () => {
    const a = await connect(nodes[0], 3, 'ka');
    const r = await a.request('sendMessage', { userID: 'kb', type: 'text', msg: 'survives' });
    assert.equal(r.code, 200);
    assert.equal(r.data.offline, true);
    await nodes[0].kill();
    await nodes[0].restart();
    await waitForCluster(nodes);
    const b = await connect(nodes[0], 3, 'kb');
    const got = await b.waitPushes(msgFrom('ka'), 1);
    assert.equal(got[0].response.data.msg, 'survives');
    assert.equal(got[0].response.data.id, r.data.id);
    b.close();
  });

  test('Redis restarted with its append-only file: history intact; while it is down sends get 1008 and nothing is delivered', async () => {
    const a = await connect(nodes[1], 4, 'ra');
    const b = await connect(nodes[2], 4, 'rb');
    const before = await sendMany(a, 'rb', 3, 'r');
    await b.waitPushes(msgFrom('ra'), 3);
    await redis.stop();
    const down = await a.request('sendMessage', { userID: 'rb', type: 'text', msg: 'lost?' });
    assert.equal(down.code, 1008, JSON.stringify(down));
    const downGroup = await a.request('sendAll', { type: 'text', msg: 'lost?' });
    assert.equal(downGroup.code, 1008, JSON.stringify(downGroup));
    assert.equal((await b.request('history', { with: 'ra' })).code, 1008);
    // A join holds for now; the answer says it could not be kept for the next login.
    const join = await a.request('join', { group: 'downtime' });
    assert.equal(join.code, 200, JSON.stringify(join));
    assert.equal(join.data.persisted, false);
    // A login still gets in (without its stored profile and groups); naming a profile gets 1008.
    const late = new Client(nodes[1].url);
    await late.open();
    assert.equal((await late.request('login', { appID: 4, userID: 'rl', serviceToken: '', name: 'x' })).code, 1008);
    assert.equal((await late.request('login', { appID: 4, userID: 'rl', serviceToken: '' })).code, 200);
    late.close();
    await redis.start();
    // The nodes reconnect by themselves; the history written before the restart is there.
    const deadline = Date.now() + 10000;
    let h;
    for (;;) {
      h = await b.request('history', { with: 'ra' });
      if (h.code === 200 || Date.now() > deadline) break;
      await sleep(100);
    }
    assert.equal(h.code, 200, JSON.stringify(h));
    assert.deepEqual(h.data.messages.map((m) => m.id), before.map((d) => d.id).reverse());
    await sleep(300);
    assert.equal(b.pushes.filter(msgFrom('ra')).length, 3, 'nothing of the refused sends arrived');
    const after = await a.request('sendMessage', { userID: 'rb', type: 'text', msg: 'back' });
    assert.equal(after.code, 200);
    assert.equal((await b.waitPushes(msgFrom('ra'), 4))[3].response.data.msg, 'back');
    const state = await getJson(nodes[1].base, '/system/state');
    assert.ok(state.data.cluster.store.failures >= 2, JSON.stringify(state.data.cluster.store));
    a.close(); b.close();
  });
});
