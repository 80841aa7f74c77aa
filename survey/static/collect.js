/* Proximité: a navigator's queue of sealed responses (issue 26). A finished response is
   encrypted here with the evaluation's public key (RSA-OAEP wrapping a fresh AES-GCM key)
   before it is stored in IndexedDB: neither the device nor the navigator can read it back.
   Sent when the connection allows, with an idempotency key: the server stores it once. */
(() => {
  'use strict';
  const DB = 'proximite-collect', STORE = 'outbox', WAITING = 'waiting', REFUSED = 'refused';
  const b64 = (buffer) => {
    let s = '';
    for (const byte of new Uint8Array(buffer)) s += String.fromCharCode(byte);
    return btoa(s);
  };
  const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const open = () => new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const run = (mode, work) => open().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(result && 'result' in result ? result.result : undefined); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  }));
  const all = () => run('readonly', (store) => store.getAll());
  const put = (record) => run('readwrite', (store) => store.put(record));
  const remove = (key) => run('readwrite', (store) => store.delete(key));

  // seal: the payload encrypted with a fresh AES-GCM key, the key wrapped with RSA-OAEP
  const seal = async (publicKey, payload) => {
    const subtle = crypto.subtle;
    const rsa = await subtle.importKey('spki', unb64(publicKey), { name: 'RSA-OAEP', hash: 'SHA-256' },
      false, ['wrapKey']);
    const aes = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await subtle.encrypt({ name: 'AES-GCM', iv }, aes,
      new TextEncoder().encode(JSON.stringify(payload)));
    const wrapped = await subtle.wrapKey('raw', aes, rsa, { name: 'RSA-OAEP' });
    return { wrapped: b64(wrapped), iv: b64(iv), data: b64(data) };
  };
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID()
    : b64(crypto.getRandomValues(new Uint8Array(18))).replace(/\+/g, '-').replace(/\//g, '_'));

  // queue a finished response: only its sealed form is kept
  const queue = async (meta, publicKey, payload) => {
    const sealed = await seal(publicKey, payload);
    await put({ key: payload.key, evaluation: meta.evaluation, campaign: meta.campaign,
      url: meta.url, state: WAITING, ...sealed });
  };

  let sending = null;
  const sendOne = async (record, token) => {
    const answer = await fetch(record.url, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
      body: JSON.stringify({ format: 1, key: record.key, wrapped: record.wrapped, iv: record.iv, data: record.data }),
    });
    const json = (answer.headers.get('Content-Type') || '').includes('application/json');
    if (answer.ok && json) { await remove(record.key); return true; }
    if ((answer.status === 400 || answer.status === 422) && json) {
      // the server opened it and refused it: kept sealed, counted apart, never sent again
      const body = await answer.json().catch(() => ({}));
      await put({ ...record, state: REFUSED, reason: String(body.error || '') });
      return true;
    }
    return false;  // signed out, closed campaign, too many, server down: later
  };
  // send what waits, one at a time; one run at a time in this page
  const sync = (tokenUrl) => {
    if (sending) return sending;
    sending = (async () => {
      const waiting = (await all()).filter((r) => r.state === WAITING);
      if (!waiting.length || !navigator.onLine) return;
      const reply = await fetch(tokenUrl, { credentials: 'same-origin', cache: 'no-store' });
      if (!reply.ok || !(reply.headers.get('Content-Type') || '').includes('application/json')) return;
      const token = (await reply.json()).csrf;
      for (const record of waiting) if (!(await sendOne(record, token))) break;
    })().catch(() => undefined).finally(() => { sending = null; changed(); });
    return sending;
  };
  const counts = async () => {
    const records = await all();
    const by = {};
    let waiting = 0, refused = 0;
    for (const r of records) {
      if (r.state === WAITING) { waiting += 1; by[r.campaign] = (by[r.campaign] || 0) + 1; } else refused += 1;
    }
    return { waiting, refused, byCampaign: by };
  };
  const listeners = [];
  const changed = () => counts().then((c) => listeners.forEach((f) => f(c))).catch(() => undefined);
  const watch = (f) => { listeners.push(f); changed(); };
  const words = (el, n) => (n === 0 ? el.getAttribute('data-none') : n === 1 ? el.getAttribute('data-one')
    : el.getAttribute('data-many').replace('__N__', String(n)));
  // what a page shows: the count waiting, those refused, and each campaign's on the home page
  const show = (root) => {
    watch((c) => {
      const waiting = root.querySelector('[data-waiting]');
      if (waiting) { waiting.textContent = words(root, c.waiting); waiting.hidden = false; }
      const note = root.querySelector('[data-refused-note]') || document.querySelector('[data-refused-note]');
      if (note) {
        note.hidden = !c.refused;
        note.textContent = root.getAttribute('data-refused').replace('__N__', String(c.refused));
      }
      for (const cell of document.querySelectorAll('[data-waiting-campaign]')) {
        cell.textContent = String(c.byCampaign[cell.getAttribute('data-waiting-campaign')] || 0);
      }
    });
    const token = root.getAttribute('data-token');
    const again = () => sync(token);
    window.addEventListener('online', again);
    setInterval(again, 15000);
    again();
  };
  window.ProximiteCollect = { queue, sync, counts, watch, changed, show, newKey, all };
  const start = () => {
    const home = document.querySelector('[data-collect-home]');
    if (home) show(home);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
