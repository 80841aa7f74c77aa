// The page wiring of survey/static/relevance.js on a small fake DOM (no npm packages).
// Usage: node tests/js/relevance_dom.test.mjs   (exits 1 on the first failed check)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const SCRIPT = readFileSync(new URL('../../survey/static/relevance.js', import.meta.url), 'utf8');

class Element {
  constructor(tag, attrs = {}, children = []) {
    Object.assign(this, { tagName: tag, attrs, children, hidden: false, listeners: {} });
    this.name = attrs.name || '';
    this.type = attrs.type || (tag === 'textarea' ? 'textarea' : tag === 'input' ? 'text' : '');
    this.value = attrs.value || '';
    this.checked = Boolean(attrs.checked);
  }
  getAttribute(name) { return name in this.attrs ? String(this.attrs[name]) : null; }
  *walk() { for (const child of this.children) { yield child; yield* child.walk(); } }
  querySelectorAll(selector) {
    const all = [...this.walk()];
    if (selector === '[data-item]') return all.filter((e) => 'data-item' in e.attrs);
    if (selector === '[data-item], [data-computed]') {
      return all.filter((e) => 'data-item' in e.attrs || 'data-computed' in e.attrs);
    }
    if (selector === '[name]') return all.filter((e) => e.name);
    if (selector === '[data-condition]') return all.filter((e) => 'data-condition' in e.attrs);
    if (selector === '[data-choice-filter]') return all.filter((e) => 'data-choice-filter' in e.attrs);
    if (selector === '[data-choice]') return all.filter((e) => 'data-choice' in e.attrs);
    if (selector === 'input') return all.filter((e) => e.tagName === 'input');
    throw new Error(`fake DOM: unsupported selector ${selector}`);
  }
  get elements() { return [...this.walk()].filter((e) => ['input', 'textarea', 'button'].includes(e.tagName)); }
  addEventListener(type, handler) { (this.listeners[type] ||= []).push(handler); }
  fire(type) { for (const handler of this.listeners[type] || []) handler({ type }); }
}

const input = (name, value, type = 'radio', extra = {}) => new Element('input', { name, value, type, ...extra });
const item = (code, tree, ...inputs) => new Element('div', {
  'data-item': code, ...(tree === undefined ? {} : { 'data-relevant': typeof tree === 'string' ? tree : JSON.stringify(tree) }),
}, inputs);
const ref = (code) => ['ref', code];

function load(form, prior) {
  const script = prior === undefined ? null : Object.assign(new Element('script'), { textContent: JSON.stringify(prior) });
  const document = {
    readyState: 'complete',
    querySelector: (selector) => (selector === 'form[data-live-relevance]' ? form : null),
    getElementById: (id) => (id === 'prior-answers' ? script : null),
    addEventListener: () => assert.fail('no DOMContentLoaded wait when the page is parsed'),
  };
  const window = {};
  vm.runInNewContext(SCRIPT, { document, window });
  return window;
}

// A page: a yes/no, a follow-up, a follow-up of the follow-up, a note relying on an earlier
// page, a multiple choice, an integer with "don't know", a matrix.
const uses = [input('uses', 'yes'), input('uses', 'no')];
const freq = [1, 2, 3].map((c) => input('freq', String(c))).concat(input('freq', 'dont_know'));
const why = input('why', '', 'text');
const services = ['a', 'b', 'c'].map((c) => input('services', c, 'checkbox'));
const count = input('n', '', 'text', { inputmode: 'numeric' });
const countDontKnow = input('n', 'dont_know', 'checkbox');
const rows = [1, 5].map((c) => input('r1', String(c))).concat(input('r2', '5'));
const items = {
  uses: item('uses', undefined, ...uses),
  freq: item('freq', ['=', ref('uses'), ['str', 'yes']], ...freq),
  why: item('why', ['>=', ref('freq'), ['num', 2]], why),
  senior: item('senior', ['>=', ref('age'), ['num', 65]]),
  junior: item('junior', ['<', ref('age'), ['num', 65]]),
  services: item('services', undefined, ...services),
  detail: item('detail', ['and', ['fn', 'selected', [ref('services'), ['str', 'b']]],
    ['=', ['fn', 'count-selected', [ref('services')]], ['num', 2]]]),
  n: item('n', undefined, count, countDontKnow),
  big: item('big', ['>', ref('n'), ['num', 1000]]),
  matrix: item('matrix', undefined, ...rows),
  follow: item('follow', ['=', ref('r1'), ['num', 5]]),
  broken: item('broken', '["=", oops'),
};
const form = new Element('form', { 'data-live-relevance': '' }, [
  new Element('input', { name: 'csrf_token', type: 'hidden', value: 'x' }),
  ...Object.values(items),
  new Element('button', { name: 'nav', type: 'submit', value: 'next' }),
]);
const shown = () => Object.keys(items).filter((code) => !items[code].hidden);
const act = (change) => { change(); form.fire('change'); };

