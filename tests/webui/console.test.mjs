// The operator console in a real browser: live figures rise as chat pages join, and with an
// API key configured the console asks for it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startNode, launchBrowser, scenario, joinChat, joinGroup, artifacts } from './harness.mjs';

let node, browser;
const open = [];
after(async () => {
  await browser?.close();
  await node?.stop();
});


test('the console shows the connection count rising when pages join', () => scenario('console', () => open, async () => {
  node = await startNode();
  browser = await launchBrowser();
  const consolePage = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  open.push(consolePage);
  await consolePage.goto(`${node.base}/console`);
  await consolePage.waitForFunction(() => document.getElementById('connections').textContent === '0');
  for (const name of ['ann', 'ben', 'cat']) {
    const p = await joinChat(browser, node.base, name);
    open.push(p);
    await joinGroup(p, name === 'cat' ? 'small' : 'big');
  }
  await consolePage.waitForFunction(() => document.getElementById('connections').textContent === '3');
  // users rise when each user actor first runs: possibly one poll after the connection
  await consolePage.waitForFunction(() => document.getElementById('users').textContent === '3');
  await consolePage.locator('#top-groups tr', { hasText: 'big' }).locator('td', { hasText: '2' }).waitFor();
  await open[1].close();
  await consolePage.waitForFunction(() => document.getElementById('connections').textContent === '2');
  await consolePage.locator('#recent-closes tr', { hasText: 'client' }).first().waitFor();
  await consolePage.screenshot({ path: path.join(artifacts, 'console.png') });
}));

test('with an API key the console asks for it', () => scenario('console-key', () => open, async () => {
  await node.stop();
  node = await startNode({ args: ['--api-key', 'sekret'] });
  const page = await (await browser.newContext()).newPage();
  open.push(page);
  await page.goto(`${node.base}/console`);
  await page.waitForSelector('#key-form:not([hidden])');
  await page.fill('#api-key', 'sekret');
  await page.click('#key-form button');
  await page.waitForFunction(() => document.getElementById('connections').textContent === '0');
}));
