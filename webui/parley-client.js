// parley-client.js: the Parley WebSocket protocol for browser pages (docs/js-client.md).
//
// One ParleyClient per page. It numbers requests (seq), matches responses to requests with a
// timeout, hands pushes (msg, enter, exit) to listeners, sends heartbeats, and reconnects with
// exponential back-off; after a reconnect it logs in again and rejoins its groups before it
// reports "online". Plain ES module, no dependencies.

const HEARTBEAT_MS = 30000;
const REQUEST_TIMEOUT_MS = 10000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;

export class ParleyError extends Error {
  constructor(code, codeMsg, cmd) {
    super(`${cmd}: ${code} ${codeMsg}`);
    this.code = code;
    this.codeMsg = codeMsg;
  }
}

export class ParleyClient {
  // url: ws://host:port/acc (default: this page's host). options.requestTimeoutMs,
  // options.heartbeatMs, options.backoffMaxMs override the defaults.
  constructor(url, options = {}) {
    this.url = url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/acc`;
    this.options = { requestTimeoutMs: REQUEST_TIMEOUT_MS, heartbeatMs: HEARTBEAT_MS,
                     backoffMaxMs: BACKOFF_MAX_MS, ...options };
    this.state = 'offline';          // offline | connecting | online | reconnecting
    this.identity = null;            // {appID, userID, token} once login() was called
    this.clientID = null;
    this.groups = new Set();         // rejoined after a reconnect
    this.listeners = new Map();      // event -> Set of callbacks
    this.pending = new Map();        // seq -> {resolve, reject, timer, cmd}
    this.seq = 0;
    this.socket = null;
    this.backoff = BACKOFF_MIN_MS;
    this.heartbeatTimer = null;
    this.reconnectTimer = null;
    this.closedByUser = false;
  }

  // Events: 'state' (state), 'msg' / 'enter' / 'exit' / 'online' (room count) / 'presence'
  // (a subscriber's deltas) (push data, whole frame), 'error' (Error).
  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
    return () => this.listeners.get(event).delete(callback);
  }

  emit(event, ...args) {
    for (const cb of this.listeners.get(event) || []) {
      try { cb(...args); } catch (e) { console.error(e); }
    }
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  // Opens the socket and logs in; resolves with the login response data. Keeps the identity
  // for reconnects. Rejects with ParleyError on a refused login.
  // `profile` ({name, avatar}, optional) is sent with the first login only: the server keeps
  // it (docs/protocol.md "Profiles"), reconnects read it back.
  async login(appID, userID, token = '', profile = null) {
    this.identity = { appID: Number(appID), userID, token };
    this.profile = profile;
    this.closedByUser = false;
    await this.open();
    return this.authenticate();
  }

  open() {
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return this.opened;
    this.setState(this.state === 'offline' ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    this.opened = new Promise((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error('connection failed'));
    });
    socket.onmessage = (event) => this.onFrame(event.data);
    socket.onclose = () => this.onClose(socket);
    return this.opened;
  }

  async authenticate() {
    const { appID, userID, token } = this.identity;
    const login = { appID, userID, serviceToken: token };
    if (this.profile) {
      for (const key of ['name', 'avatar']) if (this.profile[key]) login[key] = this.profile[key];
      this.profile = null;
    }
    // `since` (docs/storage.md): the newest message id the page has per conversation, so that
    // after a reconnect the server sends what was missed, once.
    const since = this.since ? this.since() : null;
    if (since && Object.keys(since).length) login.since = since;
    const data = await this.request('login', login);
    this.clientID = data.clientID;
    for (const group of this.groups) await this.request('join', { group });
    this.backoff = BACKOFF_MIN_MS;
    this.startHeartbeat();
    this.setState('online');
    return data;
  }

  // Sends {seq, cmd, data}; resolves with response.data on code 200, rejects with
  // ParleyError otherwise, or with Error after the timeout or when the socket closes.
  request(cmd, data = {}) {
    const seq = String(++this.seq);
    return new Promise((resolve, reject) => {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
        reject(new Error(`${cmd}: not connected`));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`${cmd}: no response in ${this.options.requestTimeoutMs} ms`));
      }, this.options.requestTimeoutMs);
      this.pending.set(seq, { resolve, reject, timer, cmd });
      this.socket.send(JSON.stringify({ seq, cmd, data }));
    });
  }

  onFrame(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { return; }  // e.g. a bare "pong"
    const waiting = this.pending.get(frame.seq);
    if (waiting && waiting.cmd === frame.cmd) {
      this.pending.delete(frame.seq);
      clearTimeout(waiting.timer);
      const r = frame.response || {};
      if (r.code === 200) waiting.resolve(r.data);
      else waiting.reject(new ParleyError(r.code, r.codeMsg, frame.cmd));
      return;
    }
    if (frame.response && ['msg', 'enter', 'exit', 'online', 'presence'].includes(frame.cmd))
      this.emit(frame.cmd, frame.response.data, frame);
  }

  onClose(socket) {
    if (socket !== this.socket) return;
    this.stopHeartbeat();
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.cmd}: connection closed`));
    }
    this.pending.clear();
    this.socket = null;
    if (this.closedByUser || !this.identity) {
      this.setState('offline');
      return;
    }
    this.setState('reconnecting');
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    clearTimeout(this.reconnectTimer);
    const delay = this.backoff * (0.75 + Math.random() * 0.5);  // jitter spreads a herd
    this.backoff = Math.min(this.backoff * 2, this.options.backoffMaxMs);
    this.reconnectTimer = setTimeout(async () => {
      try {
        await this.open();
        await this.authenticate();
      } catch (e) {
        this.emit('error', e);
        if (this.socket) this.socket.close();  // onClose schedules the next try
        else this.scheduleReconnect();
      }
    }, delay);
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => {
      this.request('heartbeat', {}).catch((e) => this.emit('error', e));
    }, this.options.heartbeatMs);
  }

  stopHeartbeat() {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  close() {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    if (this.socket) this.socket.close(1000);
    else this.setState('offline');
  }

  // --- the protocol's commands ----------------------------------------------------------
  users() { return this.request('users', {}); }
  async join(group) { const r = await this.request('join', { group }); this.groups.add(group); return r; }
  async leave(group) { const r = await this.request('leave', { group }); this.groups.delete(group); return r; }
  sendMessage(userID, msg, type = 'text') { return this.request('sendMessage', { userID, msg, type, msgID: newMsgID() }); }
  sendGroup(group, msg, type = 'text') { return this.request('sendGroup', { group, msg, type, msgID: newMsgID() }); }
  sendRoom(msg, type = 'text') { return this.request('sendAll', { msg, type, msgID: newMsgID() }); }
}

export function newMsgID() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
