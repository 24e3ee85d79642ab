// parley_node.mjs: starts a real `parley` node (PARLEY_BINARY, the binary CTest built) for the
// Node.js tests (tests/clients, tests/webui), and stops it again. No npm packages needed.
import { spawn } from 'node:child_process';

// Starts a node with `args` on 127.0.0.1:`port` (0: a free one); resolves once it logs
// "listening on HOST:PORT" with {port, base, url, proc, log(), stop()}.
export function startParley({ port = 0, args = [] } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.env.PARLEY_BINARY, ['--listen', `127.0.0.1:${port}`, '--log-level', 'info', ...args],
                       { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${log}`)), 10000);
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m && !proc.port) {
        clearTimeout(timer);
        proc.port = Number(m[1]);
        resolve({ port: proc.port, base: `http://127.0.0.1:${proc.port}`, url: `ws://127.0.0.1:${proc.port}/acc`,
                  proc, log: () => log, stop: () => stopParley(proc) });
      }
    });
    proc.on('exit', (code) => { if (!proc.port) reject(new Error(`node exited ${code}:\n${log}`)); });
  });
}

// SIGTERM; resolves with the exit code.
function stopParley(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    proc.on('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
  });
}
