/* Sishu Mitra web chat page. Plain ES2017, no build, no libraries: it must load fast on a cheap
 * phone on 2G. The connection (reconnect, resume, resend, no duplicates) is directline.js,
 * inlined before this script. Nothing is kept on the phone but the conversation id and resume
 * token in sessionStorage (gone when the tab closes, and at once on quick exit). */
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('config').textContent);
  var LANGS = ['as', 'hi', 'en'];
  var $ = function (id) { return document.getElementById(id); };
  var logEl = $('log'), input = $('input'), statusEl = $('status'), typingEl = $('typing'), actionsEl = $('actions');
  var lang = document.documentElement.lang;
  var status = 'connecting';
  var wasOnline = false;
  var typingTimer = 0;
  var mine = {}; // clientActivityID -> this page's own bubble, until the server echoes it

  var line = window.SishuMitraDirectLine.create({ domain: location.href, socketPath: cfg.socketPath, locale: lang });

  function t(key, vars) {
    var text = cfg.strings[lang][key] || cfg.strings.en[key] || '';
    return text.replace(/\{\{(\w+)\}\}/g, function (m, name) { return vars && name in vars ? String(vars[name]) : m; });
  }
  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = t('title');
    each('[data-t]', function (el) { el.textContent = t(el.getAttribute('data-t')); });
    each('[data-t-label]', function (el) { el.setAttribute('aria-label', t(el.getAttribute('data-t-label'))); });
    each('[data-t-title]', function (el) { el.title = t(el.getAttribute('data-t-title')); });
    input.placeholder = t('placeholder');
    fillText($('danger'), t('danger'));
    $('privacy').textContent = t('privacy', { minutes: cfg.keepMinutes });
    each('#langs button', function (b) { b.setAttribute('aria-pressed', String(b.lang === lang)); });
    setStatus(status);
  }

  function buildLanguageButtons() {
    LANGS.forEach(function (code) {
      var b = document.createElement('button');
      b.type = 'button';
      b.lang = code;
      b.textContent = cfg.strings[code].languageName;
      b.onclick = function () {
        if (code === lang) return;
        lang = code;
        line.locale = code;
        applyLanguage();
        post({ text: cfg.strings[code].languageName, value: 'lang:' + code }, cfg.strings[code].languageName);
      };
      $('langs').appendChild(b);
    });
  }

  /* Text with tappable phone numbers (short helpline codes like 112 and 1098, or long numbers)
   * and https links; built from text nodes, never from HTML. */
  var LINKS = /(https:\/\/[^\s<>"]+[^\s<>".,;:!?)])|(\+?\d[\d -]{8,}\d|\b1\d{2,4}\b)/g;
  function fillText(el, text) {
    el.textContent = '';
    var last = 0, m;
    LINKS.lastIndex = 0;
    while ((m = LINKS.exec(text))) {
      el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement('a');
      a.textContent = m[0];
      if (m[1]) { a.href = m[1]; a.rel = 'noopener noreferrer'; a.target = '_blank'; } else { a.href = 'tel:' + m[0].replace(/[ -]/g, ''); }
      el.appendChild(a);
      last = m.index + m[0].length;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(kind, text, who, textLang) {
    var el = document.createElement('div');
    el.className = 'msg ' + kind;
    if (textLang) el.lang = textLang;
    var label = document.createElement('span');
    label.className = kind === 'user' ? 'sr' : 'who';
    label.textContent = who;
    var body = document.createElement('span');
    fillText(body, text);
    el.appendChild(label);
    el.appendChild(body);
    logEl.appendChild(el);
    logEl.scrollTop = logEl.scrollHeight;
    return el;
  }

  function note(text) {
    var el = document.createElement('p');
    el.className = 'note';
    el.textContent = text;
    logEl.appendChild(el);
    logEl.scrollTop = logEl.scrollHeight;
  }

  function setStatus(next) {
    status = next;
    statusEl.textContent = next === 'online' ? '' : t(next);
  }

  /* The bot's typing lasts until its answer (20 s at most); a counsellor's until their next word
   * or a few seconds after they stop (their console repeats it every 3 s while they type). */
  function setTyping(on, byCounsellor) {
    clearTimeout(typingTimer);
    typingEl.hidden = !on;
    typingEl.textContent = t(byCounsellor ? 'counsellorTyping' : 'typing');
    if (on) typingTimer = setTimeout(function () { typingEl.hidden = true; }, byCounsellor ? 6000 : 20000);
  }

  /* Tells the server the user is typing, at most every 3 s: only a counsellor holding the chat hears of it. */
  var lastTypingSent = 0;
  function sendTyping() {
    var now = Date.now();
    if (now - lastTypingSent < 3000 || !input.value.trim()) return;
    lastTypingSent = now;
    line.postActivity({ type: 'typing' }).subscribe(function () { /* nothing comes back */ });
  }

  function showActions(activity) {
    actionsEl.textContent = '';
    var actions = (activity.suggestedActions && activity.suggestedActions.actions) || [];
    actions.forEach(function (action) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = action.title || String(action.value);
      b.onclick = function () {
        var value = typeof action.value === 'string' ? action.value : undefined;
        post({ text: action.title || value, value: value }, b.textContent);
      };
      actionsEl.appendChild(b);
    });
    logEl.scrollTop = logEl.scrollHeight; // the buttons took room from the messages
  }

  function onActivity(a) {
    if (a.type === 'event' && a.name === 'webchat/error') {
      if (a.value.code === 'rate-limited') note(t('slowDown'));
      if (a.value.code === 'unavailable') note(t('notSent'));
      return;
    }
    if (a.type === 'typing') return setTyping(true, !!(a.channelData && a.channelData.typingBy === 'counsellor'));
    if (a.type !== 'message') return;
    if (a.from && a.from.role === 'user') {
      var cid = a.channelData && a.channelData.clientActivityID;
      if (mine[cid]) {
        mine[cid].classList.remove('pending');
        delete mine[cid];
      } else {
        // Shown again after a reload: the page's own earlier messages, from the server's copy.
        bubble('user', a.text || (a.entities && a.entities.length ? t('locationShared') : ''), t('you'), a.locale);
      }
      return;
    }
    setTyping(false);
    bubble('bot', a.text || '', t('botName'), LANGS.indexOf(a.locale) >= 0 ? a.locale : undefined);
    showActions(a);
  }

  function post(message, shown) {
    var id = 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    var el = bubble('user', shown, t('you'), lang);
    el.classList.add('pending');
    mine[id] = el;
    actionsEl.textContent = '';
    setTyping(true);
    var activity = { type: 'message', locale: lang, channelData: { clientActivityID: id } };
    Object.keys(message).forEach(function (k) { if (message[k] !== undefined) activity[k] = message[k]; });
    line.postActivity(activity).subscribe(function () { /* the echo marks it sent */ });
  }

  /* Quick exit: forget everything this page holds, and replace it (Back does not return here). */
  function quickExit() {
    line.end();
    try { sessionStorage.clear(); } catch (e) { /* nothing stored */ }
    logEl.textContent = '';
    location.replace(cfg.quickExitUrl);
  }

  $('exit').onclick = quickExit;
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') quickExit(); });
  $('form').onsubmit = function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    post({ text: text }, text);
  };
  $('loc').onclick = function () {
    if (!navigator.geolocation) return note(t('locationUnavailable'));
    navigator.geolocation.getCurrentPosition(function (p) {
      // About 100 m is enough to find the nearest help; no more is sent.
      var round = function (x) { return Math.round(x * 1000) / 1000; };
      post({ entities: [{ type: 'GeoCoordinates', latitude: round(p.coords.latitude), longitude: round(p.coords.longitude) }] }, t('locationShared'));
    }, function (err) {
      note(err.code === 1 ? t('locationRefused') : t('locationUnavailable'));
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 });
  };
  input.addEventListener('input', sendTyping);
  window.addEventListener('online', function () { line.reconnect(); });

  buildLanguageButtons();
  applyLanguage();
  line.activity$.subscribe(onActivity);
  line.connectionStatus$.subscribe(function (s) {
    if (s === 2) wasOnline = true;
    if (s === 2) setStatus('online');
    else if (s === 1) setStatus(wasOnline ? 'reconnecting' : 'connecting');
  });
})();
