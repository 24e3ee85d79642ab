// Two real browsers (Debian's chromium) on the chat page through nginx, on two different nodes
// of the cluster: each page shows its node, and they chat. The screenshots are the ones in
// docs/deploy.md (saved under PARLEY_ARTIFACTS, default ./webui-artifacts).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startRedis, startNode, stopAll, waitForCluster } from '../cluster/harness.mjs';
import { launchBrowser, joinChat, send, messageFrom, artifacts } from '../webui/harness.mjs';
import { startNginx, repo } from './nginx.mjs';

let nginx, browser;
after(async () => { await browser?.close(); await nginx?.stop(); await stopAll(); });

test('two browsers through nginx land on two nodes and chat', async () => {
  const redis = await startRedis();
  const nodes = [];
  for (const id of ['parley1', 'parley2', 'parley3'])
    nodes.push(await startNode({ id, redis: [redis.address],
                                 args: ['--trusted-proxies', '127.0.0.1', '--webui-dir', path.join(repo, 'webui')] }));
  await waitForCluster(nodes);
  nginx = await startNginx(nodes);
  browser = await launchBrowser();
  const viewport = { width: 900, height: 560 };
  const alice = await joinChat(browser, nginx.base, 'alice', 101, viewport);
  const bob = await joinChat(browser, nginx.base, 'bob', 101, viewport);
  const nodeA = await alice.textContent('#node');
  const nodeB = await bob.textContent('#node');
  assert.match(nodeA, /^node parley[123]$/);
  assert.match(nodeB, /^node parley[123]$/);
  assert.notEqual(nodeA, nodeB, 'least_conn put the two browsers on two nodes');
  await alice.waitForSelector('#online-list li[data-user="bob"]');
  await bob.waitForSelector('#online-list li[data-user="alice"]');
  await send(alice, `hello from ${nodeA}`);
  await messageFrom(bob, 'alice', `hello from ${nodeA}`).waitFor();
  await send(bob, `hi alice, this is ${nodeB}`);
  await messageFrom(alice, 'bob', `hi alice, this is ${nodeB}`).waitFor();
  await alice.screenshot({ path: path.join(artifacts, 'deploy-alice.png') });
  await bob.screenshot({ path: path.join(artifacts, 'deploy-bob.png') });
});
