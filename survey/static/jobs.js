/* Proximité: a background job's progress, kept up to date (the job page). An optional
   enhancement: without this script the page shows the progress when it was opened, and
   reloading it shows the latest. Asks the job's JSON status every second until it ends. */
(() => {
  'use strict';
  const start = () => {
    const box = document.querySelector('[data-job-status]');
    if (!box) return;
    const bar = box.querySelector('progress');
    const message = box.querySelector('[data-job-message]');
    const download = box.querySelector('[data-job-download]');
    const reload = box.querySelector('[data-job-reload]');
    const show = (status) => {
      bar.value = status.percent;
      bar.textContent = `${status.percent} %`;
      if (message.textContent !== status.message) message.textContent = status.message;
      if (status.download) {
        download.querySelector('a').href = status.download;
        download.hidden = false;
      }
      if (status.finished && reload) reload.hidden = true;
    };
    const poll = () => {
      fetch(box.getAttribute('data-job-status'), { credentials: 'same-origin',
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
