// The counsellors' console. Plain script, no build step. Everything a user wrote is put on the page
// with textContent, never as HTML. Only the JSON API under /console/api/ is used.
'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var state = { csrf: null, user: null, open: null, lastMsgId: null, queue: [], active: [], seenUrgent: {}, events: null, timers: [] };
  var LONG_WAIT_SECONDS = 300; // a wait past this is shown in red: someone should pick it up now
  var PRIORITY = { 1: 'Emergency', 2: 'High risk', 3: 'Normal' };
  var LANGUAGE = { as: 'Assamese', hi: 'Hindi', en: 'English' };
  var NOTICE = {
    joined: 'You joined the chat.', requeued: 'The chat went back to the queue.', transferred: 'The chat was transferred.',
    transferredToQueue: 'The chat went back to the queue.', ended: 'The chat was ended.', endedByUser: 'The user ended the chat.'
  };

  function api(method, path, body) {
    var headers = { accept: 'application/json' };
    if (method !== 'GET') headers['x-csrf-token'] = state.csrf || '';
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch('/console/api/' + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' })
      .then(function (res) {
        if (res.status === 401 && path !== 'login' && path !== 'session') { signedOut(); }
        var type = res.headers.get('content-type') || '';
        var parsed = type.indexOf('application/json') === 0 ? res.json() : res.text().then(function (t) { return { error: t }; });
        return parsed.then(function (data) { return { ok: res.ok, status: res.status, data: data }; });
      });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function waited(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m >= 60 ? Math.floor(m / 60) + 'h ' + (m % 60) + 'm' : m + ':' + (s < 10 ? '0' : '') + s;
  }

  function clock(at) { return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); }

  // ---- signing in and out ----
  function signedIn(data) {
    state.csrf = data.csrfToken;
    state.user = data.user;
    $('loginView').hidden = true;
    $('workView').hidden = false;
    $('who').hidden = false;
    $('whoName').textContent = data.user.alias + ' (' + data.user.role + ')';
    listen();
    refreshQueue();
    loadColleagues();
    loadCanned();
    heartbeat();
    state.timers.push(setInterval(heartbeat, 10000), setInterval(tickWaits, 1000), setInterval(refreshQueue, 30000));
    $('claimNext').focus();
  }

  function signedOut() {
    if (state.events) state.events.close();
    state.timers.forEach(clearInterval);
    state = { csrf: null, user: null, open: null, lastMsgId: null, queue: [], active: [], seenUrgent: {}, events: null, timers: [] };
    $('workView').hidden = true;
    $('who').hidden = true;
    $('chat').hidden = true;
    $('loginView').hidden = false;
    $('password').value = '';
    $('username').focus();
  }

  $('loginForm').addEventListener('submit', function (e) {
    e.preventDefault();
    $('loginError').textContent = '';
    api('POST', 'login', { username: $('username').value, password: $('password').value }).then(function (r) {
      $('password').value = '';
      if (r.ok) signedIn(r.data); else $('loginError').textContent = r.data.error || 'Could not sign in.';
    });
  });

  $('logout').addEventListener('click', function () { api('POST', 'logout').then(signedOut); });

  function heartbeat() { if (state.csrf) api('POST', 'heartbeat'); }

  // ---- the queue ----
  function refreshQueue() {
    if (!state.csrf) return;
    api('GET', 'queue').then(function (r) {
      if (!r.ok) return;
      state.queue = r.data.waiting;
      state.active = r.data.active;
      state.queueLoadedAt = Date.now();
      $('online').textContent = r.data.counsellorsOnline + ' counsellor(s) online';
      renderQueue();
      renderMine();
      alertUrgent();
    });
  }

  function renderQueue() {
    var body = $('queueRows');
    body.textContent = '';
    state.queue.forEach(function (row) {
      var tr = el('tr', 'p' + row.priority);
      tr.dataset.id = row.id;
      var prio = el('td'); prio.appendChild(el('span', 'badge p' + row.priority, PRIORITY[row.priority] || row.priority));
      tr.appendChild(prio);
      var wait = el('td', row.waitingSeconds >= LONG_WAIT_SECONDS ? 'wait long' : 'wait', waited(row.waitingSeconds)); wait.dataset.seconds = row.waitingSeconds;
      tr.appendChild(wait);
      tr.appendChild(el('td', '', LANGUAGE[row.language] || row.language));
      tr.appendChild(el('td', '', row.channel));
      tr.appendChild(el('td', '', [row.category, row.district].filter(Boolean).join(' · ') || '—'));
      var summary = el('td', 'summary', row.summary);
      summary.lang = row.language;
      if (row.caseRef) summary.appendChild(el('div', 'muted', 'Case ' + row.caseRef));
      tr.appendChild(summary);
      var act = el('td'); var btn = el('button', 'claim', 'Claim');
      btn.type = 'button';
      btn.setAttribute('aria-label', 'Claim ' + (PRIORITY[row.priority] || '') + ' chat waiting ' + waited(row.waitingSeconds));
      btn.addEventListener('click', function () { claim(row.id); });
      act.appendChild(btn); tr.appendChild(act);
      body.appendChild(tr);
    });
    $('queueCount').textContent = state.queue.length;
    $('queueEmpty').hidden = state.queue.length > 0;
    $('queueTable').hidden = state.queue.length === 0;
    document.title = (state.queue.length ? '(' + state.queue.length + ') ' : '') + "Sishu Mitra · Counsellors' console";
  }

  function tickWaits() {
    var extra = Math.round((Date.now() - (state.queueLoadedAt || Date.now())) / 1000);
    Array.prototype.forEach.call(document.querySelectorAll('#queueRows .wait'), function (td) {
      var seconds = Number(td.dataset.seconds) + extra;
      td.textContent = waited(seconds);
      td.classList.toggle('long', seconds >= LONG_WAIT_SECONDS);
    });
  }

  function alertUrgent() {
    var fresh = state.queue.filter(function (r) { return r.priority === 1 && !state.seenUrgent[r.id]; });
    fresh.forEach(function (r) { state.seenUrgent[r.id] = true; });
    if (fresh.length === 0) return;
    $('queueNotice').textContent = 'Emergency waiting: ' + fresh.length;
    if ($('sound').checked) beep();
  }

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx(); var osc = ctx.createOscillator(); var gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.15; osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.4);
    } catch (err) { /* no audio device: the red row is still there */ }
  }

  function renderMine() {
    var list = $('mine');
    list.textContent = '';
    state.active.forEach(function (chat) {
      var li = el('li'); var btn = el('button', '', (PRIORITY[chat.priority] || '') + ' · ' + (LANGUAGE[chat.userLanguage] || chat.userLanguage) + ' · ' + chat.channel + (chat.counsellorAlias && chat.counsellorId !== state.user.username ? ' · ' + chat.counsellorAlias : ''));
      btn.type = 'button';
      btn.setAttribute('aria-current', String(chat.id === state.open));
      btn.addEventListener('click', function () { openChat(chat.id); });
      li.appendChild(btn); list.appendChild(li);
    });
    $('mineCount').textContent = state.active.length;
  }

  function claimed(r) {
    if (r.ok) { $('queueNotice').textContent = ''; refreshQueue(); openChat(r.data.chat.id); }
    else { $('queueNotice').textContent = r.data.error || 'Could not claim.'; refreshQueue(); }
  }
  function claim(id) { api('POST', 'chats/' + encodeURIComponent(id) + '/claim').then(claimed); }
  $('claimNext').addEventListener('click', function () { api('POST', 'queue/next').then(claimed); });

  // ---- one chat ----
  function openChat(id) {
    api('GET', 'chats/' + encodeURIComponent(id)).then(function (r) {
      if (!r.ok) { $('chatError').textContent = r.data.error || 'Could not open the chat.'; return; }
      state.open = id;
      state.openLang = r.data.chat.userLanguage;
      state.lastMsgId = null;
      $('chat').hidden = false;
      $('chatError').textContent = '';
      $('transcript').textContent = '';
      showChat(r.data.chat);
      appendMessages(r.data.messages);
      renderNotes(r.data.notes);
      renderMine();
      $('messageText').focus();
    });
  }

  function showChat(chat) {
    $('chatTitle').textContent = (PRIORITY[chat.priority] || '') + ' chat · ' + (LANGUAGE[chat.userLanguage] || chat.userLanguage);
    $('chatMeta').textContent = [chat.channel, chat.category, chat.district, chat.caseRef ? 'Case ' + chat.caseRef : null, chat.state].filter(Boolean).join(' · ');
    $('chatSummary').textContent = chat.summary;
    $('chatSummary').lang = chat.userLanguage;
    var mine = chat.state === 'active' && (chat.counsellorId === state.user.username || state.user.role === 'supervisor');
    setLive(mine, mine ? '' : chat.state === 'ended' ? 'This chat has ended.' : 'This chat is no longer yours.');
  }

  function setLive(live, why) {
    Array.prototype.forEach.call(document.querySelectorAll('#sendForm *, #cannedForm *, #transferForm *, #closeForm *'), function (c) { c.disabled = !live; });
    $('chatError').textContent = why;
  }

  function appendMessages(messages) {
    var list = $('transcript');
    messages.forEach(function (m) {
      if (list.querySelector('[data-id="' + CSS.escape(m.id) + '"]')) return;
      var li = el('li', 'msg ' + m.from);
      li.dataset.id = m.id;
      if (m.from === 'user') li.lang = state.openLang;
      var text = m.text !== null ? m.text : (m.notice && NOTICE[m.notice.key]) || '';
      var who = m.from === 'user' ? 'User' : m.from === 'counsellor' ? 'Counsellor' : 'Notice';
      li.appendChild(el('span', 'visually-hidden', who + ': '));
      li.appendChild(document.createTextNode(text));
      var time = el('time', '', clock(m.at)); time.dateTime = new Date(m.at).toISOString();
      li.appendChild(time);
      list.appendChild(li);
      state.lastMsgId = m.id;
    });
    list.scrollTop = list.scrollHeight;
  }

  function renderNotes(notes) {
    var list = $('notes');
    list.textContent = '';
    notes.forEach(function (n) { list.appendChild(noteItem(n)); });
  }

  function noteItem(n) { return el('li', '', clock(n.at) + ' · ' + n.author + ': ' + n.text); }

  $('noteForm').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('noteText').value.trim();
    if (!text || !state.open) return;
    var id = state.open;
    api('POST', 'chats/' + encodeURIComponent(id) + '/notes', { text: text }).then(function (r) {
      if (!r.ok) { $('chatError').textContent = r.data.error || 'Note not saved.'; return; }
      $('noteText').value = '';
      if (state.open === id) $('notes').appendChild(noteItem(r.data.note));
    });
  });

  function fetchNewMessages() {
    if (!state.open) return;
    var id = state.open;
    var q = state.lastMsgId ? '?after=' + encodeURIComponent(state.lastMsgId) : '';
    api('GET', 'chats/' + encodeURIComponent(id) + '/messages' + q).then(function (r) {
      if (state.open !== id) return;
      if (r.ok) appendMessages(r.data.messages);
      if (!r.ok || r.data.state !== 'active') setLive(false, r.ok ? 'This chat has ended.' : 'This chat is no longer yours.');
    });
  }

  function send() {
    var box = $('messageText');
    var text = box.value.trim();
    if (!text || !state.open) return;
    var msgId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    api('POST', 'chats/' + encodeURIComponent(state.open) + '/messages', { text: text, msgId: msgId }).then(function (r) {
      if (r.ok) { box.value = ''; $('chatError').textContent = ''; appendMessages([r.data.message]); }
      else $('chatError').textContent = r.data.error || 'Not sent.';
    });
  }
  $('sendForm').addEventListener('submit', function (e) { e.preventDefault(); send(); });
  $('messageText').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });

  function afterAction(r) {
    if (!r.ok) { $('chatError').textContent = r.data.error || 'That did not work.'; return; }
    showChat(r.data.chat);
    fetchNewMessages();
    refreshQueue();
    $('claimNext').focus();
  }

  $('closeForm').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!state.open) return;
    api('POST', 'chats/' + encodeURIComponent(state.open) + '/close', { disposition: $('disposition').value }).then(afterAction);
  });

  $('transferForm').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!state.open) return;
    var choice = $('transferTo').value;
    var body = choice.indexOf('queue:') === 0 ? { queueLanguage: choice.slice(6) } : { to: choice };
    api('POST', 'chats/' + encodeURIComponent(state.open) + '/transfer', body).then(afterAction);
  });

  // Quick replies: labelled in English, inserted in the user's own language for the counsellor to edit and send.
  function loadCanned() {
    api('GET', 'canned').then(function (r) {
      if (!r.ok) return;
      state.canned = r.data.canned;
      var select = $('canned');
      select.textContent = '';
      Object.keys(r.data.canned.en).forEach(function (key) {
        var o = el('option', '', r.data.canned.en[key].replace('{{alias}}', state.user.alias)); o.value = key; select.appendChild(o);
      });
    });
  }

  $('cannedForm').addEventListener('submit', function (e) {
    e.preventDefault();
    var lang = (state.canned && state.canned[state.openLang]) || {};
    var text = (lang[$('canned').value] || '').replace('{{alias}}', state.user.alias);
    var box = $('messageText');
    box.value = box.value ? box.value + ' ' + text : text;
    box.focus();
  });

  function loadColleagues() {
    api('GET', 'colleagues').then(function (r) {
      if (!r.ok) return;
      var select = $('transferTo');
      select.textContent = '';
      ['as', 'hi', 'en'].forEach(function (l) {
        var o = el('option', '', 'Back to the queue (' + LANGUAGE[l] + ')'); o.value = 'queue:' + l; select.appendChild(o);
      });
      r.data.colleagues.filter(function (c) { return c.username !== state.user.username; }).forEach(function (c) {
        var o = el('option', '', c.alias + ' (' + c.languages.join(', ') + ')'); o.value = c.username; select.appendChild(o);
      });
    });
  }

  // ---- live changes ----
  var queueRefresh = null;
  function listen() {
    if (state.events) state.events.close();
    state.events = new EventSource('/console/api/events');
    state.events.addEventListener('queue', function (e) {
      var ev = JSON.parse(e.data);
      if (ev.chatId === state.open) fetchNewMessages();
      if (ev.type !== 'message') {
        clearTimeout(queueRefresh);
        queueRefresh = setTimeout(refreshQueue, 150);
      }
    });
  }

  // ---- keyboard ----
  document.addEventListener('keydown', function (e) {
    if (!e.altKey || !state.csrf) return;
    var key = e.key.toLowerCase();
    if (key === 'n') { e.preventDefault(); $('claimNext').click(); }
    else if (key === 'm' && !$('chat').hidden) { e.preventDefault(); $('messageText').focus(); }
    else if (key === 'q') { e.preventDefault(); var first = document.querySelector('#queueRows button'); if (first) first.focus(); }
  });

  api('GET', 'session').then(function (r) { if (r.ok) signedIn(r.data); });
})();
