// The chat page on a two-node cluster with store: redis, in a real browser: profiles and
// presence across nodes, unread badges and history from Redis, a message kept for a user who
// comes back on the other node, and a page whose node restarts catching up without
// duplicates, in a private conversation and in a group.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, startNode, stopAll, waitForCluster } from './harness.mjs';
import { launchBrowser, joinChat, joinGroup, leave, expectKeptOnce, send, messageFrom, scenario } from '../webui/harness.mjs';

let browser;
const open = [];
after(async () => {
  await browser?.close();
  await stopAll();
});

test('chat pages on two nodes share history, unread counts, offline messages and profiles through Redis', () => scenario('cluster-chat', () => open, async () => {
  const redis = await startRedis();
  const args = ['--store', 'redis', '--webui-dir', process.env.PARLEY_WEBUI];
  const n1 = await startNode({ id: 'w1', redis: [redis.address], args });
  const n2 = await startNode({ id: 'w2', redis: [redis.address], args });
  await waitForCluster([n1, n2]);
  browser = await launchBrowser();
  const page = async (node, name, profile) => {
    const p = await joinChat(browser, node.base, name, 101, undefined, profile);
    open.push(p);
    return p;
  };
  const alice = await page(n1, 'alice', { name: 'Alice A' });
  const bob = await page(n2, 'bob');
  // Presence and the profile cross the nodes.
  await bob.locator('#online-list li[data-user="alice"] .who', { hasText: 'Alice A (alice)' }).waitFor();
  await alice.click('#online-list li[data-user="bob"]');
  await send(alice, 'hi bob');
  await bob.locator('#conversations li[data-conv="u:alice"] .unread', { hasText: '1' }).waitFor();
  await bob.click('#conversations li[data-conv="u:alice"]');
  await messageFrom(bob, 'alice', 'hi bob').waitFor();
  await bob.waitForSelector('#timeline[data-history="u:alice"]');
  assert.equal(await messageFrom(bob, 'alice', 'hi bob').count(), 1);
  // erin leaves; alice's message is kept in Redis; erin comes back on the other node.
  const erin = await page(n2, 'erin');
  await alice.waitForSelector('#online-list li[data-user="erin"]');
  await alice.click('#online-list li[data-user="erin"]');
  await leave(erin, 'erin', open, alice);
  await send(alice, 'while you were away');
  await alice.waitForSelector('#timeline .notice:has-text("they get it when they log in")');
  await expectKeptOnce(await page(n1, 'erin'), 'alice', 'while you were away');
  // alice and bob in a group, bob looking at it.
  for (const p of [alice, bob]) await joinGroup(p, 'crew');
  await bob.click('#conversations li[data-conv="g:crew"]');
  await alice.click('#conversations li[data-conv="g:crew"]');
  await send(alice, 'crew before');
  await messageFrom(bob, 'alice', 'crew before').waitFor();
  // bob's node restarts; what alice says meanwhile, to him and to the group, reaches bob's page
  // once it reconnects, once (the group's part through since g:crew, not a history reload).
  await n2.stop();
  await bob.waitForSelector('#state[data-state=reconnecting]');
  await send(alice, 'crew during the restart');
  await alice.locator('#timeline .message.mine .body', { hasText: 'crew during the restart' }).waitFor();
  await alice.click('#conversations li[data-conv="u:bob"]');
  await send(alice, 'during the restart 1');
  await send(alice, 'during the restart 2');
  await alice.locator('#timeline .message.mine .body', { hasText: 'during the restart 2' }).waitFor();
  await n2.restart();
  await bob.waitForSelector('#state[data-state=online]', { timeout: 20000 });
  await messageFrom(bob, 'alice', 'crew during the restart').waitFor({ timeout: 10000 });
  await bob.waitForTimeout(300);
  for (const text of ['crew before', 'crew during the restart'])
    assert.equal(await messageFrom(bob, 'alice', text).count(), 1, text);
  await bob.click('#conversations li[data-conv="u:alice"]');
  for (const text of ['during the restart 1', 'during the restart 2']) {
    await messageFrom(bob, 'alice', text).waitFor();
    assert.equal(await messageFrom(bob, 'alice', text).count(), 1, text);
  }
  await bob.waitForTimeout(300);
  assert.equal(await messageFrom(bob, 'alice', 'hi bob').count(), 1, 'nothing twice after the reconnect');
}));
