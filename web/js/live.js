// The live connection: one WebSocket per page, resumed after any drop with ?resume=<last seq>,
// heartbeats every 20 s carrying page visibility, messages with ids resolved by the server's ack.
// Binary messages are the audio lane's (handed to onBinary); bytesReceived counts every message
// received this session, for the data meter. `audio: false` connects unsubscribed from audio
// (?audio=off) until setAudio(true): a trainee pays for no audio they did not ask for.
// A connection refused before its welcome asks the server why (a browser hides a refused
// upgrade's status) and retries only what retrying can cure: a session not started yet, a
// network or server failure. Ended, unknown, not enrolled and held-in-person sessions end the
// client with that state.
import { api } from './api.js';

const HEARTBEAT_MS = 20000;
const SILENCE_MS = 45000; // no frame for this long after a heartbeat: treat the link as dead
const NOT_STARTED_RETRY_MS = 30000; // a session not started yet: ask again this often
// Why a connection was refused, by the error code of GET /live: a final state, or null to retry.
const REFUSED = {
  not_found: 'not_found',
  not_enrolled: 'not_enrolled',
  session_ended: 'ended',
  session_not_online: 'not_online',
  unauthenticated: 'signed_out',
  password_change_required: 'signed_out',
  forbidden_origin: 'refused',
};

export class LiveClient {
  constructor(sessionId, { onMessage, onState, onBinary, audio = true }) {
    this.sessionId = sessionId;
    this.audio = audio;
    this.onMessage = onMessage;
    this.onState = onState;
    this.onBinary = onBinary ?? (() => {});
    this.bytesReceived = 0;
    this.encoder = new TextEncoder();
    this.seq = null;
    this.ws = null;
    this.stopped = false;
    this.attempt = 0;
    this.pending = new Map(); // id -> {resolve, reject}
    this.counter = 0;
    this.lastFrame = Date.now();
    this.onVisibility = () => this.heartbeat();
    this.onOffline = () => this.drop('offline');
    this.onOnline = () => {
      if (!this.ws && !this.stopped) {
        this.attempt = 1;
        this.connect();
      }
    };
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    this.timer = setInterval(() => {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) {
        if (Date.now() - this.lastFrame > SILENCE_MS) this.drop('silent');
        else this.heartbeat();
      }
    }, HEARTBEAT_MS);
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.retry);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const query = new URLSearchParams();
    if (this.seq !== null) query.set('resume', this.seq);
    if (!this.audio) query.set('audio', 'off');
    const search = query.toString() ? `?${query}` : '';
    const ws = new WebSocket(`${scheme}://${location.host}/api/v1/sessions/${this.sessionId}/live${search}`);
    ws.binaryType = 'arraybuffer';
    ws.welcomed = false;
    this.ws = ws;
    this.onState(this.attempt ? 'reconnecting' : 'connecting');
    ws.onopen = () => {
      this.lastFrame = Date.now();
    };
    ws.onmessage = (event) => {
      this.lastFrame = Date.now();
      if (event.data instanceof ArrayBuffer) {
        this.bytesReceived += event.data.byteLength;
        this.onBinary(event.data);
        return;
      }
      this.bytesReceived += this.encoder.encode(event.data).byteLength;
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      for (const m of Array.isArray(data) ? data : [data]) this.dispatch(m);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      // 4009: a newer tab or device of the same user took this connection's place; reconnecting
      // would only take it back and start a tug of war. 4003: withdrawn or unassigned.
      const final = { 1000: 'ended', 4001: 'signed_out', 4003: 'removed', 4009: 'replaced' }[event.code];
      if (final || this.stopped) {
        this.onState(final ?? 'ended');
        this.stop();
        return;
      }
      if (!ws.welcomed) this.diagnose();
      else this.scheduleReconnect();
    };
  }

  // The connection closed before its welcome: GET /live answers what the upgrade was told.
  async diagnose() {
    const res = await api('GET', `/api/v1/sessions/${this.sessionId}/live`);
    if (this.stopped) return;
    const code = res.error?.code;
    const final = REFUSED[code];
    if (final) {
      this.onState(final);
      this.stop();
    } else if (code === 'session_not_live') {
      this.onState('not_started');
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.connect(), NOT_STARTED_RETRY_MS);
    } else {
      this.scheduleReconnect();
    }
  }

  // Audio records to this page (true) or none (false), now and after any reconnect.
  setAudio(on) {
    this.audio = on;
    return this.request({ type: 'audio_subscribe', on });
  }

  dispatch(m) {
    if (typeof m.seq === 'number') this.seq = Math.max(this.seq ?? 0, m.seq);
    if (m.type === 'welcome') {
      if (this.ws) this.ws.welcomed = true;
      this.attempt = 0;
      this.seq = m.seq;
      this.onState('online');
      this.heartbeat();
      this.resendPending();
    }
    if ((m.type === 'ack' || m.type === 'error') && m.id !== undefined && this.pending.has(String(m.id))) {
      const p = this.pending.get(String(m.id));
      this.pending.delete(String(m.id));
      if (m.type === 'ack') p.resolve(m);
      else p.reject(m);
    }
    this.onMessage(m);
  }

  scheduleReconnect() {
    if (this.stopped) return;
    this.onState('reconnecting');
    clearTimeout(this.retry);
    // Offline: wait for the browser's online event (and check now and then in case it never comes).
    const delay =
      navigator.onLine === false ? 15000 : Math.min(5000, 500 * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  drop(reason) {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    try {
      ws.close(4000, reason);
    } catch {
      /* already closing */
    }
    this.scheduleReconnect();
  }

  heartbeat() {
    this.send({ type: 'heartbeat', visible: document.visibilityState !== 'hidden' });
  }

  send(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  // A binary message (audio), unless the socket is closed or already holds over `maxBuffered`
  // bytes unsent (late audio is worth less than none).
  sendBinary(bytes, maxBuffered = Infinity) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount > maxBuffered) return false;
    this.ws.send(bytes);
    return true;
  }

  // Sends with an id; resolves on the server's ack, rejects on its error. The same id is sent
  // again after a reconnect until acked (the server applies it once).
  request(message) {
    const id = message.id ?? `c${Date.now().toString(36)}${(this.counter++).toString(36)}`;
    const full = { ...message, id };
    return new Promise((resolve, reject) => {
      this.pending.set(String(id), { resolve, reject, full });
      this.send(full);
    });
  }

  resendPending() {
    for (const p of this.pending.values()) this.send(p.full);
  }

  stop() {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retry);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000);
    }
  }
}
