/* Proximité: copy and share buttons for the private link (continue-later and thank-you pages).
   An optional enhancement: without this script the whole link is shown and can be copied by
   hand. No inline code, so the page keeps its strict CSP (script-src 'self'). */
(() => {
  'use strict';
  const start = () => {
    const box = document.querySelector('[data-share]');
    const link = document.getElementById('resume-link');
    if (!box || !link) return;
    const copy = box.querySelector('[data-copy]');
    const send = box.querySelector('[data-send]');
    const status = box.querySelector('[data-status]');
    const say = (text) => { status.textContent = ''; setTimeout(() => { status.textContent = text; }, 50); };
    const select = () => {  // the fallback: select the link's text, as a long press would
      const range = document.createRange();
      range.selectNodeContents(link);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    };
    copy.addEventListener('click', () => {
      const done = () => say(copy.getAttribute('data-done'));
      const failed = () => { select(); say(copy.getAttribute('data-failed')); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link.textContent.trim()).then(done, failed);
        return;
      }
      select();
      let copied = false;
      try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
      if (copied) done(); else failed();
    });
    if (typeof navigator.share === 'function') {
      send.hidden = false;
      send.addEventListener('click', () => {
        navigator.share({ title: send.getAttribute('data-title'), url: link.textContent.trim() }).catch(() => {});
      });
    }
    box.hidden = false;
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
