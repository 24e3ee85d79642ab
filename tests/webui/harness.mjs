// harness.mjs: what every browser test needs. Starts a real `parley` node (the binary CTest
// built) on a free port, launches Debian's chromium through playwright-core (no browser
// download), and saves a screenshot of every open page when a scenario fails.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startParley } from '../support/parley_node.mjs';

const webui = process.env.PARLEY_WEBUI;
export const artifacts = process.env.PARLEY_ARTIFACTS || path.resolve('webui-artifacts');
mkdirSync(artifacts, { recursive: true });

// Starts a node serving the web UI; see tests/support/parley_node.mjs.
export function startNode({ port = 0, args = [] } = {}) {
  return startParley({ port, args: ['--webui-dir', webui, ...args] });
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Runs `body(pages)` and, if it throws, saves a screenshot of each page under `artifacts`.
export async function scenario(name, pages, body) {
  try {
    await body();
  } catch (err) {
    for (const [i, page] of pages().entries()) {
      await page.screenshot({ path: path.join(artifacts, `${name}-${i}.png`), fullPage: true }).catch(() => {});
    }
    throw err;
  }
}

// Opens the chat page in a new context (own localStorage) and joins `room` as `name`, with
// `profile` ({name, avatar}) in the optional fields when given.
export async function joinChat(browser, base, name, room = 101, viewport = { width: 1100, height: 720 }, profile = null) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${name}] page error:`, err.message));
  await page.goto(`${base}/`);
  await page.fill('#name', name);
  await page.fill('#room', String(room));
  if (profile?.name) await page.fill('#display-name', profile.name);
  if (profile?.avatar) await page.fill('#avatar', profile.avatar);
  await page.click('#join-btn');
  await page.waitForSelector('#state[data-state=online]');
  return page;
}

// Joins (creates) `group` from the page's group form; resolves when its conversation is listed.
export async function joinGroup(page, group) {
  await page.fill('#group-name', group);
  await page.click('#group-join');
  await page.waitForSelector(`#conversations li[data-conv="g:${group}"]`);
}

// `user`'s page goes away: it is closed (and dropped from `open`, the pages a failing
// scenario photographs) and `watcher` sees the user leave its online list.
export async function leave(page, user, open, watcher) {
  open.splice(open.indexOf(page), 1);
  await page.context().close();
  await watcher.waitForSelector(`#online-list li[data-user="${user}"]`, { state: 'detached' });
}

// What `from` sent while the user was away reaches `page` once: an unread badge of 1, then,
// opening the conversation (which also merges its history in), the message exactly once.
export async function expectKeptOnce(page, from, text) {
  const conv = `#conversations li[data-conv="u:${from}"]`;
  await page.locator(`${conv} .unread`, { hasText: '1' }).waitFor();
  await page.click(conv);
  await messageFrom(page, from, text).waitFor();
  await page.waitForSelector(`#timeline[data-history="u:${from}"]`);
  if ((await messageFrom(page, from, text).count()) !== 1) throw new Error(`"${text}" shown more than once`);
}

export async function send(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

export const messageFrom = (page, from, text) =>
  page.locator(`#timeline .message[data-from="${from}"] .body`, { hasText: text });
