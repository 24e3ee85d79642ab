// chat.js: the chat page. Uses only ParleyClient for the protocol (docs/webui.md).
// Conversations: 'room' (every user of the appID), 'g:<group>', 'u:<user>' (private).
// Message text is always rendered with textContent, never as HTML.
import { ParleyClient } from '/parley-client.js';

const $ = (id) => document.getElementById(id);
const client = new ParleyClient();
const conversations = new Map();  // key -> {title, items: [], unread}
const online = new Set();
let me = '';
let active = 'room';

function randomName() {
  const animals = ['otter', 'lynx', 'heron', 'panda', 'koala', 'falcon', 'gecko', 'bison'];
  return animals[Math.floor(Math.random() * animals.length)] + Math.floor(100 + Math.random() * 900);
}

function conversation(key, title) {
  if (!conversations.has(key)) conversations.set(key, { title: title || key, items: [], unread: 0, ids: new Set(), loaded: false });
  return conversations.get(key);
}

const titleFor = (key) => (key.startsWith('u:') ? key.slice(2) : key.startsWith('g:') ? '# ' + key.slice(2) : 'Room');

// Server ids "<ms>-<seq>" compare as numbers (docs/storage.md).
function newer(a, b) {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am > bm || (am === bm && as > bs);
}

// Tells the server how far the open conversation has been read (at most every 500 ms).
function scheduleAck(key) {
  const c = conversations.get(key);
  if (!c || !c.newest || c.ackPending || c.acked === c.newest) return;
  c.ackPending = true;
  setTimeout(() => {
    c.ackPending = false;
    const upTo = c.newest;
    client.request('ack', { conversation: key, upTo }).then(() => {
      c.acked = upTo;
      if (active === key) $('timeline').dataset.acked = key;  // tests wait on it
    }).catch(() => {});
  }, 500);
}

// Unread badges from the server: what this user has not read on any device.
async function refreshUnread() {
  const data = await client.request('unread', {});
  for (const [key, u] of Object.entries(data.conversations)) {
    const c = conversation(key, titleFor(key));
    c.unread = key === active ? 0 : u.count;
  }
  renderConversations();
  document.body.dataset.unread = 'loaded';  // tests wait on it
}

function keyForPush(data) {
  if (!data.target) return 'room';
  if (data.target === me) return 'u:' + data.from;
  return 'g:' + data.target;
}

function add(key, item) {
  const c = conversation(key, titleFor(key));
  if (item.id) {  // the server's id: a message seen before (history, a reconnect) is not shown twice
    if (c.ids.has(item.id)) return;
    c.ids.add(item.id);
    if (!c.newest || newer(item.id, c.newest)) c.newest = item.id;
    if (key === active) scheduleAck(key);
  }
  c.items.push(item);
  if (c.items.length > 500) c.items.shift();
  if (key === active) appendItem(item); else if (item.kind === 'msg') c.unread++;
  renderConversations();
}

function appendItem(item) {
  const li = document.createElement('li');
  if (item.kind === 'notice') {
    li.className = 'notice';
    li.textContent = item.text;
  } else {
    li.className = 'message' + (item.from === me ? ' mine' : '');
    li.dataset.from = item.from;
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `${displayName(item.from)} · ${new Date(item.time || Date.now()).toLocaleTimeString()}`;
    li.appendChild(meta);
    if (item.type === 'img' && /^https?:\/\//.test(item.msg)) {
      const img = document.createElement('img');
      img.alt = 'image from ' + item.from;
      img.src = item.msg;
      li.appendChild(img);
    } else {
      const body = document.createElement('div');
      body.className = 'body';
      body.textContent = item.msg;
      li.appendChild(body);
    }
  }
  const timeline = $('timeline');
  timeline.appendChild(li);
  timeline.scrollTop = timeline.scrollHeight;
}

