// A node restart: the pages show "reconnecting", then log in again, rejoin their groups and
// deliver again, with no reload.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchBrowser, scenario, joinChat, joinGroup, send, messageFrom } from './harness.mjs';

let node, browser;
const open = [];
after(async () => {
  await browser?.close();
  await node?.stop();
});

test('pages reconnect after a node restart and deliver again', () => scenario('restart', () => open, async () => {
  node = await startNode();
  browser = await launchBrowser();
  const alice = await joinChat(browser, node.base, 'alice');
  const bob = await joinChat(browser, node.base, 'bob');
  open.push(alice, bob);
  for (const p of [alice, bob]) await joinGroup(p, 'ops');
  const port = node.port;
  assert.equal(await node.stop(), 0);
  await alice.waitForSelector('#state[data-state=reconnecting]');
  await bob.waitForSelector('#state[data-state=reconnecting]');
  node = await startNode({ port });
  await alice.waitForSelector('#state[data-state=online]', { timeout: 20000 });
  await bob.waitForSelector('#state[data-state=online]', { timeout: 20000 });
  await send(alice, 'back online');          // alice is still in g:ops: rejoined for her
  await messageFrom(bob, 'alice', 'back online').waitFor();
  await bob.click('#conversations li[data-conv="room"]');
  await bob.waitForSelector('#online-list li[data-user="alice"]');
}));
