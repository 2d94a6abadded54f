/*
 * The playground's "Token or partner key" box. A token (a JWT: `npm run dev-token -- editor …`) is
 * sent as `Authorization: Bearer`. A partner key (`mk_…`) runs persisted operations only: when the
 * tab holds one of them (the tabs after the examples), the request becomes the GET by id a partner
 * page sends; any other operation goes with the key and the gateway says why it refuses it. The
 * schema docs are always read without credentials. Kept for this browser tab only (sessionStorage).
 */
(() => {
  'use strict';
  const STORE = 'maillage-playground-credential';
  const form = document.getElementById('credentials');
  const field = document.getElementById('credential');
  const state = document.getElementById('credential-state');
  const persisted = JSON.parse(document.getElementById('persisted-operations').textContent);
  const squeeze = (q) => q.replace(/#[^\n]*/g, '').replace(/[\s,]+/g, '');

  function classify(raw) {
    const value = (raw || '').trim().replace(/^Bearer\s+/i, '');
    if (!value) return null;
    if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value)) return { kind: 'token', value };
    return { kind: 'key', value };
  }
  let credential = classify(sessionStorage.getItem(STORE));
  function show() {
    field.value = credential ? credential.value : '';
    state.textContent = !credential
      ? 'Anonymous'
      : credential.kind === 'token'
        ? 'Signed in with a bearer token'
        : 'Partner key: runs the persisted operations (tabs after the examples) by id';
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    credential = classify(field.value);
    if (credential) sessionStorage.setItem(STORE, credential.value);
    else sessionStorage.removeItem(STORE);
    show();
  });
  form.addEventListener('reset', (e) => {
    e.preventDefault();
    credential = null;
    sessionStorage.removeItem(STORE);
    show();
  });
  show();

  const original = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url, location.href);
    if (!credential || url.origin !== location.origin || url.pathname !== '/graphql' || typeof init.body !== 'string')
      return original(input, init);
    let body;
    try {
      body = JSON.parse(init.body);
    } catch {
      return original(input, init);
    }
    if (/\b__schema\b/.test(body.query || '')) return original(input, init);
    const headers = new Headers(init.headers);
    if (credential.kind === 'token') {
      headers.set('authorization', `Bearer ${credential.value}`);
      return original(input, { ...init, headers });
    }
    const op = persisted.find((o) => o.squeezed === squeeze(body.query || ''));
    if (!op) {
      headers.set('x-api-key', credential.value);
      return original(input, { ...init, headers });
    }
    const get = new URL('/graphql', location.href);
    get.searchParams.set('id', op.id);
    if (body.variables) get.searchParams.set('variables', JSON.stringify(body.variables));
    get.searchParams.set('key', credential.value);
    return original(get.href, { headers: { accept: 'application/graphql-response+json, application/json' }, signal: init.signal });
  };
})();