function renderConversations() {
  const ul = $('conversations');
  ul.replaceChildren();
  for (const [key, c] of conversations) {
    const li = document.createElement('li');
    li.dataset.conv = key;
    if (key === active) li.className = 'active';
    const name = document.createElement('span');
    name.textContent = c.title;
    li.appendChild(name);
    if (c.unread > 0) {
      const badge = document.createElement('span');
      badge.className = 'unread';
      badge.textContent = c.unread;
      li.appendChild(badge);
    }
    li.onclick = () => show(key);
    ul.appendChild(li);
  }
}

let roomCount = null;  // the server's count while enter/exit pushes are off

// Display names and avatars by userID (docs/protocol.md "Profiles"): from the login reply,
// `users` replies and `enter` pushes. Shown as text and as an img src, never as HTML.
const profiles = new Map();

function rememberProfile(userID, data) {
  if (data && (data.name || data.avatar)) profiles.set(userID, { name: data.name || '', avatar: data.avatar || '' });
}

// "Name (userID)" when the user has a display name, else the userID.
function displayName(user) {
  const p = profiles.get(user);
  return p && p.name ? `${p.name} (${user})` : user;
}

function renderOnline() {
  const ul = $('online-list');
  ul.replaceChildren();
  for (const user of [...online].sort()) {
    const li = document.createElement('li');
    li.dataset.user = user;
    const p = profiles.get(user);
    if (p && /^https?:\/\//.test(p.avatar)) {
      const img = document.createElement('img');
      img.className = 'avatar';
      img.alt = '';
      img.src = p.avatar;
      li.appendChild(img);
    }
    const label = document.createElement('span');
    label.className = 'who';
    label.textContent = user === me ? `${displayName(user)} (you)` : displayName(user);
    li.appendChild(label);
    if (user !== me) li.onclick = () => show('u:' + user);
    ul.appendChild(li);
  }
  // A big room sends counts instead of enter/exit (docs/protocol.md "Presence"): the list
  // is then the first page, the count the server's.
  $('online-count').textContent = roomCount === null ? online.size : roomCount;
}

function show(key) {
  active = key;
  const c = conversation(key, titleFor(key));
  c.unread = 0;
  $('conv-title').textContent = key === 'room' ? `Room ${client.identity.appID}` : c.title;
  $('leave-group').hidden = !key.startsWith('g:');
  $('timeline').replaceChildren();
  c.items.forEach(appendItem);
  renderConversations();
  $('text').focus();
  $('timeline').dataset.acked = '';
  scheduleAck(key);
  // data-history names the conversation whose stored messages are merged in (tests wait on it).
  $('timeline').dataset.history = c.loaded ? key : '';
  if (!c.loaded && key !== 'room') loadHistory(key, c).catch(() => {});
}

// The first time a conversation is opened: its stored messages from the server (newest page),
// merged with what arrived meanwhile by id, in id order.
async function loadHistory(key, c) {
  c.loaded = true;
  const data = await client.request('history', key.startsWith('g:') ? { group: key.slice(2) } : { with: key.slice(2) });
  const older = data.messages.filter((m) => !c.ids.has(m.id)).reverse().map((m) => ({ kind: 'msg', ...m }));
  older.forEach((m) => {
    c.ids.add(m.id);
    if (!c.newest || newer(m.id, c.newest)) c.newest = m.id;
  });
  if (active === key) scheduleAck(key);
  c.items = [...older, ...c.items];
  if (active !== key) return;
  if (older.length) {
    $('timeline').replaceChildren();
    c.items.forEach(appendItem);
  }
  $('timeline').dataset.history = key;
}

async function refreshOnline() {
  const data = await client.users();
  online.clear();
  data.userList.forEach((u) => online.add(u));
  for (const [user, p] of Object.entries(data.profiles || {})) rememberProfile(user, p);
  renderOnline();
}

