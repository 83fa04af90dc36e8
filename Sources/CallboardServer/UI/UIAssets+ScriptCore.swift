extension UIAssets {
    /// The script's core: DOM building (text only, never HTML), the API client, the sign-in, the
    /// hash router. Views register in `views` and return a cleanup function.
    static let scriptCore = #"""
    'use strict';
    // Builds an element. Children are nodes or text (always text nodes: data is never parsed as HTML).
    function h(tag, attrs, ...children) {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) {
        if (v === null || v === undefined || v === false) continue;
        if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else if (k === 'class') e.className = v;
        else e.setAttribute(k, v === true ? '' : String(v));
      }
      add(e, children);
      return e;
    }
    function add(e, ...children) {
      for (const c of [children].flat(Infinity)) {
        if (c === null || c === undefined || c === false) continue;
        e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
      }
      return e;
    }
    function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
    // Only http(s) links leave the app; anything else (javascript:, data:) is shown as text.
    function safeUrl(u) { return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null; }
    function enc(s) { return encodeURIComponent(String(s)); }
    // A timestamp in the reader's locale; `short` shows the time of day only.
    function time(iso, short) {
      if (!iso) return h('span', { class: 'muted' }, '—');
      const d = new Date(iso);
      return h('time', { datetime: iso, title: iso }, isNaN(d) ? iso : short ? d.toLocaleTimeString() : d.toLocaleString());
    }
    function badge(text, kind) { return h('span', { class: 'badge' + (kind ? ' ' + kind : '') }, text); }
    function pretty(value) { return h('pre', {}, JSON.stringify(value, null, 2)); }
    function table(headers, rows, label) {
      return h('table', { 'aria-label': label },
        h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col', class: x.num ? 'num' : null }, x.label || x)))),
        h('tbody', {}, rows));
    }
    function facts(pairs) {
      return h('dl', { class: 'facts' }, pairs.filter(p => p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    }

    // "kind:namespace/name" → parts; the UI links entity refs to their pages.
    function parseRef(ref, defaultKind) {
      const m = /^(?:([^:/]+):)?(?:([^/]+)\/)?(.+)$/.exec(String(ref));
      if (!m) return null;
      return { kind: (m[1] || defaultKind || 'component').toLowerCase(), namespace: (m[2] || 'default').toLowerCase(), name: m[3] };
    }
    function refString(p) { return p.kind + ':' + p.namespace + '/' + p.name; }
    function entityHref(p) { return '#/entity/' + enc(p.kind) + '/' + enc(p.namespace) + '/' + enc(p.name); }
    function refLink(ref, defaultKind) {
      const p = parseRef(ref, defaultKind);
      return p ? h('a', { href: entityHref(p) }, String(ref)) : String(ref);
    }

    const notice = document.getElementById('notice');
    function say(text, isError) {
      notice.className = isError ? 'error' : '';
      notice.textContent = text;
    }

    class ApiError extends Error {
      constructor(status, message) { super(message); this.status = status; }
    }
    async function api(path, options) {
      const res = await send(path, options);
      if (res.status === 204) return null;
      return (res.headers.get('content-type') || '').includes('json') ? res.json() : res.text();
    }
    // A list page of `GET /entities`: its items and the `link: <…>; rel="next"` target.
    async function apiPage(path) {
      const res = await send(path);
      const link = res.headers.get('link') || '';
      const next = /<([^>]*)>;\s*rel="next"/.exec(link);
      return { items: await res.json(), next: next ? next[1] : null };
    }
    async function send(path, options) {
      const init = Object.assign({ credentials: 'same-origin', headers: { accept: 'application/json' } }, options || {});
      if (init.json !== undefined) {
        init.body = JSON.stringify(init.json);
        init.headers = Object.assign({ 'content-type': 'application/json' }, init.headers);
        delete init.json;
      }
      const res = await fetch(path, init);
      if (res.status === 401) { session.needToken(); throw new ApiError(401, 'Sign in with a token to see this.'); }
      if (!res.ok) {
        let message = res.status + ' ' + res.statusText;
        try { const body = await res.json(); if (body && body.error && body.error.message) message = body.error.message; } catch (e) { /* not JSON */ }
        throw new ApiError(res.status, message);
      }
      return res;
    }
    function failed(container, err) {
      add(container, h('p', { class: 'error-text', role: 'alert' }, 'Could not load: ' + err.message));
    }
    // Runs `fn` once, `ms` after the first of a burst of calls: at most once per `ms`, and never
    // starved by a steady stream of calls.
    function throttle(fn, ms) {
      let timer = null;
      return () => { if (timer === null) timer = setTimeout(() => { timer = null; fn(); }, ms); };
    }

    // Sign-in: asks for the token once; the server keeps it in an HttpOnly cookie.
    const session = {
      required: false,
      async check() {
        const s = await api('/api/auth/session');
        this.required = s.authRequired;
        this.render(s.authenticated);
        return s.authenticated;
      },
      render(signedIn) {
        const box = clear(document.getElementById('session'));
        if (this.required && signedIn) {
          add(box, h('button', { type: 'button', onclick: () => this.signOut() }, 'Sign out'));
        }
      },
      needToken() { if (!this.asking) { this.asking = true; showLogin(); } },
      async signOut() {
        await api('/api/auth/cookie', { method: 'DELETE' });
        this.render(false);
        this.needToken();
      },
    };
    function showLogin(message) {
      router.stop();
      const main = clear(document.getElementById('main'));
      const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true });
      const error = h('p', { class: 'error-text', role: 'alert', id: 'login-error' }, message || '');
      const form = h('form', { class: 'login', id: 'login' },
        h('h1', {}, 'Sign in'),
        h('p', { class: 'muted' }, 'This Callboard needs an access token (backend.auth.externalAccess). It is kept in an HttpOnly cookie for this browser.'),
        h('label', { for: 'token' }, 'Access token'), input, error,
        h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await api('/api/auth/cookie', { method: 'POST', json: { token: input.value } });
          session.asking = false;
          session.render(true);
          router.show();
        } catch (err) {
          error.textContent = err.status === 401 ? 'That token is not valid.' : err.message;
          session.asking = true;
        }
      });
      add(main, form);
      input.focus();
    }

    // Hash routes: #/catalog?…, #/entity/k/ns/n, #/events, #/event/id, #/providers, #/scheduler.
    const views = {};
    const router = {
      cleanup: null,
      stop() { if (this.cleanup) { try { this.cleanup(); } catch (e) { /* ignore */ } this.cleanup = null; } },
      parse() {
        const hash = location.hash.replace(/^#\/?/, '');
        const [path, query] = hash.split('?');
        const parts = path.split('/').filter(x => x).map(decodeURIComponent);
        return { section: parts[0] || 'catalog', args: parts.slice(1), query: new URLSearchParams(query || '') };
      },
      show() {
        this.stop();
        say('');
        const route = this.parse();
        const section = { entity: 'catalog', event: 'events' }[route.section] || route.section;
        for (const a of document.querySelectorAll('header nav a')) {
          if (a.dataset.section === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
        }
        const view = views[route.section] || views.catalog;
        const main = clear(document.getElementById('main'));
        this.cleanup = view(main, route) || null;
      },
    };
    function setTitle(main, text, subtitle) {
      document.title = text + ' · Callboard';
      add(main, h('h1', {}, text));
      if (subtitle) add(main, h('p', { class: 'sub' }, subtitle));
    }
    // An EventSource that the view's cleanup closes; shows its state in `dot`.
    function live(url, handlers, dot) {
      const source = new EventSource(url);
      for (const [name, fn] of Object.entries(handlers)) {
        source.addEventListener(name, (ev) => { let data = null; try { data = JSON.parse(ev.data); } catch (e) { return; } fn(data, name); });
      }
      if (dot) {
        source.addEventListener('open', () => { dot.className = 'live-dot on'; dot.title = 'live'; });
        source.addEventListener('error', () => { dot.className = 'live-dot'; dot.title = 'reconnecting'; });
      }
      return source;
    }
    """#
}
