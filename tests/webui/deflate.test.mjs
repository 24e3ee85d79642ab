// permessage-deflate with a real browser (Chromium offers it on every WebSocket): the chat page
// of a node started with --permessage-deflate negotiates it, sends compressed and reads the
// node's compressed pushes, a long message and short ones alike.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchBrowser, scenario, joinChat, joinGroup, send, messageFrom } from './harness.mjs';

let node, browser;
const open = [];
after(async () => {
  await browser?.close();
  await node?.stop();
});

async function counter(name) {
  const text = await (await fetch(`${node.base}/metrics`)).text();
  return Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))[1]);
}

test('Chromium pages chat over a compressed connection', () => scenario('deflate', () => open, async () => {
  node = await startNode({ args: ['--permessage-deflate'] });
  browser = await launchBrowser();
  const alice = await joinChat(browser, node.base, 'alice');
  const bob = await joinChat(browser, node.base, 'bob');
  open.push(alice, bob);
  // What the page's browser negotiates with this node.
  const extensions = await alice.evaluate((url) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => { resolve(ws.extensions); ws.close(); };
    ws.onerror = () => reject(new Error('no connection'));
  }), node.url);
  assert.match(extensions, /^permessage-deflate/);
  assert.match(extensions, /server_no_context_takeover/);

  for (const p of [alice, bob]) await joinGroup(p, 'ops');
  const before = await counter('parley_gateway_frames_deflated_total');
  const long = `long ${'the quick brown fox jumps over the lazy dog '.repeat(60)}end`;
  await send(alice, long);
  await messageFrom(bob, 'alice', 'lazy dog').waitFor();
  assert.equal((await messageFrom(bob, 'alice', 'lazy dog').innerText()).trim(), long.trim());
  await send(bob, 'short reply');
  await messageFrom(alice, 'bob', 'short reply').waitFor();
  assert.ok(await counter('parley_gateway_frames_deflated_total') > before, 'no push went compressed');
}));
