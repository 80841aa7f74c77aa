/* Proximité: "Read aloud" beside each question, spoken by the device's own voice (the Web
   Speech API; nothing is sent anywhere). Added only when the device has a voice for the page's
   language, which may arrive late (voiceschanged). An ordinary toggle button: it never moves
   the focus; pressed again, or when the page is left, it stops. */
(() => {
  'use strict';
  const synth = window.speechSynthesis;
  const form = document.querySelector('form[data-read-aloud]');
  if (!synth || !form || !window.SpeechSynthesisUtterance) return;
  const lang = (document.documentElement.lang || '').toLowerCase();
  const words = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : '');
  const shown = (el) => !el.closest('[hidden]');
  // what the question shows: its question, its help, its rows (a matrix), its choices once
  const said = (item) => {
    const parts = [words(item.querySelector('legend, .question')), words(item.querySelector('.help'))];
    for (const row of item.querySelectorAll('.row-card > legend')) {
      const lead = row.querySelector('.lead-in');
      parts.push(words(row).slice(lead ? words(lead).length : 0).trim());
    }
    const first = item.querySelector('.options') || item;  // else a field's "don't know"
    for (const label of first.querySelectorAll('.option label')) if (shown(label)) parts.push(words(label));
    return parts.filter(Boolean).join('. ');
  };
  let speaking = null;  // the button pressed, while its question is read
  const stop = () => {
    if (speaking) speaking.setAttribute('aria-pressed', 'false');
    speaking = null;
    synth.cancel();
  };
  const voice = () => synth.getVoices().find((v) => (v.lang || '').toLowerCase().replace('_', '-').split('-')[0] === lang);
  const press = (button, item) => {
    const again = speaking === button;
    stop();
    const chosen = voice();
    if (again || !chosen) return;
    const utterance = new SpeechSynthesisUtterance(said(item));
    utterance.lang = chosen.lang;
    utterance.voice = chosen;
    utterance.addEventListener('end', () => { if (speaking === button) stop(); });
    speaking = button;
    button.setAttribute('aria-pressed', 'true');
    synth.speak(utterance);
  };
  const add = () => {
    if (!lang || form.querySelector('.speak') || !voice()) return;
    for (const item of form.querySelectorAll('[data-item]')) {
      const question = item.querySelector('legend, .question');
      if (!question) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'speak';
      button.textContent = form.getAttribute('data-read-aloud');
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => press(button, item));
      question.after(button);
    }
  };
  add();
  synth.addEventListener('voiceschanged', add);
  window.addEventListener('pagehide', stop);
})();
