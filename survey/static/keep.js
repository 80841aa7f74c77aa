/* Proximité: nothing typed is lost on a weak connection. The page's unsent answers are kept in
   sessionStorage as they are typed (this tab only; cleared once a post is saved) and put
   back after a reload. "Next", "Previous" and "Save" are posted with fetch: if the network
   fails, a plain message says so and the same post is sent again when the connection is back
   (the "online" event, or a retry every 20 s); a second tap never sends a second post.
   One tap costs one POST and one GET: a saved post is answered "204, go to X-Keep-Location"
   (survey/keep.py) and the script opens that page; a refused post (422, its reasons) is drawn
   in place of this page from the fetch's own answer, at the same address, focus on the error
   summary. Without this script the form posts as usual. No inline code: fine under
   script-src 'self'. */
(() => {
  'use strict';
  const RETRY_MS = 20000;
  const start = () => {
    const store = (() => { try { return window.sessionStorage; } catch (e) { return null; } })();
    if (store && document.querySelector('[data-forget-drafts]')) {
      // a response ends or a new one starts (a shared phone): no draft may outlive it
      try {
        for (const name of Object.keys(store)) if (name.startsWith('proximite-draft:')) store.removeItem(name);
      } catch (e) { /* ignore */ }
    }
    const form = document.querySelector('form[data-keep]');
    if (!form || !window.fetch || !window.FormData || !window.URLSearchParams
      || !window.DOMParser || !window.AbortController) return;
    const gone = new AbortController();  // aborted when a refused page takes this one's place
    const note = document.querySelector('[data-offline-note]');
    const key = 'proximite-draft:' + location.pathname;
    const fields = () => Array.from(form.elements).filter((el) => el.name && el.name !== 'csrf_token'
      && !/^(submit|button|reset|image|file)$/.test(el.type));

    const save = () => {
      if (!store) return;
      const pairs = [];
      for (const el of fields()) {
        if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) continue;
        pairs.push([el.name, el.value]);
      }
      try { store.setItem(key, JSON.stringify(pairs)); } catch (e) { /* storage full: skip */ }
    };
    const forget = () => { if (store) try { store.removeItem(key); } catch (e) { /* ignore */ } };
    const restore = () => {
      let pairs = null;
      try { pairs = store && JSON.parse(store.getItem(key) || 'null'); } catch (e) { pairs = null; }
      if (!Array.isArray(pairs)) return;
      const queue = {};  // name -> values left to give (several fields may share a name)
      const chosen = new Set();
      for (const pair of pairs) {
        if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') continue;
        (queue[pair[0]] = queue[pair[0]] || []).push(pair[1]);
        chosen.add(JSON.stringify(pair));
      }
      for (const el of fields()) {
        if (el.type === 'checkbox' || el.type === 'radio') {
          el.checked = chosen.has(JSON.stringify([el.name, el.value]));
        } else {
          const left = queue[el.name] || [];
          el.value = left.length ? left.shift() : '';
        }
      }
      form.dispatchEvent(new Event('change', { bubbles: true }));  // the relevance script updates
    };

    let pending = null;  // the body to post (kept until the server has answered)
    let busy = false;
    let timer = null;
    const show = (on) => { if (note) note.hidden = !on; };
    const wait = () => {  // no answer: offline or the connection dropped
      busy = false;
      show(true);
      if (note) note.focus();
      clearTimeout(timer);
      timer = setTimeout(send, RETRY_MS);
    };
    const postPlainly = () => {  // an answer this script cannot show: the ordinary post
      const nav = document.createElement('input');
      nav.type = 'hidden';
      nav.name = 'nav';
      nav.value = new URLSearchParams(pending).get('nav') || 'next';
      form.appendChild(nav);
      HTMLFormElement.prototype.submit.call(form);
    };
    // The refused page, as the server rendered it, in place of this one: same address, so no
    // history entry (a reload shows the page with the draft). Its scripts run again (from the
    // cache), the focus goes to its error summary (role="alert") so it is read out at once.
    const showRefused = (html) => {
      const doc = new DOMParser().parseFromString(html, 'text/html');
      if (!doc.body || !doc.body.firstElementChild) { postPlainly(); return; }
      gone.abort();
      clearTimeout(timer);
      const body = document.adoptNode(doc.body);
      for (const old of Array.from(body.querySelectorAll('script[src]'))) {
        const script = document.createElement('script');
        for (const attr of Array.from(old.attributes)) script.setAttribute(attr.name, attr.value);
        script.async = false;  // in page order, as "defer" does
        old.replaceWith(script);
      }
      document.title = doc.title;
      if (doc.documentElement.lang) document.documentElement.lang = doc.documentElement.lang;
      document.body.replaceWith(body);
      const focus = body.querySelector('#error-summary, [autofocus]') || body.querySelector('h1');
      if (focus) {
        if (!focus.hasAttribute('tabindex')) focus.setAttribute('tabindex', '-1');
        focus.focus();
      }
    };
    const send = () => {
      if (busy || pending === null) return;
      busy = true;
      fetch(form.getAttribute('action') || location.href, {
        method: 'POST', body: pending, credentials: 'same-origin', redirect: 'follow',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Keep': '1' },
      }).then((response) => {
        const next = response.headers.get('X-Keep-Location') || (response.redirected && response.url);
        if (next) {  // saved: on to the page the server chose
          forget();
          pending = null;
          location.assign(new URL(next, location.href).href);
          return undefined;
        }
        // Refused (nothing was stored): the draft stays until a post is saved; it equals what
        // the refused page shows.
        if (!/^text\/html\b/.test(response.headers.get('Content-Type') || '')) {
          postPlainly();
          return undefined;
        }
        return response.text().then(showRefused, wait);
      }, wait);
    };
    window.addEventListener('online', () => { clearTimeout(timer); send(); },
      { signal: gone.signal });
    window.addEventListener('pageshow', (event) => {  // back from the next page, kept in memory
      if (event.persisted) { busy = false; pending = null; }
    }, { signal: gone.signal });

    form.addEventListener('input', save);
    form.addEventListener('change', save);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (busy) return;  // a post is on its way: a second tap never sends a second one
      save();
      const body = new URLSearchParams();
      for (const [name, value] of new FormData(form)) body.append(name, value);
      const button = event.submitter;
      if (button && button.name) body.append(button.name, button.value);
      pending = body.toString();
      send();
    });
    restore();
    form.setAttribute('data-keep', 'ready');  // taken over: posts go through fetch
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