const window = load(form, { age: 70 });
assert.equal(typeof window.ProximiteRelevance.evaluate, 'function');
assert.deepEqual(shown(), ['uses', 'senior', 'services', 'n', 'matrix', 'broken']);

act(() => { uses[0].checked = true; });
assert.deepEqual(shown().slice(0, 3), ['uses', 'freq', 'senior'], 'yes shows the follow-up');

act(() => { freq[2].checked = true; });
assert.ok(!items.why.hidden, 'freq = 3 shows why');

act(() => { uses[0].checked = false; uses[1].checked = true; });
assert.ok(items.freq.hidden && items.why.hidden, 'a hidden item counts as empty for later items');
assert.ok(freq[2].checked, 'hiding keeps what was entered');

act(() => { services[1].checked = true; services[2].checked = true; });
assert.ok(!items.detail.hidden, 'two codes including b');
act(() => { services[0].checked = true; });
assert.ok(items.detail.hidden, 'three codes');

count.value = ' 1 500 ';
form.fire('input');
assert.ok(!items.big.hidden, 'integer text read as a number, spaces allowed');
act(() => { countDontKnow.checked = true; });
assert.ok(items.big.hidden, "don't know is not a number");
act(() => { countDontKnow.checked = false; count.value = 'abc'; });
assert.ok(items.big.hidden, 'text is not more than 1000');

act(() => { rows[1].checked = true; });
assert.ok(!items.follow.hidden, 'matrix rows are answers of their own');

// Cascading choices on one page: the districts of the region ticked, a hidden one unticked.
const regions = ['north', 'south'].map((c) => input('region', c));
const option = (code, region) => new Element('div', {
  'data-choice': JSON.stringify({ '@name': code, '@region': region }) }, [input('district', code)]);
const districts = [option('n1', 'north'), option('n2', 'north'), option('s1', 'south')];
const cascade = new Element('form', { 'data-live-relevance': '' }, [
  item('region', undefined, ...regions),
  new Element('div', { 'data-item': 'district', 'data-choice-filter': JSON.stringify(
    ['=', ref('@region'), ref('region')]) }, districts),
]);
const offered = () => districts.filter((d) => !d.hidden).map((d) => JSON.parse(d.attrs['data-choice'])['@name']);
load(cascade);
assert.deepEqual(offered(), [], 'no region yet: no district');
regions[0].checked = true; cascade.fire('change');
assert.deepEqual(offered(), ['n1', 'n2'], 'north: its districts');
districts[1].children[0].checked = true; cascade.fire('change');
regions[0].checked = false; regions[1].checked = true; cascade.fire('change');
assert.deepEqual(offered(), ['s1'], 'south: its district');
assert.ok(!districts[1].children[0].checked, 'a district of another region is unticked');

// Calculate and hidden values of the page, carried for the conditions that read them: worked
// out in order, as the server does on submit (a link's value from the prior answers).
const computedItem = (code, script, tree) => new Element('div', {
  'data-computed': code, 'data-script': JSON.stringify(script),
  ...(tree ? { 'data-relevant': JSON.stringify(tree) } : {}) });
