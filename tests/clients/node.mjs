// node.mjs: starts a real `parley` node (PARLEY_BINARY, the binary CTest built) on a free
// port for client tests, and stops it again.
import { spawn } from 'node:child_process';

// Resolves once the node logs "listening on 127.0.0.1:PORT".
export function startNode(args = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.env.PARLEY_BINARY,
                       ['--listen', '127.0.0.1:0', '--log-level', 'info', ...args],
                       { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${log}`)), 10000);
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m && !proc.port) {
        clearTimeout(timer);
        proc.port = Number(m[1]);
        resolve({ port: proc.port, url: `ws://127.0.0.1:${proc.port}/acc`, log: () => log,
                  stop: () => stop(proc) });
      }
    });
    proc.on('exit', (code) => { if (!proc.port) reject(new Error(`node exited ${code}:\n${log}`)); });
  });
}

function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    proc.on('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
  });
}
