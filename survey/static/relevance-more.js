/* Proximité: the rarer functions of the expressions (survey/questionnaire/expressions.py):
   regex(), dates, mathematics, repeated pages' count(), sum() and join(). Loaded before
   relevance.js, and only by the pages whose expressions call one of them (the server knows:
   survey/questionnaire/navigation.py, page_functions); relevance.js adds them to its own. */
(() => {
  'use strict';
  const more = ({ num, normal, empty, asText, iso }) => {
    const math = (f) => (...vs) => { vs = vs.map(num); return vs.includes(null) ? null : normal(f(...vs)); };
    const items = (v) => (Array.isArray(v) ? v : empty(v) ? [] : [v]);
    // regex(): the pattern's tree (survey/questionnaire/patterns.py), matched by the positions
    // it reaches, as on the server: linear time, the same answer
    const inside = (ranges, c) => ranges.some((r) => r[0] <= c && c <= r[1]);
    const step = (node, cps, at) => {
      const k = node[0];
      if (k === 'set') return new Set([...at].filter((p) => p < cps.length && inside(node[1], cps[p])).map((p) => p + 1));
      if (k === 'seq') { for (const child of node[1]) { if (!at.size) break; at = step(child, cps, at); } return at; }
      if (k === 'alt') { const r = new Set(); for (const child of node[1]) for (const p of step(child, cps, at)) r.add(p); return r; }
      if (k === 'bol') return new Set([...at].filter((p) => p === 0));
      if (k === 'eol') return new Set([...at].filter((p) => p === cps.length));
      for (let i = 0; i < node[1]; i++) at = step(node[3], cps, at);
      const reached = new Set(at);
      let frontier = at;
      for (let count = node[1]; frontier.size && (node[2] < 0 || count < node[2]); count++) {
        frontier = new Set([...step(node[3], cps, frontier)].filter((p) => !reached.has(p)));
        for (const p of frontier) reached.add(p);
      }
      return reached;
    };
    return {
      regex: (v, re) => {
        if (!Array.isArray(re) || re[0] !== 're') return false;
        const cps = Array.from(asText(v), (c) => c.codePointAt(0));
        if (cps.length > 1000) return false;
        return step(re[1], cps, new Set(cps.map((c, i) => i).concat([cps.length]))).size > 0;
      },
      date: (v) => {
        const n = num(v), t = Math.floor(n) * 864e5, y = new Date(t).getUTCFullYear();
        return n !== null && y > 0 && y < 1e4 ? iso(t) : null;
      },
      'decimal-date-time': math((x) => x),
      sqrt: math(Math.sqrt), pow: math((a, b) => a ** b), abs: math(Math.abs), floor: math(Math.floor),
      ceiling: math(Math.ceil), exp: math(Math.exp), log: math(Math.log), log10: math(Math.log10),
      count: (v) => items(v).length,
      sum: (v) => normal(items(v).reduce((t, x) => t + (num(x) || 0), 0)),
      join: (sep, ...vs) => vs.flatMap(items).map(asText).filter(Boolean).join(asText(sep)),
    };
  };
  if (typeof module === 'object' && module && module.exports) module.exports = more;
  else window.ProximiteMoreFunctions = more;
})();
