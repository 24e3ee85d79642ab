// console.js: polls /system/state, /system/groups and /system/closes once a second and draws
// them. The chart is a small canvas drawing written here (two lines, fixed 5-minute window):
// a chart library would be more code to vendor than this page needs, and nothing may load
// from the internet.
const $ = (id) => document.getElementById(id);
const HISTORY = 300;  // samples, one per second
const history = [];   // {connections, pushRate}
let previous = null;  // last /system/state data with its time
let apiKey = sessionStorage.getItem('parley.apiKey') || '';

async function get(path) {
  const headers = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
  const res = await fetch(path, { headers, cache: 'no-store' });
  if (res.status === 401) throw Object.assign(new Error('API key required'), { status: 401 });
  const body = await res.json();
  if (body.code !== 200) throw new Error(body.msg);
  return body.data;
}

const fmt = (n) => (n >= 1e6 ? (n / 1e6).toFixed(2) + 'M' : n >= 1e4 ? (n / 1e3).toFixed(1) + 'k' : String(Math.round(n)));
const bytes = (n) => (n >= 1 << 30 ? (n / (1 << 30)).toFixed(2) + ' GiB' : n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB' : (n / 1024).toFixed(1) + ' KiB');
const duration = (s) => (s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(0)} min` : `${(s / 3600).toFixed(1)} h`);

function rows(tbody, list) {
  tbody.replaceChildren();
  for (const cells of list) {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

function showState(s, now) {
  $('connections').textContent = fmt(s.connections);
  $('users').textContent = fmt(s.users);
  $('groups').textContent = fmt(s.groups);
  $('rss').textContent = bytes(s.process.rssBytes);
  $('uptime').textContent = duration(s.uptimeSeconds);
  let pushRate = 0;
  if (previous) {
    const dt = (now - previous.time) / 1000;
    const rate = (a, b) => Math.max(0, (a - b) / dt);
    pushRate = rate(s.pushes.delivered, previous.s.pushes.delivered);
    $('frames-in-rate').textContent = fmt(rate(s.frames.in, previous.s.frames.in));
    $('frames-out-rate').textContent = fmt(rate(s.frames.out, previous.s.frames.out));
    $('pushes-rate').textContent = fmt(pushRate);
    $('bytes-in-rate').textContent = bytes(rate(s.bytes.in, previous.s.bytes.in)) + '/s';
    $('bytes-out-rate').textContent = bytes(rate(s.bytes.out, previous.s.bytes.out)) + '/s';
    $('cpu').textContent = (100 * rate(s.process.cpuSeconds, previous.s.process.cpuSeconds)).toFixed(0) + ' %';
  }
  previous = { s, time: now };
  history.push({ connections: s.connections, pushRate });
  if (history.length > HISTORY) history.shift();
  rows($('actors'), Object.entries(s.actors).map(([k, v]) => [k, fmt(v)]));
  rows($('close-reasons'), Object.entries(s.closes).map(([k, v]) => [k, fmt(v)]));
  showCluster(s.cluster);
  showStats(s);
  drawChart();
}

const micros = (us) => (us >= 1e6 ? (us / 1e6).toFixed(2) + ' s' : us >= 1e3 ? (us / 1e3).toFixed(1) + ' ms' : us.toFixed(0) + ' µs');

// The hot actors and commands of the node picked in the selector: this node's own sample, or
// another node's as its registry entry carries it (refreshed every node_refresh_ms).
function showStats(s) {
  const select = $('node-select');
  const nodes = s.cluster ? s.cluster.nodes : [{ node: 'this node', self: true, stats: s.stats }];
  const names = nodes.map((n) => n.node);
  if ([...select.options].map((o) => o.value).join() !== names.join()) {
    const keep = select.value;
    select.replaceChildren(...nodes.map((n) => new Option(n.self ? `${n.node} (this node)` : n.node, n.node)));
    select.value = names.includes(keep) ? keep : nodes.find((n) => n.self).node;
  }
  const picked = nodes.find((n) => n.node === select.value) || nodes[0];
  const stats = picked.self ? s.stats : picked.stats;
  if (!stats || !stats.timeMs) {
    $('stats-time').textContent = 'sampling off (actor_stats_ms 0)';
    rows($('hot-actors'), []);
    rows($('commands'), []);
    return;
  }
  $('stats-time').textContent = 'sampled ' + new Date(stats.timeMs).toLocaleTimeString();
  rows($('hot-actors'), [...stats.actors, ...stats.groups].map((a) => [a.kind, a.name, fmt(a.perSecond), fmt(a.mailbox)]));
  rows($('commands'), stats.commands.filter((c) => c.count > 0).map((c) => [
    c.cmd, fmt(c.count), fmt(c.errors), fmt(c.perSecond), micros(c.p50Us), micros(c.p99Us)]));
}

// The cluster's nodes (from this node's registry view), when the node is in a cluster.
function showCluster(c) {
  $('cluster-panel').hidden = !c;
  if (!c) return;
  $('cluster-status').textContent = c.degraded ? 'degraded: Redis unreachable' : `${c.liveNodes} live`;
  rows($('nodes'), c.nodes.map((n) => [n.self ? `${n.node} (this node)` : n.node, n.address, n.grpc,
                                       fmt(n.connections), fmt(n.users),
                                       new Date(n.startedMs).toLocaleTimeString()]));
}

function drawChart() {
  const canvas = $('chart');
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = w * ratio;
  canvas.height = h * ratio;
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#263049';
  for (let y = 0; y <= 4; y++) { g.beginPath(); g.moveTo(0, (h - 16) * y / 4 + 8); g.lineTo(w, (h - 16) * y / 4 + 8); g.stroke(); }
  const line = (field, color) => {
    const max = Math.max(1, ...history.map((p) => p[field]));
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.beginPath();
    history.forEach((p, i) => {
      const x = w - (history.length - 1 - i) * (w / (HISTORY - 1));
      const y = h - 8 - (p[field] / max) * (h - 16);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
    g.fillStyle = color;
    g.fillText(`max ${fmt(max)}`, field === 'connections' ? 4 : 90, 12);
  };
  line('connections', '#5fb3ff');
  line('pushRate', '#ffb454');
}

async function tick() {
  try {
    const now = Date.now();
    const [state, groups, closes] = await Promise.all([get('/system/state'), get('/system/groups?limit=10'), get('/system/closes')]);
    showState(state, now);
    rows($('top-groups'), groups.groups.map((g) => [g.appID, g.group, g.members]));
    rows($('recent-closes'), closes.closes.slice(0, 20).map((c) => [
      new Date(c.time).toLocaleTimeString(), c.clientID, c.remote, c.reason, duration(c.secondsOpen)]));
    $('status').textContent = 'live · updated ' + new Date(now).toLocaleTimeString();
    $('status').className = 'status';
  } catch (err) {
    $('status').textContent = err.message;
    $('status').className = 'status bad';
    if (err.status === 401) { $('key-form').hidden = false; return; }
  }
  setTimeout(tick, 1000);
}

$('node-select').onchange = () => { if (previous) showStats(previous.s); };

$('key-form').onsubmit = (e) => {
  e.preventDefault();
  apiKey = $('api-key').value;
  sessionStorage.setItem('parley.apiKey', apiKey);
  $('key-form').hidden = true;
  tick();
};

tick();
