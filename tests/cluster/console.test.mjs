// The operator console of a cluster node, in a real browser: it lists every live node with
// its figures, and says when Redis is gone.
import { test, after } from 'node:test';
import { startRedis, startNode, stopAll, connect, waitForCluster } from './harness.mjs';
import { launchBrowser } from '../webui/harness.mjs';

let browser;
after(async () => {
  await browser?.close();
  await stopAll();
});

test('the console lists the cluster nodes and shows a Redis outage', async () => {
  const redis = await startRedis();
  const n1 = await startNode({ id: 'c1', redis: [redis.address], args: ['--webui-dir', process.env.PARLEY_WEBUI] });
  const n2 = await startNode({ id: 'c2', redis: [redis.address] });
  await waitForCluster([n1, n2]);
  const user = await connect(n2, 1, 'on-c2');
  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${n1.base}/console`);
  await page.locator('#nodes tr', { hasText: 'c1 (this node)' }).waitFor();
  // c2's row shows its connection once its registry entry has been refreshed
  await page.locator('#nodes tr', { hasText: 'c2' }).locator('td', { hasText: /^1$/ }).first().waitFor({ timeout: 10000 });
  await page.locator('#cluster-status', { hasText: '2 live' }).waitFor();
  // Where the time goes: this node's hot actors first; picking c2 shows c2's login
  await page.locator('#hot-actors tr', { hasText: 'node' }).first().waitFor();
  await page.locator('#hot-actors tr', { hasText: 'login' }).waitFor();
  await page.selectOption('#node-select', 'c2');
  await page.locator('#commands tr', { hasText: 'login' }).locator('td', { hasText: /^1$/ }).first()
    .waitFor({ timeout: 10000 });
  await page.locator('#stats-time', { hasText: 'sampled' }).waitFor();
  await redis.stop();
  await page.locator('#cluster-status', { hasText: 'degraded' }).waitFor({ timeout: 10000 });
  user.close();
});
