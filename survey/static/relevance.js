/* Proximité: hides the questions whose relevance is false as the page is filled in, by the
   rules of survey/questionnaire/expressions.py (tests check both on one table); the server
   decides again on submit. No eval, no inline handlers (script-src 'self'). */
(() => {
  'use strict';
  const NUMERIC = /^[ \t\r\n]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[ \t\r\n]*$/;
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

  const text = (v) =>  // a scalar as text, else null
    typeof v === 'string' ? v : typeof v === 'boolean' ? String(v)
      : typeof v === 'number' && isFinite(v) ? String(v) : null;
  const value = (v) => {  // an answer: a scalar, a list of codes (an object: its keys), or null
    if (Array.isArray(v)) return v.map(text).filter((c) => c !== null);
    if (v && typeof v === 'object') return Object.keys(v);
    return typeof v === 'number' ? (isFinite(v) ? v : null)
      : typeof v === 'string' || typeof v === 'boolean' ? v : null;
  };
  const empty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);
  const joined = (v) => (Array.isArray(v) ? v.join(' ') : v);
  const number = (v) => {  // numbers, booleans as 1/0, numeric strings; else null
    if (typeof v === 'boolean') return +v;
    const n = typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v) ? +v : NaN;
    return isFinite(n) ? n : null;
  };
  const normal = (n) => (isFinite(n) ? n : null);
  const truthy = (v) => { v = value(v); return Array.isArray(v) ? v.length > 0 : !!v; };
  const iso = (t) => new Date(t).toISOString().slice(0, 10);
  const days = (v) => {  // YYYY-MM-DD: days since 1970-01-01
    const t = typeof v === 'string' && /^(?!0000)\d{4}-\d\d-\d\d$/.test(v) && Date.parse(v);
    return t === false || isNaN(t) || iso(t) !== v ? null : t / 864e5;
  };
  const num = (v) => { const n = number(v); return n === null ? days(v) : n; };

  const CMP = {
    '=': (a, b) => a === b, '!=': (a, b) => a !== b, '<': (a, b) => a < b,
    '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
  };
  const ARITH = {
    '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b,
    div: (a, b) => (b ? a / b : NaN), mod: (a, b) => (b ? a % b : NaN),
  };
  const asText = (v) => (empty(v) ? '' : text(joined(v)) || '');
  let today = null;  // the server's date (the form's data-today), else this device's
  const FN = {
    if: (c, a, b) => (truthy(c) ? a : b),
    coalesce: (a, b) => (empty(a) ? b : a),
    concat: (...vs) => vs.map(asText).join(''),
    'normalize-space': (v) => asText(v).split(/[ \t\r\n]+/).filter(Boolean).join(' '),
    int: (v) => { const n = number(v); return n === null ? null : normal(Math.trunc(n)); },
    round: (v, d = 0) => {
      const n = number(v), p = number(d);
      if (n === null || p === null || !Number.isInteger(p) || p < 0 || p > 10) return null;
      const scale = 10 ** p, shifted = n * scale + 0.5;
      return isFinite(shifted) ? normal(Math.floor(shifted) / scale) : null;
    },
    'selected-at': (v, i) => {
      const codes = Array.isArray(v) ? v : asText(v).split(/[ \t\r\n]+/).filter(Boolean);
      const n = number(i);
      return n !== null && Number.isInteger(n) && n >= 0 && n < codes.length ? codes[n] : null;
    },
    today: () => today || new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10),
    selected: (v, c) => {
      c = text(c);
      if (c === null || empty(v)) return false;
      return Array.isArray(v) ? v.includes(c) : text(v) === c;
    },
    'count-selected': (v) => (Array.isArray(v) ? v.length : empty(v) ? 0 : 1),
    'string-length': (v) => (empty(v) ? 0 : Array.from(text(joined(v)) || '').length),
  };

  // the rarer functions (regex, dates, mathematics, repeated pages' aggregates) are in
  // relevance-more.js, which only the pages whose expressions call them load, before this one
  const more = typeof module === 'object' && module && module.exports ? require('./relevance-more.js')
    : typeof window === 'object' ? window.ProximiteMoreFunctions : null;
  if (typeof more === 'function') Object.assign(FN, more({ num, normal, empty, asText, iso }));

  const compare = (op, a, b) => {
    const ea = empty(a), eb = empty(b);
    if (ea || eb) return op === '=' ? ea && eb : op === '!=' && ea !== eb;
    a = joined(a); b = joined(b);
    let x = number(a), y = number(b);
    if ((x === null) !== (y === null)) { x = num(a); y = num(b); }  // a date, a number
    if (x !== null && y !== null) return CMP[op](x, y);
    if (x !== null || y !== null) return op === '!=';  // a number against text
    return CMP[op](a, b);
  };
  const arith = (op, a, b) => {
    const x = num(a), y = num(b);
    const r = x === null || y === null ? NaN : ARITH[op](x, y);
    return isFinite(r) ? r : null;  // empty, text, division by zero, overflow
  };

  const evaluate = (node, answers, dot) => {
    const ev = (n) => evaluate(n, answers, dot);
    const op = Array.isArray(node) ? node[0] : null;
    if (op === 'num' || op === 'str') return node[1];
    if (op === 'ref') return value(answers && has(answers, node[1]) ? answers[node[1]] : null);
    if (op === 'dot') return value(dot);
    if (op === 're') return node;
    if (op === 'each') {  // an item over a repeated page's occurrences
      const list = answers && has(answers, node[1]) ? answers[node[1]] : null;
      return Array.isArray(list) ? list.map((o) => (o && typeof o === 'object' && !Array.isArray(o)
        && node[2] && has(o, node[2]) ? value(o[node[2]]) : null)) : [];
    }
    if (op === 'and') return truthy(ev(node[1])) && truthy(ev(node[2]));
    if (op === 'or') return truthy(ev(node[1])) || truthy(ev(node[2]));
    if (op === 'not') return !truthy(ev(node[1]));
    if (op === 'neg') return arith('-', 0, ev(node[1]));
    if (op === 'fn') return has(FN, node[1]) ? FN[node[1]](...node[2].map(ev)) : null;
    if (has(ARITH, op)) return arith(op, ev(node[1]), ev(node[2]));
    if (has(CMP, op)) return compare(op, ev(node[1]), ev(node[2]));
    return null;
  };

  // a calculate item's stored value (survey/questionnaire/itemtypes/calculate.py: stored)
  const stored = (v, result) => {
    if (Array.isArray(v)) v = v.join(' ');
    if (typeof v === 'boolean') v = result === 'number' ? +v : String(v);
    if (result === 'number') return number(v);
    return v === null || v === undefined || v === '' ? null : String(v);
  };
  // hidden: the link's value saved with the response (block n's code-n: code's), else the form's
  const computed = (script, answers, el) => {
    if (has(script, 'calculate')) return stored(evaluate(script.calculate, answers), script.result);
    const code = el.getAttribute('data-computed').split('-')[0];
    const linked = script.link && has(answers, code) ? answers[code] : null;
    return linked !== null && linked !== undefined ? linked : script.fixed;
  };
  const api = { evaluate, truthy, stored, setToday: (iso) => { today = iso || null; }, answers: {} };
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  if (typeof document === 'undefined') return;
  window.ProximiteRelevance = api;

  const typed = (el, v) => {  // integer, decimal, number inputs give numbers, as on the server
    if (el.type !== 'number' && !/^(numeric|decimal)$/.test(el.getAttribute('inputmode'))) return v;
    const cleaned = v.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
    return NUMERIC.test(cleaned) ? +cleaned : v;
  };
  const pageAnswers = (form) => {  // name -> checked codes, or one value (a special one first)
    const found = {}, answers = {};
    const ranks = {};  // ranking items: item code -> [rank, choice code] pairs
    for (const el of form.elements) {
      if (!el.name || /^(submit|button|reset|image|file|hidden)$/.test(el.type)) continue;
      const rankOf = el.getAttribute('data-rank-of');
      if (rankOf) {
        const list = has(ranks, rankOf) ? ranks[rankOf] : (ranks[rankOf] = []);
        if (+el.value > 0) list.push([+el.value, el.getAttribute('data-choice')]);
        continue;
      }
      const f = has(found, el.name) ? found[el.name] : (found[el.name] = { list: [], one: null, only: true });
      if (el.type === 'checkbox') { if (el.checked) f.list.push(el.value); continue; }
      f.only = false;
      const v = el.type === 'radio' ? (el.checked ? el.value : '') : el.value.trim();
      if (v && f.one === null) f.one = el.type === 'radio' ? v : typed(el, v);
    }
    for (const [name, f] of Object.entries(found)) {
      answers[name] = f.only ? f.list : f.list.length ? f.list[0] : f.one;
    }
    for (const [name, list] of Object.entries(ranks)) {  // the ordered codes, as on the server
      if (list.length) answers[name] = list.sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    }
    return answers;
  };
  const parseTree = (el) => {
    try { return JSON.parse(el.getAttribute('data-relevant')); } catch (e) { return null; }
  };

  const start = () => {
    const form = document.querySelector('form[data-live-relevance]');
    if (!form) return;
    const script = document.getElementById('prior-answers');
    let prior = {};
    try { prior = (script && JSON.parse(script.textContent)) || {}; } catch (e) { prior = {}; }
    // the conditions in words are for pages without this script: it shows and hides instead
    for (const el of form.querySelectorAll('[data-condition]')) el.hidden = true;
    api.setToday(form.getAttribute('data-today'));
    // the questions, and in their order the page's carried calculate and hidden values
    const items = Array.from(form.querySelectorAll('[data-item], [data-computed]'), (el) => {
      let script = null;
      try { script = JSON.parse(el.getAttribute('data-script')); } catch (e) { script = null; }
      return [el, parseTree(el), script];
    });
    // cascading choices filtered by an answer of this page: each option carries its columns
    const filtered = Array.from(form.querySelectorAll('[data-choice-filter]'), (el) => {
      let tree = null;
      try { tree = JSON.parse(el.getAttribute('data-choice-filter')); } catch (e) { tree = null; }
      const options = Array.from(el.querySelectorAll('[data-choice]'), (option) => {
        let data = {};
        try { data = JSON.parse(option.getAttribute('data-choice')) || {}; } catch (e) { data = {}; }
        return [option, data];
      });
      return [tree, options];
    });
    const filter = (answers) => {
      for (const [tree, options] of filtered) {
        if (!tree) continue;
        for (const [option, data] of options) {
          let show = true;
          try { show = truthy(evaluate(tree, Object.assign({}, answers, data))); } catch (e) { show = true; }
          option.hidden = !show;
        }
        for (const [option] of options) {
          if (!option.hidden) continue;
          for (const input of option.querySelectorAll('input')) {
            if (!input.checked) continue;
            input.checked = false;
            // a code the list repeats (told apart by a column): the row shown keeps the answer
            for (const [other] of options) {
              if (other.hidden) continue;
              for (const twin of other.querySelectorAll('input')) if (twin.value === input.value) twin.checked = true;
            }
          }
        }
      }
    };
    const update = () => {
      if (filtered.length) filter(Object.assign({}, prior, pageAnswers(form)));
      const answers = Object.assign({}, prior, pageAnswers(form));
      if (api.extend) api.extend(answers);  // assisted mode: a repeated page's occurrences
      for (const [el, tree, script] of items) {
        let show = true;
        try { show = !tree || truthy(evaluate(tree, answers)); } catch (e) { show = true; }
        if (script) {  // a value the server computes on submit: the same here, never shown
          answers[el.getAttribute('data-computed')] = show ? computed(script, answers, el) : null;
          continue;
        }
        el.hidden = !show;
        if (!show) {  // a hidden item's answers count as empty for the items after it
          for (const input of el.querySelectorAll('[name]')) answers[input.name] = null;
          answers[el.getAttribute('data-item')] = null;
        }
      }
      api.answers = answers;  // the form's answers as decided here (assisted mode's pages read them)
    };
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
