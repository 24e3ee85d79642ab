// The chat page in a real browser against a real node: room, presence, private and group
// messages, HTML shown as text, a phone-width layout, and the original gowebsocket page flow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startNode, launchBrowser, scenario, joinChat, joinGroup, leave, expectKeptOnce, send, messageFrom, artifacts } from './harness.mjs';

let node, browser;
const open = [];
const pages = () => open;
before(async () => {
  // Room 104 sends counts instead of enter/exit (docs/protocol.md "Presence").
  node = await startNode({ args: ['--presence', 'auto,104=count', '--presence-interval-ms', '200'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  assert.equal(await node?.stop(), 0);
});

async function chat(name, room, viewport, profile) {
  const page = await joinChat(browser, node.base, name, room, viewport, profile);
  open.push(page);
  return page;
}

test('two pages in room 101 see each other and the room messages', () => scenario('room', pages, async () => {
  const alice = await chat('alice', 101);
  const bob = await chat('bob', 101);
  await alice.waitForSelector('#online-list li[data-user="bob"]');
  await bob.waitForSelector('#online-list li[data-user="alice"]');
  await alice.waitForSelector('#timeline .notice:has-text("bob joined")');
  await send(alice, 'hello room');
  await messageFrom(bob, 'alice', 'hello room').waitFor();
  await alice.locator('#timeline .message.mine .body', { hasText: 'hello room' }).waitFor();
  await alice.screenshot({ path: path.join(artifacts, 'chat.png') });
}));

test('a private message reaches only its two parties, with an unread count', () => scenario('private', pages, async () => {
  const carol = await chat('carol', 101);
  const [alice, bob] = open;
  await alice.click('#online-list li[data-user="bob"]');
  await send(alice, 'just for bob');
  await alice.locator('#timeline .message.mine .body', { hasText: 'just for bob' }).waitFor();
  await bob.locator('#conversations li[data-conv="u:alice"] .unread', { hasText: '1' }).waitFor();
  await bob.click('#conversations li[data-conv="u:alice"]');
  await messageFrom(bob, 'alice', 'just for bob').waitFor();
  await bob.click('#conversations li[data-conv="room"]');
  // carol got nothing private: no conversation with alice, nothing in her room timeline
  await send(carol, 'carol was here');
  await messageFrom(bob, 'carol', 'carol was here').waitFor();
  assert.equal(await carol.locator('#conversations li[data-conv="u:alice"]').count(), 0);
  assert.equal(await carol.locator('text=just for bob').count(), 0);
}));

test('groups: create, join, send, leave', () => scenario('groups', pages, async () => {
  const [alice, bob, carol] = open;
  for (const p of [alice, bob]) await joinGroup(p, 'design');
  await send(alice, 'mockups are up');
  await messageFrom(bob, 'alice', 'mockups are up').waitFor();
  assert.equal(await carol.locator('text=mockups are up').count(), 0);
  await bob.click('#leave-group');
  await bob.waitForSelector('#conversations li[data-conv="g:design"]', { state: 'detached' });
  await send(alice, 'after bob left');
  await messageFrom(alice, 'alice', 'after bob left').waitFor();
  assert.equal(await bob.locator('text=after bob left').count(), 0);
}));

test('HTML in a message is shown as text', () => scenario('html', pages, async () => {
  const [alice, bob] = open;
  await alice.click('#conversations li[data-conv="room"]');
  await bob.click('#conversations li[data-conv="room"]');
  let dialogs = 0;
  bob.on('dialog', (d) => { dialogs++; d.dismiss(); });
  const evil = '<img src=x onerror=alert(1)>';
  await send(alice, evil);
  const body = messageFrom(bob, 'alice', evil);
  await body.waitFor();
  assert.equal(await body.textContent(), evil);
  assert.equal(await bob.locator('#timeline img').count(), 0);
  assert.equal(dialogs, 0);
}));

test('an image message shows its picture; text stays text on a phone-width screen', () => scenario('phone', pages, async () => {
  const phone = await chat('dave', 101, { width: 360, height: 740 });
  const [alice] = open;
  const pixel = `${node.base}/pixel.png`;  // served by the node itself: no internet
  await alice.selectOption('#msg-type', 'img');
  await send(alice, pixel);
  await alice.selectOption('#msg-type', 'text');
  await phone.waitForSelector(`#timeline .message[data-from="alice"] img[src="${pixel}"]`);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide at 360px`);
  await phone.screenshot({ path: path.join(artifacts, 'chat-phone.png') });
}));

test('history and offline delivery: a second device sees the past, an offline user gets it at login, once', () => scenario('history', pages, async () => {
  const [alice] = open;
  // bob's second device: opening the conversation with alice loads what was said before.
  const bob2 = await chat('bob', 101);
  await bob2.click('#online-list li[data-user="alice"]');
  await messageFrom(bob2, 'alice', 'just for bob').waitFor();
  await bob2.waitForSelector('#timeline[data-history="u:alice"]');
  assert.equal(await messageFrom(bob2, 'alice', 'just for bob').count(), 1);
  // erin is online, alice opens their conversation, erin leaves; alice writes anyway.
  const erin = await chat('erin', 101);
  await alice.waitForSelector('#online-list li[data-user="erin"]');
  await alice.click('#online-list li[data-user="erin"]');
  await leave(erin, 'erin', open, alice);
  await send(alice, 'while you were away');
  await alice.waitForSelector('#timeline .notice:has-text("they get it when they log in")');
  // erin comes back: the kept message arrives with an unread badge, and opening the
  // conversation (which also loads its history) shows it once.
  await expectKeptOnce(await chat('erin', 101), 'alice', 'while you were away');
  // Unread badges come from the server: fay's first page gets a message and closes unread;
  // her next page, which received nothing, shows the badge, and reading it clears it for good.
  const fay = await chat('fay', 101);
  await alice.waitForSelector('#online-list li[data-user="fay"]');
  await alice.click('#online-list li[data-user="fay"]');
  await send(alice, 'are you there');
  await fay.locator('#conversations li[data-conv="u:alice"] .unread', { hasText: '1' }).waitFor();
  open.splice(open.indexOf(fay), 1);
  await fay.context().close();
  const fay2 = await chat('fay', 101);
  await fay2.locator('#conversations li[data-conv="u:alice"] .unread', { hasText: '1' }).waitFor();
  await fay2.click('#conversations li[data-conv="u:alice"]');
  await messageFrom(fay2, 'alice', 'are you there').waitFor();  // from history
  await fay2.waitForSelector('#timeline[data-acked="u:alice"]');  // the server has the read position
  const fay3 = await chat('fay', 101);
  await fay3.waitForSelector('body[data-unread="loaded"]');
  await fay3.waitForSelector('#conversations li[data-conv="room"]');
  assert.equal(await fay3.locator('#conversations li[data-conv="u:alice"] .unread').count(), 0);
  await alice.click('#conversations li[data-conv="room"]');  // where the next test looks
}));

test('the original gowebsocket page flow still works', () => scenario('legacy', pages, async () => {
  const [alice] = open;
  const legacy = await (await browser.newContext()).newPage();
  open.push(legacy);
  await legacy.goto(`${node.base}/home/index`);
  // Exactly what the original page's script did: ws login with appID/userID, then HTTP.
  const result = await legacy.evaluate(async () => {
    const ws = new WebSocket(`ws://${location.host}/acc`);
    await new Promise((r) => { ws.onopen = r; });
    const login = await new Promise((r) => {
      ws.onmessage = (e) => r(JSON.parse(e.data));
      ws.send(JSON.stringify({ seq: '1', cmd: 'login', data: { serviceToken: '', appId: 101, userId: 'legacy' } }));
    });
    const form = new URLSearchParams({ appID: '101', userID: 'legacy', msgID: 'legacy-1', message: 'from the old page' });
    const sent = await (await fetch('/user/sendMessageAll', { method: 'POST', body: form })).json();
    const list = await (await fetch('/user/list?appID=101')).json();
    return { login, sent, list };
  });
  assert.equal(result.login.response.code, 200);
  assert.equal(result.sent.code, 200);
  assert.ok(result.list.data.userList.includes('legacy'));
  assert.ok(result.list.data.userList.includes('alice'));
  await messageFrom(alice, 'legacy', 'from the old page').waitFor();
  await alice.waitForSelector('#online-list li[data-user="legacy"]');
}));

test('a room in count mode shows the server\'s count and no join notices', () => scenario('count', pages, async () => {
  const dan = await chat('dan', 104);
  const eve = await chat('eve', 104);
  for (const p of [dan, eve]) await p.locator('#online-count', { hasText: '2' }).waitFor();
  const third = await chat('fred', 104);
  for (const p of [dan, eve, third]) await p.locator('#online-count', { hasText: '3' }).waitFor();
  assert.equal(await dan.locator('#timeline .notice:has-text("eve joined")').count(), 0);
}));

test('a display name and an avatar show in the list and on messages, as text', () => scenario('profile', pages, async () => {
  const alice = open[0];
  const avatar = `${node.base}/pixel.png`;
  const gina = await chat('gina', 101, undefined, { name: '<b>Gina</b> G', avatar });
  const row = alice.locator('#online-list li[data-user="gina"]');
  await row.locator('.who', { hasText: '<b>Gina</b> G (gina)' }).waitFor();
  assert.equal(await row.locator('img.avatar').getAttribute('src'), avatar);
  assert.equal(await row.locator('b').count(), 0, 'the name is text, not HTML');
  await alice.waitForSelector('#timeline .notice:has-text("<b>Gina</b> G (gina) joined")');
  await send(gina, 'hi from gina');
  const meta = alice.locator('#timeline .message[data-from="gina"] .meta');
  await meta.first().waitFor();
  assert.match(await meta.first().textContent(), /^<b>Gina<\/b> G \(gina\) · /);
  assert.equal(await gina.locator('#me').textContent(), '<b>Gina</b> G (gina)');
  // A page opened later reads the profile from the `users` reply.
  const hal = await chat('hal', 101);
  await hal.locator('#online-list li[data-user="gina"] .who', { hasText: '<b>Gina</b> G (gina)' }).waitFor();
  // A URL the server refuses: the page says why and stays on the join screen.
  const context = await browser.newContext();
  const bad = await context.newPage();
  await bad.goto(`${node.base}/`);
  await bad.fill('#name', 'ivy');
  await bad.fill('#avatar', 'https://x.example/a"b');
  await bad.click('#join-btn');
  await bad.locator('#join-error', { hasText: 'avatar' }).waitFor();
  await context.close();
}));
