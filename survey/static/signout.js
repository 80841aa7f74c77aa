/* Proximité: before signing out, a navigator is warned when sealed responses still wait to be
   sent from this device (they stay there, but are sent only once someone signs in again), and
   when an assisted interview in progress is kept on it (draft.js): signing out discards it,
   so that the next person to use the device cannot restore it. */
(() => {
  'use strict';
  // how many records a store of a database holds (0 when it cannot say)
  const count = (name, store, keyPath, filter) => new Promise((resolve) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(store, { keyPath });
      if (name === 'proximite-drafts') request.result.createObjectStore('keys', { keyPath: 'id' });
    };
    request.onerror = () => resolve(0);
    request.onsuccess = () => {
      const db = request.result;
      let all;
      try { all = db.transaction(store).objectStore(store).getAll(); } catch (e) { db.close(); resolve(0); return; }
      all.onerror = () => { db.close(); resolve(0); };
      all.onsuccess = () => { db.close(); resolve(all.result.filter(filter).length); };
    };
  });
  // every interview in progress on this device deleted (draft.js's store)
  const clear = () => new Promise((resolve) => {
    const request = indexedDB.open('proximite-drafts', 1);
    request.onerror = () => resolve();
    request.onsuccess = () => {
      const db = request.result;
      try {
        const tx = db.transaction('drafts', 'readwrite');
        tx.objectStore('drafts').clear();
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => { db.close(); resolve(); };
      } catch (e) { db.close(); resolve(); }
    };
  });
  const start = () => {
    const form = document.querySelector('form[data-signout]');
    if (!form || !window.indexedDB) return;
    let confirmed = false;
    form.addEventListener('submit', (event) => {
      if (confirmed) return;
      event.preventDefault();
      const go = () => { confirmed = true; form.submit(); };
      Promise.all([
        count('proximite-collect', 'outbox', 'key', (r) => r.state === 'waiting'),
        count('proximite-drafts', 'drafts', 'campaign', () => true),
      ]).then(([waiting, drafts]) => {
        const said = [];
        if (waiting) {
          said.push(waiting === 1 ? form.getAttribute('data-signout-one')
            : form.getAttribute('data-signout').replace('__N__', String(waiting)));
        }
        if (drafts) said.push(form.getAttribute('data-signout-draft'));
        if (said.length && !window.confirm(said.join('\n\n'))) return;
        if (drafts) clear().then(go, go); else go();
      }, go);
    });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