client.on('state', (state) => {
  $('state').textContent = state;
  $('state').dataset.state = state;
  if (state === 'online') {
    // A clientID is "<node id>-<n>": the node this browser landed on (after a reconnect
    // through a load balancer, possibly another one).
    const id = client.clientID || '';
    $('node').textContent = id.includes('-') ? `node ${id.slice(0, id.lastIndexOf('-'))}` : '';
    refreshOnline().catch(() => {});
    refreshUnread().catch(() => {});
  }
});
// After a reconnect: what was missed in each conversation comes again, once, ahead of new
// messages (docs/storage.md). A group whose history was loaded but held nothing asks from the
// start ("0-0"); one never opened and with nothing pushed loads its history when opened.
client.since = () => {
  const out = {};
  for (const [key, c] of conversations) {
    if (c.newest) out[key] = c.newest;
    else if (c.loaded && key.startsWith('g:')) out[key] = '0-0';
  }
  return out;
};
client.on('msg', (data) => add(keyForPush(data), { kind: 'msg', ...data }));
client.on('enter', (data) => {
  online.add(data.userID);
  rememberProfile(data.userID, data);
  renderOnline();
  add('room', { kind: 'notice', text: `${displayName(data.userID)} joined` });
});
client.on('online', (data) => {
  if (data.lists) {  // enter/exit are on again: fetch the list once, they keep it from here
    roomCount = null;
    refreshOnline().catch(() => {});
  } else {
    roomCount = data.count;
    renderOnline();
  }
});
client.on('exit', (data) => {
  online.delete(data.userID);
  renderOnline();
  add('room', { kind: 'notice', text: `${displayName(data.userID)} left` });
});

$('name').value = localStorage.getItem('parley.name') || randomName();
$('room').value = localStorage.getItem('parley.room') || '101';
$('display-name').value = localStorage.getItem('parley.displayName') || '';
$('avatar').value = localStorage.getItem('parley.avatar') || '';

$('join-form').onsubmit = async (e) => {
  e.preventDefault();
  me = $('name').value.trim();
  const room = $('room').value;
  $('join-error').textContent = '';
  const profile = { name: $('display-name').value.trim(), avatar: $('avatar').value.trim() };
  try {
    rememberProfile(me, await client.login(room, me, '', profile));
  } catch (err) {
    $('join-error').textContent = err.codeMsg || err.message;
    client.close();
    return;
  }
  localStorage.setItem('parley.name', me);
  localStorage.setItem('parley.displayName', profile.name);
  localStorage.setItem('parley.avatar', profile.avatar);
  localStorage.setItem('parley.room', room);
  $('me').textContent = displayName(me);
  $('room-label').textContent = room;
  $('join-screen').hidden = true;
  $('chat-screen').hidden = false;
  conversation('room', 'Room');
  show('room');
};

$('composer').onsubmit = async (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  const type = $('msg-type').value;
  $('send-error').textContent = '';
  // Cleared now, not on the answer: what the user types while this send is under way stays.
  $('text').value = '';
  try {
    if (active === 'room') await client.sendRoom(text, type);
    else if (active.startsWith('g:')) await client.sendGroup(active.slice(2), text, type);
    else {
      const to = active.slice(2);
      const r = await client.sendMessage(to, text, type);
      // Private messages are not echoed to the sender: show our copy on the ack.
      add(active, { kind: 'msg', from: me, target: to, msg: text, type, time: r.time || Date.now(), id: r.id });
      if (!r.delivered)
        add(active, { kind: 'notice', text: r.offline ? `${to} is offline; they get it when they log in` : `${to} is offline; not delivered` });
    }
  } catch (err) {
    $('send-error').textContent = err.codeMsg || err.message;
    if (!$('text').value) $('text').value = text;  // not sent: give it back to edit or resend
  }
};

$('group-form').onsubmit = async (e) => {
  e.preventDefault();
  const group = $('group-name').value.trim();
  if (!group) return;
  try {
    await client.join(group);
    $('group-name').value = '';
    add('g:' + group, { kind: 'notice', text: `you joined # ${group}` });
    show('g:' + group);
  } catch (err) {
    $('send-error').textContent = err.codeMsg || err.message;
  }
};

$('leave-group').onclick = async () => {
  const group = active.slice(2);
  await client.leave(group).catch(() => {});
  conversations.delete(active);
  show('room');
};
