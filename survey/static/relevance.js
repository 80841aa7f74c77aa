/* Proximité: hide the questions whose relevance expression is false, as the page is filled in.
   Walks the JSON tree of survey/questionnaire/expressions.py with the same rules (tests check
   both on one table). It only hides: the server decides relevance again on submit, and the page
   works without this script. No eval, no inline handlers: fine under script-src 'self'. */
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
  const truthy = (v) => { v = value(v); return Array.isArray(v) ? v.length > 0 : !!v; };

  const CMP = {
    '=': (a, b) => a === b, '!=': (a, b) => a !== b, '<': (a, b) => a < b,
    '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
  };
  const ARITH = {
    '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b,
    div: (a, b) => (b ? a / b : NaN), mod: (a, b) => (b ? a % b : NaN),
  };
  const FN = {
    selected: (v, c) => {
      c = text(c);
      if (c === null || empty(v)) return false;
      return Array.isArray(v) ? v.includes(c) : text(v) === c;
    },
    'count-selected': (v) => (Array.isArray(v) ? v.length : empty(v) ? 0 : 1),
    'string-length': (v) => (empty(v) ? 0 : Array.from(text(joined(v)) || '').length),
  };

  const compare = (op, a, b) => {
    const ea = empty(a), eb = empty(b);
    if (ea || eb) return op === '=' ? ea && eb : op === '!=' && ea !== eb;
    a = joined(a); b = joined(b);
    const x = number(a), y = number(b);
    if (x !== null && y !== null) return CMP[op](x, y);
    if (x !== null || y !== null) return op === '!=';  // a number against text
    return CMP[op](a, b);
  };
  const arith = (op, a, b) => {
    const x = number(a), y = number(b);
    const r = x === null || y === null ? NaN : ARITH[op](x, y);
    return isFinite(r) ? r : null;  // empty, text, division by zero, overflow
  };

  const evaluate = (node, answers, dot) => {
    const ev = (n) => evaluate(n, answers, dot);
    const op = Array.isArray(node) ? node[0] : null;
    if (op === 'num' || op === 'str') return node[1];
    if (op === 'ref') return value(answers && has(answers, node[1]) ? answers[node[1]] : null);
    if (op === 'dot') return value(dot);
    if (op === 'and') return truthy(ev(node[1])) && truthy(ev(node[2]));
    if (op === 'or') return truthy(ev(node[1])) || truthy(ev(node[2]));
    if (op === 'not') return !truthy(ev(node[1]));
    if (op === 'neg') return arith('-', 0, ev(node[1]));
    if (op === 'fn') return has(FN, node[1]) ? FN[node[1]](...node[2].map(ev)) : null;
    if (has(ARITH, op)) return arith(op, ev(node[1]), ev(node[2]));
    if (has(CMP, op)) return compare(op, ev(node[1]), ev(node[2]));
    return null;
  };

  const api = { evaluate, truthy };
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
    const items = Array.from(form.querySelectorAll('[data-item]'), (el) => [el, parseTree(el)]);
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
          if (!show) for (const input of option.querySelectorAll('input')) input.checked = false;
        }
      }
    };
    const update = () => {
      if (filtered.length) filter(Object.assign({}, prior, pageAnswers(form)));
      const answers = Object.assign({}, prior, pageAnswers(form));
      for (const [el, tree] of items) {
        let show = true;
        try { show = !tree || truthy(evaluate(tree, answers)); } catch (e) { show = true; }
        el.hidden = !show;
        if (!show) {  // a hidden item's answers count as empty for the items after it
          for (const input of el.querySelectorAll('[name]')) answers[input.name] = null;
          answers[el.getAttribute('data-item')] = null;
        }
      }
    };
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
