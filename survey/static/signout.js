/* Proximité: before signing out, a navigator is warned when sealed responses still wait to be
   sent from this device (they stay there, but are sent only once someone signs in again). */
(() => {
  'use strict';
  const start = () => {
    const form = document.querySelector('form[data-signout]');
    if (!form || !window.indexedDB) return;
    let confirmed = false;
    form.addEventListener('submit', (event) => {
      if (confirmed) return;
      event.preventDefault();
      const go = () => { confirmed = true; form.submit(); };
      const request = indexedDB.open('proximite-collect', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('outbox', { keyPath: 'key' });
      request.onerror = go;
      request.onsuccess = () => {
        const db = request.result;
        const all = db.transaction('outbox').objectStore('outbox').getAll();
        all.onerror = () => { db.close(); go(); };
        all.onsuccess = () => {
          db.close();
          const waiting = all.result.filter((r) => r.state === 'waiting').length;
          if (!waiting || window.confirm(waiting === 1 ? form.getAttribute('data-signout-one')
            : form.getAttribute('data-signout').replace('__N__', String(waiting)))) go();
        };
      };
    });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