const adults = input('adults', '', 'number');
const kids = input('kids', '', 'number');
const carried = {
  wave: computedItem('wave', { fixed: '2', link: false }),
  site: computedItem('site', { fixed: 'street', link: true }),
  people: computedItem('people', { calculate: ['+', ref('adults'), ['fn', 'coalesce', [ref('kids'), ['num', 0]]]], result: 'number' }),
  crowded: computedItem('crowded', { calculate: ['fn', 'if', [['>=', ref('people'), ['num', 5]], ['str', 'yes'], ['str', 'no']]], result: 'text' }),
  off: computedItem('off', { calculate: ['num', 1], result: 'number' }, ['=', ref('adults'), ['num', 99]]),
};
const asked = {
  adults: item('adults', undefined, adults),
  kids: item('kids', undefined, kids),
  rooms: item('rooms', ['=', ref('crowded'), ['str', 'yes']]),
  second: item('second', ['=', ref('wave'), ['num', 2]]),
  clinic: item('clinic', ['=', ref('site'), ['str', 'clinic']]),
  street: item('street', ['=', ref('site'), ['str', 'street']]),
  never: item('never', ['=', ref('off'), ['num', 1]]),
};
const computedForm = new Element('form', { 'data-live-relevance': '', 'data-today': '2026-01-02' }, [
  carried.wave, carried.site, asked.adults, asked.kids, carried.people, carried.crowded,
  carried.off, asked.rooms, asked.second, asked.clinic, asked.street, asked.never,
]);
const visible = () => Object.keys(asked).filter((code) => !asked[code].hidden);
const page = load(computedForm, { site: 'clinic' });
assert.deepEqual(visible(), ['adults', 'kids', 'second', 'clinic'], 'hidden values read');
assert.ok(Object.values(carried).every((e) => !e.hidden), 'carried values are never shown or hidden');
act2(() => { adults.value = '2'; kids.value = '3'; });
assert.ok(!asked.rooms.hidden, '2 + 3 people: crowded');
act2(() => { kids.value = ''; });
assert.ok(asked.rooms.hidden, 'coalesce(empty, 0): 2 people');
act2(() => { adults.value = '99'; });
assert.ok(!asked.rooms.hidden && !asked.never.hidden, 'a calculation counts once relevant (empty before)');
assert.equal(page.ProximiteRelevance.evaluate(['fn', 'today', []], {}), '2026-01-02', "the server's date");
load(new Element('form', { 'data-live-relevance': '' }, [carried.site, asked.clinic, asked.street]));
assert.ok(asked.clinic.hidden && !asked.street.hidden, "no link value: the form's");
function act2(change) { change(); computedForm.fire('input'); }

// A repeated page: each block carries its calculation, its names numbered (age-2 reads born-2),
// and a hidden value linked in block n (site-2) is the link's value saved as site.
const born = [1, 2].map((n) => input(`born-${n}`, '', 'number'));
const blockItems = [1, 2].flatMap((n) => [
  item(`born-${n}`, undefined, born[n - 1]),
  computedItem(`age-${n}`, { calculate: ['-', ref('year'), ref(`born-${n}`)], result: 'number' }),
  computedItem(`site-${n}`, { fixed: 'street', link: true }),
  item(`job-${n}`, ['>=', ref(`age-${n}`), ['num', 18]]),
  item(`clinic-${n}`, ['=', ref(`site-${n}`), ['str', 'clinic']]),
]);
const blockForm = new Element('form', { 'data-live-relevance': '' }, blockItems);
const shownIn = () => blockItems.filter((e) => 'data-item' in e.attrs && !e.hidden).map((e) => e.attrs['data-item']);
load(blockForm, { year: 2026, site: 'clinic' });
assert.deepEqual(shownIn(), ['born-1', 'clinic-1', 'born-2', 'clinic-2'], 'no year of birth: no age');
born[0].value = '1990'; born[1].value = '2015'; blockForm.fire('input');
assert.deepEqual(shownIn(), ['born-1', 'job-1', 'clinic-1', 'born-2', 'clinic-2'], 'each block its own age');
born[1].value = '2000'; blockForm.fire('input');
assert.ok(blockItems.every((e) => !('data-item' in e.attrs) || !e.hidden), 'both adults');

// No prior answers: earlier pages' items are empty.
const other = new Element('form', {}, [item('senior', ['>=', ref('age'), ['num', 65]]),
  item('junior', ['!=', ref('age'), ['num', 65]])]);
load(other);
assert.deepEqual(other.children.map((e) => e.hidden), [true, false]);

// No form on the page: nothing to do, nothing thrown.
vm.runInNewContext(SCRIPT, {
  document: { readyState: 'complete', querySelector: () => null, getElementById: () => null },
  window: {},
});
console.log('relevance.js page wiring: all checks passed');
