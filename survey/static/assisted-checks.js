/* Proximité: what the server would refuse, caught on the assisted page before the answers are
   sealed (issue 26): each item's constraint expression (evaluated by relevance.js, "." being
   the value checked, as survey/questionnaire/itemtypes/base.py `check_answer` does) and its
   type's rules (a whole number's form and bounds, a date's, a text's length, ticked boxes'
   limits, an answer given beside "Don't know"), with the participant page's words. The rules
   come from survey/collect/rules.py in the page (#assisted-rules); the server checks again. */
(() => {
  'use strict';
  const SPACES = /[ \u00a0\u202f]/g;
  const setup = (form, Relevance) => {
    let rules = {};
    try { rules = JSON.parse(document.getElementById('assisted-rules').textContent) || {}; } catch (e) { rules = {}; }
    const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
    // what an item's constraint sees: the answers, and in block n its own under their names
    const context = (code) => {
      const answers = Object.assign({}, Relevance.answers || {});
      const block = /^[^-]+-([0-9]+)$/.exec(code);
      if (block) {
        for (const key of Object.keys(answers)) {
          const own = /^([^-]+)-([0-9]+)$/.exec(key);
          if (own && own[2] === block[1]) answers[own[1]] = answers[key];
        }
        answers['#position'] = Number(block[1]);
      }
      return answers;
    };
    const within = (rule, v) => {
      if (has(rule, 'min') && v < rule.min) return rule.min_words;
      if (has(rule, 'max') && v > rule.max) return rule.max_words;
      return null;
    };
    // the value the server would read, or the words of its refusal ({words})
    const read = (rule, inputs, code) => {
      const main = inputs.find((i) => i.name === code && i.type !== 'checkbox' && i.type !== 'radio');
      const ticked = inputs.filter((i) => (i.type === 'checkbox' || i.type === 'radio') && i.checked).map((i) => i.value);
      if (rule.kind === 'multiple') {
        if (ticked.length > 1 && ticked.some((v) => rule.exclusive.includes(v))) return { words: rule.exclusive_words };
        if (rule.max && ticked.length > rule.max) return { words: rule.max_words };
        return { value: ticked.length ? ticked : null, special: ticked.length === 1 && rule.exclusive.includes(ticked[0]) };
      }
      const special = ticked.some((v) => (rule.special || []).includes(v));
      const typed = main ? main.value.trim() : '';
      if (special && typed) return { words: rule.both };
      if (special) return { value: null, special: true };
      if (!main) return { value: ticked.length ? ticked[0] : null };
      if (!typed) return { value: null };
      if (rule.kind === 'integer' || rule.kind === 'decimal') {
        const text = typed.replace(SPACES, '');
        const n = Number(text.replace(',', '.'));
        if (!new RegExp(rule.pattern).test(text) || !isFinite(n)) return { words: rule.words };
        const refused = within(rule, n);
        return refused ? { words: refused } : { value: n };
      }
      if (rule.kind === 'date') {
        const t = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(typed) ? Date.parse(typed) : NaN;
        if (isNaN(t) || new Date(t).toISOString().slice(0, 10) !== typed) return { words: rule.words };
        const refused = within(rule, typed);
        return refused ? { words: refused } : { value: typed };
      }
      if (rule.kind === 'text') {
        const length = Array.from(main.value).length;
        if (length > rule.max_length) return { words: rule.too_long.replace('__LENGTH__', String(length)) };
      }
      return { value: typed };
    };
    // why the server would refuse this item's answer, in the page's language; null: it would not
    const refusal = (item) => {
      const code = item.getAttribute('data-item') || '';
      const rule = rules[code.split('-')[0]];
      if (!rule) return null;
      const inputs = Array.from(item.querySelectorAll('input[name], select[name], textarea[name]'));
      const found = read(rule, inputs, code);
      if (found.words !== undefined) return found.words;
      if (!rule.constraint || found.value === null || found.special) return null;
      let ok = true;
      try { ok = Relevance.truthy(Relevance.evaluate(rule.constraint, context(code), found.value)); } catch (e) { ok = true; }
      return ok ? null : rule.message;
    };
    const describe = (input, id, on) => {
      const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
      if (on) ids.push(id);
      if (ids.length) input.setAttribute('aria-describedby', ids.join(' ')); else input.removeAttribute('aria-describedby');
    };
    // the refusal's words beside the question, as the participant page shows the server's
    const show = (item, words) => {
      const id = 'e-' + item.getAttribute('data-item');
      let note = item.querySelector('[data-check-error]');
      if (words && !note) {
        note = document.createElement('p');
        note.className = 'error';
        note.id = id;
        note.setAttribute('data-check-error', '');
        const anchor = item.querySelector('.help') || item.querySelector('legend') || item.querySelector('label.question');
        if (anchor) anchor.after(note); else item.prepend(note);
      }
      if (note && words) {
        const hidden = document.createElement('span');
        hidden.className = 'visually-hidden';
        hidden.textContent = form.getAttribute('data-error-word') || '';
        note.replaceChildren(hidden, ' ' + words);
      } else if (note) note.remove();
      for (const input of item.querySelectorAll('input[name], select[name], textarea[name]')) describe(input, id, !!words);
    };
    return {
      // checks one shown item: its refusal's words (shown beside it), or null
      check: (item) => { const words = refusal(item); show(item, words); return words; },
      clear: () => { for (const note of form.querySelectorAll('[data-check-error]')) show(note.closest('[data-item]'), null); },
    };
  };
  window.ProximiteChecks = { setup };
})();
