/* Proximité: a background job's progress, kept up to date: a job's page, and a results page
   whose indicators a job is computing. An optional enhancement: without this script the page
   shows the progress when it was opened, and reloading it shows the latest. Asks the job's JSON
   status (data-job-status) every second until it ends; then shows the file's link
   (data-job-download), hides the hint to reload (data-job-hint), and either reloads the page
   (data-job-done="reload": a results page's first figures, or their failure, appear by
   themselves) or offers a link (data-job-link: newer figures replacing shown ones). */
(() => {
  'use strict';
  const follow = (box) => {
    const bar = box.querySelector('progress');
    const message = box.querySelector('[data-job-message]');
    const download = box.querySelector('[data-job-download]');
    const hint = box.querySelector('[data-job-hint]');
    const link = box.querySelector('[data-job-link]');
    const reload = box.getAttribute('data-job-done') === 'reload';
    const show = (status) => {
      if (bar) {
        bar.value = status.percent;
        bar.textContent = `${status.percent} %`;
      }
      if (message && message.textContent !== status.message) message.textContent = status.message;
      if (download && status.download) {
        download.querySelector('a').href = status.download;
        download.hidden = false;
      }
      if (!status.finished) return;
      if (hint) hint.hidden = true;
      if (reload) window.location.reload();
      else if (link && !status.failed) link.hidden = false;
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
  const start = () => document.querySelectorAll('[data-job-status]').forEach(follow);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
