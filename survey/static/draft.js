/* Proximité: the assisted interview in progress, kept on the device (issue 26) so that a
   reload, a crash of the browser or a closed tab does not lose it. One draft per campaign,
   in IndexedDB, encrypted at rest with an AES-GCM key that Web Crypto made non-extractable
   and that is kept in IndexedDB too: the stored record is not readable text on the disk, but
   a script running in this origin (with the navigator's session) can still decrypt it.
   Deleted the moment the response is sealed ("Finish") or the interview discarded. */
(() => {
  'use strict';
  const DB = 'proximite-drafts', DRAFTS = 'drafts', KEYS = 'keys', KEY_ID = 'draft-key';
  const open = () => new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(DRAFTS, { keyPath: 'campaign' });
      request.result.createObjectStore(KEYS, { keyPath: 'id' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const run = (store, mode, work) => open().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const result = work(tx.objectStore(store));
    tx.oncomplete = () => { db.close(); resolve(result && 'result' in result ? result.result : undefined); };
    tx.onerror = () => { db.close(); reject(tx.error); };
    tx.onabort = () => { db.close(); reject(tx.error); };
  }));

  // the device's draft key: made once, never extractable; the first one stored wins
  let keyPromise = null;
  const deviceKey = () => {
    if (!keyPromise) {
      keyPromise = (async () => {
        const found = await run(KEYS, 'readonly', (store) => store.get(KEY_ID));
        if (found) return found.key;
        const made = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false,
          ['encrypt', 'decrypt']);
        await run(KEYS, 'readwrite', (store) => store.add({ id: KEY_ID, key: made })).catch(() => undefined);
        const kept = await run(KEYS, 'readonly', (store) => store.get(KEY_ID));
        return kept ? kept.key : made;
      })();
      keyPromise.catch(() => { keyPromise = null; });
    }
    return keyPromise;
  };

  // keep the state of the interview of ``campaign``: only ciphertext is stored
  const save = async (campaign, state) => {
    const key = await deviceKey();
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key,
      new TextEncoder().encode(JSON.stringify(state)));
    await run(DRAFTS, 'readwrite', (store) => store.put({ campaign, iv, data, saved: Date.now() }));
  };
  // the state kept for ``campaign``; null when there is none, {unreadable: true} when it
  // cannot be decrypted any more (its key was deleted)
  const load = async (campaign) => {
    const record = await run(DRAFTS, 'readonly', (store) => store.get(campaign));
    if (!record) return null;
    try {
      const key = await deviceKey();
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv }, key, record.data);
      return JSON.parse(new TextDecoder().decode(plain));
    } catch (e) {
      return { unreadable: true };
    }
  };
  const remove = (campaign) => run(DRAFTS, 'readwrite', (store) => store.delete(campaign));
  const count = () => run(DRAFTS, 'readonly', (store) => store.count());
  window.ProximiteDraft = { save, load, remove, count };
})();
