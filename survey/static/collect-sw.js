/* Proximité: the service worker of assisted mode (issue 26), scoped to its path. It keeps
   the assisted pages and their static files, and answers from them when the network fails.
   Network first: a page online is always the server's newest. Posts are never touched. */
'use strict';
const CACHE = 'proximite-assisted-1';
const SCOPE = new URL('./', self.location).pathname;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  const files = event.data && Array.isArray(event.data.keep) ? event.data.keep : [];
  const own = files.filter((url) => { try { return new URL(url).origin === self.location.origin; } catch (e) { return false; } });
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(own.map((url) =>
    fetch(url, { credentials: 'same-origin', cache: 'no-store' })
      .then((answer) => (answer.ok && !answer.redirected ? cache.put(url, answer) : undefined))
      .catch(() => undefined)))));
});
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith(SCOPE) && !url.pathname.startsWith('/static/')) return;
  event.respondWith(fetch(request).then((answer) => {
    if (answer.ok && !answer.redirected && answer.type === 'basic') {
      const copy = answer.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return answer;
  }).catch(() => caches.match(request).then((found) => found || Response.error())));
});
