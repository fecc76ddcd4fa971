// Browser consoles for vlab: noVNC for the screen, xterm.js for the serial
// port. Every [data-console] element becomes one. Each connection uses a
// fresh single-use ticket; a dropped connection reconnects with a new one.
import RFB from '/vendor/novnc/core/rfb.js';
import { Terminal } from '/vendor/xterm/xterm.mjs';
import { FitAddon } from '/vendor/xterm/addon-fit.mjs';

async function ticket(vm, kind, viewOnly) {
  const res = await fetch(`/api/v1/vms/${vm}/console`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind, view_only: viewOnly }),
  });
  const body = await res.json();
  if (!body.success) throw new Error(body.error.message);
  return body.data;
}

function socketUrl(t) {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${proto}://${location.host}${t.ws_path}?ticket=${encodeURIComponent(t.ticket)}&kind=${t.kind}`;
}

// X keysym for a character (Latin-1 as is, the rest as Unicode keysyms).
function keysym(ch) {
  if (ch === '\n') return 0xff0d;
  if (ch === '\t') return 0xff09;
  const cp = ch.codePointAt(0);
  return cp < 0x100 ? cp : 0x01000000 + cp;
}

class Console {
  constructor(root) {
    this.root = root;
    this.vm = root.dataset.vm;
    this.kind = root.dataset.kind || 'vnc';
    this.viewOnly = root.dataset.viewOnly === 'true';
    this.screen = root.querySelector('[data-screen]');
    this.status = root.querySelector('[data-status]');
    this.retry = 0;
    this.closed = false;
    root.addEventListener('click', (e) => this.onAction(e));
    root.addEventListener('submit', (e) => this.onSubmit(e));
    this.connect();
  }

  setStatus(state, text) {
    this.root.dataset.state = state;
    if (this.status) this.status.textContent = text || state;
  }

  async connect() {
    this.closed = false;
    this.setStatus('connecting', 'connecting…');
    let t;
    try {
      t = await ticket(this.vm, this.kind, this.viewOnly);
    } catch (err) {
      this.setStatus('error', err.message);
      return this.later();
    }
    if (this.kind === 'vnc') this.openVnc(t); else this.openSerial(t);
  }

  later() {
    if (this.closed) return;
    const wait = Math.min(10000, 500 * 2 ** this.retry++);
    setTimeout(() => { if (!this.closed) this.connect(); }, wait);
  }

  openVnc(t) {
    this.screen.textContent = '';
    const rfb = new RFB(this.screen, socketUrl(t), { shared: true, wsProtocols: ['binary'] });
    rfb.viewOnly = this.viewOnly;
    rfb.scaleViewport = this.root.querySelector('[data-scale]')?.checked ?? true;
    rfb.addEventListener('connect', () => { this.retry = 0; this.setStatus('connected', this.viewOnly ? 'connected (view only)' : 'connected'); });
    rfb.addEventListener('disconnect', () => {
      this.rfb = null;
      if (this.closed) { this.setStatus('disconnected'); return; }
      this.setStatus('reconnecting', 'reconnecting…');
      this.later();
    });
    this.rfb = rfb;
  }

  openSerial(t) {
    if (!this.term) {
      this.term = new Terminal({ cursorBlink: true, scrollback: 5000, fontSize: 14 });
      this.fit = new FitAddon();
      this.term.loadAddon(this.fit);
      this.term.open(this.screen);
      this.fit.fit();
      window.addEventListener('resize', () => this.fit.fit());
      this.term.onData((d) => {
        if (this.ws && this.ws.readyState === 1 && !this.viewOnly) this.ws.send(new TextEncoder().encode(d));
      });
    }
    const ws = new WebSocket(socketUrl(t), ['binary']);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => { this.retry = 0; this.setStatus('connected'); };
    ws.onmessage = (e) => this.term.write(new Uint8Array(e.data));
    ws.onclose = () => {
      this.ws = null;
      if (this.closed) { this.setStatus('disconnected'); return; }
      this.setStatus('reconnecting', 'reconnecting…');
      this.later();
    };
    this.ws = ws;
  }

  disconnect() {
    this.closed = true;
    if (this.rfb) this.rfb.disconnect();
    if (this.ws) this.ws.close();
    this.setStatus('disconnected');
  }

  onAction(e) {
    const action = e.target.closest('[data-action]')?.dataset.action;
    if (!action) return;
    switch (action) {
      case 'ctrl-alt-del': this.rfb?.sendCtrlAltDel(); break;
      case 'fullscreen': (this.screen.requestFullscreen || (() => {})).call(this.screen); break;
      case 'disconnect': this.disconnect(); break;
      case 'connect': this.connect(); break;
      case 'view-only':
        this.viewOnly = !this.viewOnly;
        e.target.setAttribute('aria-pressed', String(this.viewOnly));
        // View-only is enforced by the server, so it needs a new connection.
        this.closed = true;
        if (this.rfb) this.rfb.disconnect();
        if (this.ws) this.ws.close();
        setTimeout(() => this.connect(), 100);
        break;
      case 'scale':
        if (this.rfb) this.rfb.scaleViewport = e.target.checked;
        break;
    }
  }

  onSubmit(e) {
    if (!e.target.matches('[data-send-text]')) return;
    e.preventDefault();
    const input = e.target.querySelector('input');
    const text = input.value;
    input.value = '';
    if (this.kind === 'vnc' && this.rfb) {
      for (const ch of text) this.rfb.sendKey(keysym(ch));
    } else if (this.ws) {
      this.ws.send(new TextEncoder().encode(text));
    }
  }
}

export function mountAll() {
  document.querySelectorAll('[data-console]:not([data-mounted])').forEach((el) => {
    el.dataset.mounted = 'true';
    el.vlabConsole = new Console(el);
  });
}

mountAll();
