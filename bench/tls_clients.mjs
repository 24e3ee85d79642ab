// bench/tls_clients.mjs --url ws[s]://HOST:PORT/acc --connections N --pid PID [--ca FILE]
// For bench/tls.sh: opens N connections that log in (at most 200 in flight, source addresses
// 127.0.0.2-9), holds them, and prints one JSON line: seconds to have all logged in, the
// server's CPU seconds for that, and its RSS before and after (read from /proc/PID once
// idle), so plain and TLS connections are measured by the same client.
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../tests/clients/package.json', import.meta.url));
const WebSocket = require('ws');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const url = arg('url');
const total = Number(arg('connections', '5000'));
const pid = arg('pid');
const ca = arg('ca') ? fs.readFileSync(arg('ca')) : undefined;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rss = () => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1]) * 1024;
const cpu = () => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;  // utime + stime, clock ticks of 10 ms
};
const sources = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9'];

await sleep(1000);
const rssBefore = rss();
const cpuBefore = cpu();
const began = Date.now();
const sockets = [];
let failed = 0;
await new Promise((done) => {
  let started = 0, finished = 0;
  const next = () => {
    if (started === total) return;
    const i = started++;
    const ws = new WebSocket(url, { ca, localAddress: sources[i % sources.length] });
    const settle = (ok) => {
      if (!ok) ++failed;
      if (++finished === total) return done();
      next();
    };
    ws.on('open', () => ws.send(JSON.stringify({ seq: 'l', cmd: 'login', data: { appID: 101, userID: `u${i}` } })));
    ws.once('message', (raw) => settle(JSON.parse(raw.toString()).response?.code === 200));
    ws.on('error', () => settle(false));
    sockets.push(ws);
  };
  for (let k = 0; k < 200; ++k) next();
});
const seconds = (Date.now() - began) / 1000;
const cpuSeconds = cpu() - cpuBefore;
await sleep(3000);  // idle: what is left is what an idle connection holds
const rssAfter = rss();
console.log(JSON.stringify({
  url: url.replace(/:\d+\//, ':PORT/'), connections: total, failed, seconds,
  perSecond: Math.round(total / seconds), serverCpuSeconds: cpuSeconds,
  serverCpuMicrosPerConnection: Math.round(cpuSeconds * 1e6 / total),
  rssBefore, rssAfter, rssPerConnectionKiB: Number(((rssAfter - rssBefore) / total / 1024).toFixed(2)),
}));
for (const ws of sockets) ws.terminate();
