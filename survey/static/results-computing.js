/* Proximité: a results page whose indicators a background job is computing. An optional
   enhancement: without this script the page says so and offers a link that reloads it. Asks
   the job's JSON status every second; the first figures of a selection appear by themselves
   (the page reloads), newer figures replacing shown ones are offered by a link. */
(() => {
  'use strict';
  const start = () => {
    const box = document.querySelector('[data-results-job]');
    if (!box) return;
    const bar = box.querySelector('progress');
    const message = box.querySelector('[data-results-message]');
    const link = box.querySelector('[data-results-link]');
    const reload = box.getAttribute('data-results-reload') === 'auto';
    const show = (status) => {
      if (bar) {
        bar.value = status.percent;
        bar.textContent = `${status.percent} %`;
      }
      if (message && message.textContent !== status.message) message.textContent = status.message;
      if (status.finished && !status.failed) {
        if (reload) window.location.reload();
        else if (link) link.hidden = false;
      }
    };
    const poll = () => {
      fetch(box.getAttribute('data-results-job'), { credentials: 'same-origin',
                                                   headers: { Accept: 'application/json' } })
        .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
        .then((status) => {
          show(status);
          if (!status.finished) setTimeout(poll, 1000);
        })
        .catch(() => setTimeout(poll, 5000));
    };
    setTimeout(poll, 500);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
