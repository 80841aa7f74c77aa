/* Proximité: a repeated page in assisted mode (issue 26). The server renders every block up to
   the repeat's max (occurrence n's inputs named code-n, as on a participant's page); this
   script shows as many as the count expression gives from earlier answers (evaluated by
   relevance.js, as survey/questionnaire/repeats.py `counted` does), or as "Add another" and
   "Remove" leave, words the titles ("Person 2 of 3"), and empties the blocks it hides. A later
   page's conditions read the occurrences (count(), sum()) as the server stores them. */
(() => {
  'use strict';
  const NUMERIC = /^[ \t\r\n]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[ \t\r\n]*$/;
  // int(float(value)) as the server reads a count; anything else is 0
  const counted = (v) => {
    const x = typeof v === 'boolean' ? +v : typeof v === 'number' ? v
      : typeof v === 'string' && NUMERIC.test(v) ? +v : NaN;
    return isFinite(x) ? Math.trunc(x) : 0;
  };
  const fields = (block) => Array.from(block.querySelectorAll('input[name], select[name], textarea[name]'));
  const clear = (block) => {
    let cleared = false;
    for (const el of fields(block)) {
      if (el.type === 'radio' || el.type === 'checkbox') {
        if (el.checked) { el.checked = false; cleared = true; }
      } else if (el.type !== 'hidden' && el.value !== '') { el.value = ''; cleared = true; }
    }
    return cleared;
  };
  const copy = (from, to) => {  // the blocks hold the same inputs in the same order
    const source = fields(from), target = fields(to);
    target.forEach((el, i) => {
      if (el.type === 'radio' || el.type === 'checkbox') el.checked = source[i].checked;
      else if (el.type !== 'hidden') el.value = source[i].value;
    });
  };
  const words = (template, n, total) => template.replace('__NUMBER__', String(n)).replace('__TOTAL__', String(total));

  const setup = (form, Relevance) => {
    const groups = Array.from(form.querySelectorAll('[data-repeat]'), (el) => {
      let tree = null;
      try { tree = JSON.parse(el.getAttribute('data-count') || 'null'); } catch (e) { tree = null; }
      const blocks = Array.from(el.querySelectorAll('[data-occurrence]'));
      // the answer keys of one occurrence: block 1's names without their "-1"
      const keys = new Set(Array.from(blocks[0].querySelectorAll('[name], [data-item], [data-computed]'),
        (x) => (x.getAttribute('name') || x.getAttribute('data-item') || x.getAttribute('data-computed')).replace(/-1$/, '')));
      return { el, tree, blocks, keys, code: el.getAttribute('data-repeat'), max: Number(el.getAttribute('data-max')),
        page: el.closest('[data-page]'), added: 1 };
    });
    const number = (group, answers) => {
      if (!group.tree) return group.added;
      let v = null;
      try { v = Relevance.evaluate(group.tree, answers || Relevance.answers || {}); } catch (e) { v = null; }
      return Math.max(0, Math.min(counted(v), group.max));
    };
    const draw = (group) => {
      const n = number(group);
      let cleared = false;
      const title = group.el.getAttribute('data-title-words'), remove = group.el.getAttribute('data-remove-words');
      group.blocks.forEach((block, i) => {
        if (i >= n && clear(block)) cleared = true;
        block.hidden = i >= n;
        block.querySelector('[data-occurrence-title]').textContent = words(title, i + 1, n);
        const button = block.querySelector('[data-remove]');
        if (button) { button.textContent = words(remove, i + 1, n); button.hidden = n < 2; }
      });
      const add = group.el.querySelector('[data-add]'), most = group.el.querySelector('[data-at-most]');
      if (add) add.hidden = n >= group.max;
      if (most) most.hidden = n < group.max;
      return cleared;
    };
    let drawing = false;
    const update = () => {
      if (drawing) return;
      drawing = true;
      try {
        // emptied blocks: relevance.js works the answers out again
        if (groups.map(draw).some(Boolean)) form.dispatchEvent(new Event('change'));
      } finally { drawing = false; }
    };
    // a later page's count(), sum(), join() read the occurrences as the server stores them
    Relevance.extend = (answers) => {
      for (const group of groups) {
        Object.defineProperty(answers, group.code, {
          configurable: true, enumerable: true,
          get: () => {
            const list = [];
            for (let n = 1; n <= number(group, answers); n += 1) {
              const own = {};
              for (const key of group.keys) {
                const v = answers[key + '-' + n];
                if (v !== null && v !== undefined && v !== '') own[key] = v;
              }
              list.push(own);
            }
            return list;
          },
        });
      }
    };
    form.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const group = target && groups.find((g) => g.el.contains(target));
      if (!group) return;
      if (target.closest('[data-add]')) {
        group.added = Math.min(group.added + 1, group.max);
        update();
        form.dispatchEvent(new Event('change'));
        group.blocks[group.added - 1].focus();
      } else if (target.closest('[data-remove]')) {
        const at = group.blocks.indexOf(target.closest('[data-occurrence]'));
        for (let i = at; i < group.added - 1; i += 1) copy(group.blocks[i + 1], group.blocks[i]);
        clear(group.blocks[group.added - 1]);
        group.added = Math.max(1, group.added - 1);
        update();
        form.dispatchEvent(new Event('change'));
        group.blocks[Math.max(0, at - 1)].focus();
      }
    });
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    form.dispatchEvent(new Event('change'));  // relevance.js works the answers out with extend
    return {
      // the blocks a page shows (null: not a repeated page); a page with none is skipped
      shown: (page) => { const group = groups.find((g) => g.page === page); return group ? number(group) : null; },
      // how many blocks each repeated page holds, sealed with the answers
      occurrences: () => Object.fromEntries(groups.map((g) => [g.code, number(g)])),
      reset: () => { for (const group of groups) group.added = 1; update(); },
      // the blocks of "Add another" pages as occurrences() gave them (answers kept on the device)
      restore: (counts) => {
        for (const group of groups) {
          const n = Number((counts || {})[group.code]);
          if (!group.tree && Number.isInteger(n)) group.added = Math.max(1, Math.min(n, group.max));
        }
        update();
        form.dispatchEvent(new Event('change'));
      },
    };
  };
  window.ProximiteRepeats = { setup, counted };
})();
