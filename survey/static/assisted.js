/* Proximité: assisted mode (issue 26). Every page of the questionnaire is in this one page,
   rendered by the server with the participant pages' templates; this script shows them one at
   a time (relevance by relevance.js), records the oral consent, and when the person finishes,
   seals the answers (collect.js) and forgets them. Works offline once loaded: a service worker
   keeps this page and its files. The server checks every page again when it stores them.
   The interview in progress is kept on the device, encrypted (draft.js), as it goes: a
   reload or a crash restores it; it is deleted once sealed or discarded. */
(() => {
  'use strict';
  const start = () => {
    const root = document.querySelector('[data-assisted]');
    const Collect = window.ProximiteCollect, Relevance = window.ProximiteRelevance;
    const Draft = window.ProximiteDraft;
    if (!root || !Collect || !Relevance || !window.ProximiteRepeats || !window.ProximiteChecks
      || !window.crypto || !crypto.subtle || !window.indexedDB) return;
    root.hidden = false;
    const $ = (selector) => root.querySelector(selector);
    const form = $('[data-pages]'), consent = $('[data-step="consent"]'), done = $('[data-step="done"]');
    const pages = Array.from(form.querySelectorAll('[data-page]'));
    const repeats = window.ProximiteRepeats.setup(form, Relevance);  // repeated pages' blocks
    const checks = window.ProximiteChecks.setup(form, Relevance);  // constraints, type rules
    const trees = new Map(pages.map((page) => {
      let tree = null;
      try { tree = JSON.parse(page.getAttribute('data-page-relevant') || 'null'); } catch (e) { tree = null; }
      return [page, tree];
    }));
    const problem = $('[data-problem]'), oral = $('#oral'), oralError = $('[data-consent-error]');
    const next = $('[data-next]'), finish = $('[data-finish]'), back = $('[data-back]');
    const panel = $('[data-step="panel"]');
    const panelInputs = panel ? Array.from(panel.querySelectorAll('[data-panel]')) : [];
    let current = -1, busy = false, code = null;
    let interview = null;  // {key, started}: the interview in progress (kept by keepDraft)

    const relevant = (page) => {
      if (repeats.shown(page) === 0) return false;  // a repeated page whose count is 0
      const tree = trees.get(page);
      if (!tree) return true;
      try { return Relevance.truthy(Relevance.evaluate(tree, Relevance.answers || {})); } catch (e) { return true; }
    };
    const shown = () => pages.filter(relevant);
    const step = (from, by) => {
      for (let i = from + by; i >= 0 && i < pages.length; i += by) if (relevant(pages[i])) return i;
      return -1;
    };
    const focus = (el) => { window.scrollTo(0, 0); if (el) el.focus(); };
    const show = (index) => {
      current = index;
      pages.forEach((page, i) => { page.hidden = i !== index; });
      const page = pages[index], list = shown();
      page.querySelector('[data-progress]').textContent = root.getAttribute('data-progress-words')
        .replace('__NUMBER__', String(list.indexOf(page) + 1)).replace('__TOTAL__', String(list.length));
      const last = step(index, 1) === -1;
      next.hidden = last; finish.hidden = !last;
      back.hidden = step(index, -1) === -1;
      problem.hidden = true;
      focus(page.querySelector('h1'));
    };
    // what the page says must be answered: required questions shown, values the browser refuses,
    // and what the server would refuse (checks); true, or the first input with a refusal's words
    const complete = (page) => {
      let ok = true, first = null;
      for (const item of page.querySelectorAll('[data-item]')) {
        if (item.hidden || item.closest('[hidden]') !== page.closest('[hidden]')) continue;
        const inputs = Array.from(item.querySelectorAll('input[name], select[name], textarea[name]'));
        let answered = true;
        if (item.querySelector('.req')) {
          const radios = new Set(inputs.filter((i) => i.type === 'radio').map((i) => i.name));
          if (radios.size) answered = Array.from(radios).every((name) => inputs.some((i) => i.name === name && i.checked));
          else answered = inputs.some((i) => ((i.type === 'checkbox') ? i.checked : i.value.trim() !== ''));
        }
        const refused = checks.check(item);
        if (refused && !first) first = inputs.find((i) => !i.disabled) || null;
        const valid = !refused && inputs.every((i) => i.checkValidity());
        item.classList.toggle('has-error', !(answered && valid));
        for (const input of inputs) {
          if (answered && valid) input.removeAttribute('aria-invalid'); else input.setAttribute('aria-invalid', 'true');
        }
        ok = ok && answered && valid;
      }
      return ok || first;
    };
    const check = () => {
      const found = complete(pages[current]);
      if (found === true) return true;
      problem.hidden = false;
      focus(found || problem);  // a refusal's words are beside its question: the focus goes there
      return false;
    };
    // every input's values by page, as a posted page carries them
    const values = () => {
      const found = {};
      for (const page of pages) {
        const inputs = {};
        for (const el of page.querySelectorAll('input[name], select[name], textarea[name]')) {
          if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
          if (el.type === 'radio' || el.type === 'checkbox' || el.value !== '') {
            (inputs[el.name] = inputs[el.name] || []).push(el.value);
          }
        }
        found[page.getAttribute('data-page')] = inputs;
      }
      return found;
    };
    const reset = () => {
      form.reset();
      form.dispatchEvent(new Event('change'));
      for (const item of form.querySelectorAll('.has-error')) item.classList.remove('has-error');
      checks.clear();
      repeats.reset();
      oral.checked = false;
      for (const input of panelInputs) { input.value = ''; input.removeAttribute('aria-invalid'); }
      code = null;
      current = -1;
    };
    const meta = {
      evaluation: Number(root.getAttribute('data-evaluation')),
      campaign: Number(root.getAttribute('data-campaign')),
      url: root.getAttribute('data-send'),
    };
    const close = async () => {
      if (busy || !check()) return;
      busy = true;
      const key = (interview && interview.key) || Collect.newKey();
      const payload = {
        format: 1, key, campaign: meta.campaign, version: root.getAttribute('data-version'),
        language: root.getAttribute('data-language'), consent: 'oral', pages: values(),
        occurrences: repeats.occurrences(), panel: code, ...interviewDates(),
      };
      try {
        await Collect.queue(meta, root.getAttribute('data-key'), payload);
      } finally {
        busy = false;
      }
      await forget();  // sealed: the draft goes at once
      reset();  // the answers leave this page: only the sealed copy remains
      form.hidden = true;
      done.hidden = false;
      focus(done.querySelector('h1'));
      Collect.changed();
      Collect.sync(root.getAttribute('data-token'));
    };

    $('[data-begin]').addEventListener('click', () => {
      if (!oral.checked) {
        oralError.hidden = false;
        oral.setAttribute('aria-invalid', 'true');
        oral.setAttribute('aria-describedby', 'e-oral');
        oral.focus();
        return;
      }
      oralError.hidden = true;
      oral.removeAttribute('aria-invalid');
      consent.hidden = true;
      if (panel) { panel.hidden = false; focus(panel.querySelector('h1')); return; }
      form.hidden = false;
      show(step(-1, 1));
    });
    // the panel-code questions: answered, or "Prefer not to say" (no code); only the
    // answers travel, sealed with the rest, and the server keeps their keyed hash alone
    const questionnaire = () => {
      panel.hidden = true;
      form.hidden = false;
      show(step(-1, 1));
    };
    if (panel) {
      const problemPanel = $('[data-panel-problem]');
      $('[data-panel-continue]').addEventListener('click', () => {
        const empty = panelInputs.filter((input) => !input.value.trim());
        for (const input of panelInputs) {
          if (empty.includes(input)) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
        }
        if (empty.length) { problemPanel.hidden = false; focus(problemPanel); return; }
        problemPanel.hidden = true;
        code = {};
        for (const input of panelInputs) code[input.name] = input.value;
        questionnaire();
      });
      $('[data-panel-skip]').addEventListener('click', () => {
        for (const input of panelInputs) input.value = '';
        code = null;
        problemPanel.hidden = true;
        questionnaire();
      });
    }
    next.addEventListener('click', () => { if (check()) show(step(current, 1)); });
    back.addEventListener('click', () => show(step(current, -1)));
    finish.addEventListener('click', close);
    form.addEventListener('submit', (event) => { event.preventDefault(); });
    form.addEventListener('change', () => { if (current >= 0) { const last = step(current, 1) === -1; next.hidden = last; finish.hidden = !last; } });
    $('[data-again]').addEventListener('click', () => {
      done.hidden = true;
      consent.hidden = false;
      focus(consent.querySelector('h1'));
    });

    // -- the interview in progress, kept on the device (draft.js) ------------------------------
    function interviewDates() {
      // the device's clock: the server believes it only when plausible
      return { started: interview ? interview.started : new Date().toISOString(), finished: new Date().toISOString() };
    }
    function draftState() {
      const step = !form.hidden ? 'pages' : (panel && !panel.hidden ? 'panel' : null);
      if (!interview || !step) return null;
      const typed = {};
      for (const input of panelInputs) typed[input.name] = input.value;
      return {
        version: root.getAttribute('data-version'), account: root.getAttribute('data-account'),
        key: interview.key, started: interview.started, step,
        page: current >= 0 ? pages[current].getAttribute('data-page') : null,
        pages: values(), occurrences: repeats.occurrences(), panelTyped: typed, code,
      };
    }
    let saving = Promise.resolve(), pending = null;
    function keepDraft() {
      if (pending) { clearTimeout(pending); pending = null; }
      const state = draftState();
      if (!state || !Draft) return saving;
      saving = saving.then(() => Draft.save(meta.campaign, state)).catch(() => undefined);
      return saving;
    }
    function keepSoon() {
      if (pending) clearTimeout(pending);
      pending = setTimeout(keepDraft, 400);
    }
    function forget() {
      if (pending) { clearTimeout(pending); pending = null; }
      interview = null;
      if (!Draft) return Promise.resolve();
      saving = saving.then(() => Draft.remove(meta.campaign)).catch(() => undefined);
      return saving;
    }
    // put a page's inputs back as values() took them
    function fill(saved) {
      for (const page of pages) {
        const inputs = saved[page.getAttribute('data-page')] || {};
        const seen = {};
        for (const el of page.querySelectorAll('input[name], select[name], textarea[name]')) {
          const given = Array.isArray(inputs[el.name]) ? inputs[el.name].map(String) : [];
          if (el.type === 'radio' || el.type === 'checkbox') { el.checked = given.includes(el.value); continue; }
          const n = seen[el.name] || 0;
          seen[el.name] = n + 1;
          if (n < given.length) el.value = given[n];
        }
      }
    }
    function restore(state) {
      interview = { key: state.key, started: state.started };
      code = state.code && typeof state.code === 'object' ? state.code : null;
      oral.checked = true;
      consent.hidden = true;
      done.hidden = true;
      for (const input of panelInputs) input.value = (state.panelTyped || {})[input.name] || '';
      repeats.restore(state.occurrences);  // the blocks added, before their inputs are filled
      fill(state.pages || {});
      form.dispatchEvent(new Event('change'));  // relevance follows the answers restored
      if (state.step === 'panel' && panel) { panel.hidden = false; focus(panel.querySelector('h1')); return; }
      form.hidden = false;
      const index = pages.findIndex((page) => page.getAttribute('data-page') === state.page);
      show(index >= 0 && relevant(pages[index]) ? index : step(-1, 1));
    }
    function toConsent() {
      reset();
      form.hidden = true;
      if (panel) panel.hidden = true;
      done.hidden = true;
      consent.hidden = false;
      focus(consent.querySelector('h1'));
    }
    function drafts() {
      const restored = $('[data-draft-restored]'), older = $('[data-draft-older]'), other = $('[data-draft-other]');
      if (!Draft || !restored) return;
      const discard = (note) => {
        if (!window.confirm(root.getAttribute('data-draft-confirm'))) return;
        forget().then(() => { note.hidden = true; toConsent(); });
      };
      restored.querySelector('[data-draft-discard]').addEventListener('click', () => discard(restored));
      older.querySelector('[data-draft-discard]').addEventListener('click', () => discard(older));
      // the interview starts with the consent: from then on it is kept as it goes
      $('[data-begin]').addEventListener('click', () => {
        if (!consent.hidden) return;  // not agreed
        interview = { key: Collect.newKey(), started: new Date().toISOString() };
        restored.hidden = true; older.hidden = true; other.hidden = true;
        keepDraft();
      });
      for (const selector of ['[data-next]', '[data-back]', '[data-panel-continue]', '[data-panel-skip]']) {
        const button = $(selector);
        if (button) button.addEventListener('click', () => keepDraft());
      }
      form.addEventListener('change', () => keepDraft());
      form.addEventListener('input', keepSoon);
      form.addEventListener('click', keepSoon);  // "Add another" / "Remove" change the blocks
      if (panel) { panel.addEventListener('change', () => keepDraft()); panel.addEventListener('input', keepSoon); }
      window.addEventListener('pagehide', () => { if (pending) keepDraft(); });
      Draft.load(meta.campaign).then((state) => {
        if (!state || interview) return;
        if (state.unreadable) { Draft.remove(meta.campaign).catch(() => undefined); return; }
        if (state.account !== root.getAttribute('data-account')) { other.hidden = false; return; }
        if (state.version !== root.getAttribute('data-version')) { older.hidden = false; return; }
        restore(state);
        restored.hidden = false;
      }).catch(() => undefined);
    }
    drafts();

    const offline = $('[data-offline]');
    const connection = () => { offline.hidden = navigator.onLine; };
    window.addEventListener('online', connection);
    window.addEventListener('offline', connection);
    connection();
    Collect.show(root);
    // keep this page and its files for offline use
    if ('serviceWorker' in navigator) {
      const files = [location.href.split('#')[0]].concat(
        Array.from(document.querySelectorAll('script[src], link[rel="stylesheet"]'), (el) => el.src || el.href));
      navigator.serviceWorker.register(root.getAttribute('data-worker'), { scope: root.getAttribute('data-scope') })
        .then(() => navigator.serviceWorker.ready)
        .then((registration) => { if (registration.active) registration.active.postMessage({ keep: files }); })
        .catch(() => undefined);
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
