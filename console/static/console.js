// The counsellors' console. Plain script, no build step. Everything a user wrote is put on the page
// with textContent, never as HTML. Only the JSON API under /console/api/ is used.
'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var state = { csrf: null, user: null, open: null, lastMsgId: null, queue: [], active: [], seenUrgent: {}, events: null, timers: [] };
  var LONG_WAIT_SECONDS = 300; // a wait past this is shown in red (the server's CONSOLE_LONG_WAIT_SECONDS, read at sign-in)
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
    state.settings = data.settings || { longWaitSeconds: 300, cases: false, services: false };
    LONG_WAIT_SECONDS = state.settings.longWaitSeconds || 300;
    $('loginView').hidden = true;
    $('tabs').hidden = false;
    $('tabCases').hidden = !state.settings.cases;
    $('tabSupervisor').hidden = data.user.role !== 'supervisor';
    $('servicesPanel').hidden = !state.settings.services;
    showTab('chats');
    $('who').hidden = false;
    $('whoName').textContent = data.user.alias + ' (' + data.user.role + ')';
    listen();
    refreshQueue();
    loadColleagues();
    loadCanned();
    loadDistricts();
    if (state.settings.cases) refreshCases();
    heartbeat();
    state.timers.push(setInterval(heartbeat, 10000), setInterval(tickWaits, 1000), setInterval(refreshQueue, 30000), setInterval(function () {
      if (state.tab === 'cases') refreshCases();
      if (state.tab === 'supervisor') refreshSupervisor();
    }, 30000));
    $('claimNext').focus();
  }

  function signedOut() {
    if (state.events) state.events.close();
    state.timers.forEach(clearInterval);
    state = { csrf: null, user: null, open: null, lastMsgId: null, queue: [], active: [], seenUrgent: {}, events: null, timers: [] };
    $('workView').hidden = true;
    $('casesView').hidden = true;
    $('supervisorView').hidden = true;
    $('tabs').hidden = true;
    $('caseDetail').hidden = true;
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
      showUserTyping(false);
      showChat(r.data.chat);
      appendMessages(r.data.messages);
      renderNotes(r.data.notes);
      renderMine();
      loadServices('');
      $('messageText').focus();
    });
  }

  function showChat(chat) {
    $('chatTitle').textContent = (PRIORITY[chat.priority] || '') + ' chat · ' + (LANGUAGE[chat.userLanguage] || chat.userLanguage);
    $('chatMeta').textContent = [chat.channel, chat.category, chat.district, chat.caseRef ? 'Case ' + chat.caseRef : null, chat.state].filter(Boolean).join(' · ');
    $('chatSummary').textContent = chat.summary;
    $('chatSummary').lang = chat.userLanguage;
    var withCase = Boolean(state.settings && state.settings.cases && chat.caseRef && /^SM-[0-9A-Z]{6}$/.test(chat.caseRef));
    $('chatCaseBox').hidden = !withCase;
    $('chatCase').dataset.ref = withCase ? chat.caseRef : '';
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

  // ---- nearest services: one click sends a service's card, in the user's language ----
  function loadDistricts() {
    api('GET', 'districts').then(function (r) {
      if (!r.ok) return;
      state.districts = r.data.districts;
      ['servicesDistrict', 'fDistrict'].forEach(function (id) {
        var select = $(id);
        while (select.options.length > 1) select.remove(1);
        r.data.districts.forEach(function (d) { var o = el('option', '', d.name); o.value = d.id; select.appendChild(o); });
      });
    });
  }

  function districtName(id) {
    var found = (state.districts || []).filter(function (d) { return d.id === id; })[0];
    return found ? found.name : id;
  }

  function loadServices(district) {
    if (!state.open || !state.settings || !state.settings.services) return;
    var id = state.open;
    api('GET', 'chats/' + encodeURIComponent(id) + '/services' + (district ? '?district=' + encodeURIComponent(district) : '')).then(function (r) {
      if (state.open !== id) return;
      var list = $('services');
      list.textContent = '';
      if (!r.ok) { $('servicesNotice').textContent = r.data.error || 'Could not load services.'; return; }
      $('servicesDistrictName').textContent = r.data.district ? '· ' + districtName(r.data.district) : '· district not known: pick one';
      $('servicesNotice').textContent = r.data.district ? '' : 'Only the statewide helplines are shown until a district is chosen.';
      r.data.services.forEach(function (svc) {
        var li = el('li', 'service');
        li.dataset.id = svc.id;
        var head = el('div', 'service-head');
        head.appendChild(el('strong', '', svc.name));
        if (svc.distanceKm !== null) head.appendChild(el('span', 'muted', ' · ' + svc.distanceKm + ' km from the district town'));
        if (!svc.verified) head.appendChild(el('span', 'badge p2', 'unverified'));
        li.appendChild(head);
        li.appendChild(el('div', 'muted', [svc.phones.join(', '), svc.address].filter(Boolean).join(' · ')));
        var btn = el('button', 'send-service', 'Send to user');
        btn.type = 'button';
        btn.setAttribute('aria-label', 'Send ' + svc.name + ' to the user');
        btn.addEventListener('click', function () {
          api('POST', 'chats/' + encodeURIComponent(id) + '/services', { serviceId: svc.id, district: district || undefined }).then(function (s) {
            if (s.ok) { appendMessages([s.data.message]); $('servicesNotice').textContent = 'Sent: ' + svc.name; }
            else $('servicesNotice').textContent = s.data.error || 'Not sent.';
          });
        });
        li.appendChild(btn);
        list.appendChild(li);
      });
    });
  }

  $('servicesForm').addEventListener('submit', function (e) { e.preventDefault(); loadServices($('servicesDistrict').value); });

  // ---- tabs ----
  var TABS = { chats: ['tabChats', 'workView'], cases: ['tabCases', 'casesView'], supervisor: ['tabSupervisor', 'supervisorView'] };
  function showTab(name) {
    Object.keys(TABS).forEach(function (key) {
      var on = key === name;
      $(TABS[key][0]).setAttribute('aria-selected', String(on));
      $(TABS[key][0]).tabIndex = on ? 0 : -1;
      $(TABS[key][1]).hidden = !on;
    });
    state.tab = name;
    if (name === 'cases') refreshCases();
    if (name === 'supervisor') refreshSupervisor();
  }
  $('tabChats').addEventListener('click', function () { showTab('chats'); });
  $('tabCases').addEventListener('click', function () { showTab('cases'); });
  $('tabSupervisor').addEventListener('click', function () { showTab('supervisor'); });
  $('tabs').addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    var visible = Object.keys(TABS).filter(function (k) { return !$(TABS[k][0]).hidden; });
    var next = visible[(visible.indexOf(state.tab) + (e.key === 'ArrowRight' ? 1 : visible.length - 1)) % visible.length];
    showTab(next); $(TABS[next][0]).focus();
  });

  // ---- cases and callbacks ----
  var STATUS = { 'new': 'New', queued: 'Queued (chat)', in_progress: 'In progress', assigned: 'Assigned', referred: 'Referred', closed: 'Closed' };
  var REFERRAL = { police: 'Police', sjpu: 'SJPU', cwc: 'CWC', 'one-stop-centre': 'One Stop Centre', dcpu: 'DCPU', dlsa: 'DLSA', health: 'Health', other: 'Other' };
  var OUTCOME = { called: 'Called', 'no-answer': 'No answer', done: 'Done' };

  function caseQuery() {
    var q = [];
    [['status', 'fStatus'], ['kind', 'fKind'], ['district', 'fDistrict'], ['category', 'fCategory'], ['risk', 'fRisk']].forEach(function (p) {
      if ($(p[1]).value) q.push(p[0] + '=' + encodeURIComponent($(p[1]).value));
    });
    if ($('fMine').checked) q.push('assignee=me');
    return q.length ? '?' + q.join('&') : '';
  }

  function refreshCases() {
    if (!state.csrf || !state.settings || !state.settings.cases) return;
    api('GET', 'cases' + caseQuery()).then(function (r) {
      if (!r.ok) { $('casesNotice').textContent = r.data.error || 'Could not load cases.'; return; }
      $('casesNotice').textContent = '';
      var categories = $('fCategory');
      if (categories.options.length === 1) r.data.categories.forEach(function (c) { var o = el('option', '', c.replace(/_/g, ' ')); o.value = c; categories.appendChild(o); });
      renderCases(r.data.cases);
    });
  }

  function renderCases(cases) {
    var body = $('caseRows');
    body.textContent = '';
    cases.forEach(function (c) {
      var tr = el('tr', c.risk === 'high' ? 'p2' : '');
      tr.dataset.ref = c.ref;
      var ref = el('td', '', c.ref);
      if (c.kind === 'callback') { ref.appendChild(document.createTextNode(' ')); ref.appendChild(el('span', 'badge callback', 'Callback')); }
      tr.appendChild(ref);
      tr.appendChild(el('td', 'status', STATUS[c.status] || c.status));
      var risk = el('td'); risk.appendChild(el('span', 'badge ' + (c.dangerNow ? 'p1' : c.risk === 'high' ? 'p2' : 'p3'), c.dangerNow ? 'Danger now' : c.risk === 'high' ? 'High' : 'Normal'));
      tr.appendChild(risk);
      tr.appendChild(el('td', '', [c.category.replace(/_/g, ' '), c.district ? districtName(c.district) : null].filter(Boolean).join(' · ')));
      tr.appendChild(el('td', 'wait', waited(c.waitingSeconds)));
      tr.appendChild(el('td', 'assignee', c.assignee || '—'));
      var act = el('td'); var btn = el('button', '', 'Open');
      btn.type = 'button';
      btn.setAttribute('aria-label', 'Open case ' + c.ref);
      btn.addEventListener('click', function () { openCase(c.ref); });
      act.appendChild(btn); tr.appendChild(act);
      body.appendChild(tr);
    });
    $('casesEmpty').hidden = cases.length > 0;
    $('casesTable').hidden = cases.length === 0;
    // The tab's badge: cases nobody has taken yet, counted only from the unfiltered list.
    if (caseQuery() === '') $('casesCount').textContent = cases.filter(function (c) { return !c.assignee && c.status !== 'closed' && c.status !== 'referred'; }).length;
  }

  ['fStatus', 'fKind', 'fDistrict', 'fCategory', 'fRisk', 'fMine'].forEach(function (id) { $(id).addEventListener('change', refreshCases); });
  $('caseFilters').addEventListener('submit', function (e) { e.preventDefault(); refreshCases(); });
  $('casesRefresh').addEventListener('click', refreshCases);

  function openCase(ref) {
    api('GET', 'cases/' + encodeURIComponent(ref)).then(function (r) {
      if (!r.ok) { $('casesNotice').textContent = r.data.error || 'Could not open the case.'; return; }
      state.openCase = ref;
      $('caseDetail').hidden = false;
      $('caseError').textContent = '';
      $('casePhone').textContent = '';
      showCase(r.data.case, r.data.notes);
      $('takeCase').focus();
    });
  }

  function fact(list, term, value) {
    if (value === null || value === undefined || value === '') return;
    list.appendChild(el('dt', '', term)); list.appendChild(el('dd', '', value));
  }

  function showCase(c, notes) {
    $('caseTitle').textContent = (c.kind === 'callback' ? 'Callback request ' : 'Case ') + c.ref;
    $('caseMeta').textContent = (STATUS[c.status] || c.status) + (c.assignee ? ' · held by ' + c.assignee : ' · nobody holds it');
    var facts = $('caseFacts'); facts.textContent = '';
    fact(facts, 'Risk', c.dangerNow ? 'Danger now' : c.risk);
    fact(facts, 'Category', c.category.replace(/_/g, ' '));
    fact(facts, 'District', c.district ? districtName(c.district) : null);
    fact(facts, 'Reporter', c.reporter);
    fact(facts, 'Child', [c.age, c.gender].filter(Boolean).join(', '));
    fact(facts, 'When', c.when);
    fact(facts, 'Language · channel', (LANGUAGE[c.language] || c.language) + ' · ' + c.channel);
    fact(facts, 'Received', new Date(c.createdAt).toLocaleString());
    fact(facts, 'Referred', c.referral ? (REFERRAL[c.referral.to] || c.referral.to) + (c.referral.at ? ' on ' + new Date(c.referral.at).toLocaleString() : '') : null);
    fact(facts, 'Callback', c.callback ? (OUTCOME[c.callback.outcome] || c.callback.outcome) + (c.callback.at ? ' at ' + new Date(c.callback.at).toLocaleString() : '') : null);
    fact(facts, 'Chat', c.chatId ? 'also came as a chat' : null);
    $('caseDetails').textContent = c.details || (c.kind === 'callback' ? 'A caller on the phone line asked to be called back.' : 'No details given (anonymous or brief report).');
    $('caseDetails').lang = c.language;
    $('phoneBox').hidden = !c.hasPhone;
    $('callbackBox').hidden = !c.hasPhone;
    $('takeCase').hidden = c.assignee === state.user.username;
    $('caseStatus').value = ['new', 'assigned', 'referred', 'closed'].indexOf(c.status) >= 0 ? c.status : 'new';
    var list = $('caseNotes'); list.textContent = '';
    (notes || []).forEach(function (n) { list.appendChild(noteItem(n)); });
    var assign = $('assignTo');
    if (assign.options.length === 0) {
      api('GET', 'colleagues').then(function (r) {
        if (!r.ok) return;
        r.data.colleagues.forEach(function (col) { var o = el('option', '', col.alias + ' (' + col.username + ')'); o.value = col.username; assign.appendChild(o); });
      });
    }
  }

  function changeCase(body) {
    if (!state.openCase) return;
    var ref = state.openCase;
    api('POST', 'cases/' + encodeURIComponent(ref), body).then(function (r) {
      if (!r.ok) { $('caseError').textContent = r.data.error || 'That did not work.'; return; }
      $('caseError').textContent = '';
      if (state.openCase === ref) showCase(r.data.case, r.data.notes);
      refreshCases();
    });
  }

  $('chatCase').addEventListener('click', function () {
    var ref = $('chatCase').dataset.ref;
    if (!ref) return;
    showTab('cases');
    openCase(ref);
  });
  $('takeCase').addEventListener('click', function () { changeCase({ assignee: 'me' }); });
  $('assignForm').addEventListener('submit', function (e) { e.preventDefault(); changeCase({ assignee: $('assignTo').value }); });
  $('statusForm').addEventListener('submit', function (e) { e.preventDefault(); changeCase({ status: $('caseStatus').value }); });
  $('referralForm').addEventListener('submit', function (e) {
    e.preventDefault();
    var at = $('referralAt').value ? new Date($('referralAt').value).getTime() : undefined;
    changeCase({ referral: { to: $('referralTo').value, at: at } });
  });
  Array.prototype.forEach.call(document.querySelectorAll('#callbackBox .callback'), function (btn) {
    btn.addEventListener('click', function () { changeCase({ callback: btn.dataset.outcome }); });
  });
  $('caseNoteForm').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('caseNoteText').value.trim();
    if (!text) return;
    $('caseNoteText').value = '';
    changeCase({ note: text });
  });
  $('revealPhone').addEventListener('click', function () {
    if (!state.openCase) return;
    var ref = state.openCase;
    api('POST', 'cases/' + encodeURIComponent(ref) + '/reveal-phone').then(function (r) {
      if (state.openCase !== ref) return;
      if (r.ok) $('casePhone').textContent = r.data.phone;
      else $('caseError').textContent = r.data.error || 'Could not show the number.';
    });
  });

  // ---- supervisor ----
  function refreshSupervisor() {
    if (!state.user || state.user.role !== 'supervisor') return;
    api('GET', 'supervisor').then(function (r) {
      if (!r.ok) return;
      var d = r.data;
      var rows = $('presenceRows'); rows.textContent = '';
      d.signedIn.forEach(function (u) {
        var tr = el('tr'); tr.dataset.username = u.username;
        [u.alias + ' (' + u.username + ')', u.role, u.languages.join(', '), u.chats + ' / ' + u.capacity, waited(u.lastSeenSeconds) + ' ago'].forEach(function (v) { tr.appendChild(el('td', '', v)); });
        rows.appendChild(tr);
      });
      $('presenceCount').textContent = d.signedIn.length;
      var live = $('liveRows'); live.textContent = '';
      d.live.forEach(function (c) {
        var tr = el('tr', 'p' + c.priority); tr.dataset.id = c.id;
        var prio = el('td'); prio.appendChild(el('span', 'badge p' + c.priority, PRIORITY[c.priority] || c.priority)); tr.appendChild(prio);
        tr.appendChild(el('td', '', LANGUAGE[c.userLanguage] || c.userLanguage));
        tr.appendChild(el('td', '', c.channel));
        tr.appendChild(el('td', '', c.counsellorAlias || c.counsellorId));
        tr.appendChild(el('td', 'wait', c.heldSeconds === null ? '—' : waited(c.heldSeconds)));
        var summary = el('td', 'summary', c.summary); summary.lang = c.userLanguage; tr.appendChild(summary);
        var act = el('td'); var btn = el('button', '', 'Open'); btn.type = 'button';
        btn.addEventListener('click', function () { showTab('chats'); openChat(c.id); });
        act.appendChild(btn); tr.appendChild(act);
        live.appendChild(tr);
      });
      $('liveCount').textContent = d.live.length;
      var waiting = $('allWaitingRows'); waiting.textContent = '';
      d.waiting.forEach(function (w) {
        var tr = el('tr', 'p' + w.priority + (w.longWait ? ' long-wait' : '')); tr.dataset.id = w.id;
        var prio = el('td'); prio.appendChild(el('span', 'badge p' + w.priority, PRIORITY[w.priority] || w.priority)); tr.appendChild(prio);
        tr.appendChild(el('td', w.longWait ? 'wait long' : 'wait', waited(w.waitingSeconds)));
        tr.appendChild(el('td', '', LANGUAGE[w.language] || w.language));
        tr.appendChild(el('td', '', w.channel));
        var summary = el('td', 'summary', w.summary); summary.lang = w.language; tr.appendChild(summary);
        waiting.appendChild(tr);
      });
      $('allWaitingCount').textContent = d.waiting.length;
      $('longWaitNote').textContent = '(red: waiting over ' + waited(d.longWaitSeconds) + ')';
    });
    api('GET', 'audit').then(function (r) {
      if (!r.ok) return;
      var list = $('auditList'); list.textContent = '';
      r.data.entries.slice(0, 50).forEach(function (a) {
        list.appendChild(el('li', '', clock(a.at) + ' · ' + a.actor + ' · ' + a.action + [a.chatId ? ' chat ' + a.chatId : '', a.caseRef ? ' case ' + a.caseRef : '', a.detail ? ' (' + a.detail + ')' : ''].join('')));
      });
    });
  }
  $('supervisorRefresh').addEventListener('click', refreshSupervisor);

  // ---- live changes ----
  var queueRefresh = null;
  function listen() {
    if (state.events) state.events.close();
    state.events = new EventSource('/console/api/events');
    state.events.addEventListener('queue', function (e) {
      var ev = JSON.parse(e.data);
      if (ev.chatId === state.open) {
        if (ev.type === 'message' && ev.from === 'user') showUserTyping(false);
        fetchNewMessages();
      }
      if (ev.type !== 'message') {
        clearTimeout(queueRefresh);
        queueRefresh = setTimeout(function () { refreshQueue(); if (state.tab === 'supervisor') refreshSupervisor(); if (state.tab === 'cases') refreshCases(); }, 150);
      }
    });
    // The user of a chat is typing (sent every few seconds while they do).
    state.events.addEventListener('typing', function (e) {
      var ev = JSON.parse(e.data);
      if (ev.chatId === state.open && ev.from === 'user') showUserTyping(true);
    });
    // A case was created or changed (its reference only): the inbox and its count follow.
    state.events.addEventListener('case', function () {
      clearTimeout(caseRefresh);
      caseRefresh = setTimeout(refreshCases, 200);
    });
  }
  var caseRefresh = null;

  var typingTimer = null;
  function showUserTyping(on) {
    clearTimeout(typingTimer);
    $('chatTyping').hidden = !on;
    if (on) typingTimer = setTimeout(function () { $('chatTyping').hidden = true; }, 5000);
  }

  // The counsellor's typing, for the user's channel: at most once every 3 s, while there is text.
  var lastTypingSent = 0;
  $('messageText').addEventListener('input', function () {
    var now = Date.now();
    if (!state.open || $('messageText').disabled || !$('messageText').value.trim() || now - lastTypingSent < 3000) return;
    lastTypingSent = now;
    api('POST', 'chats/' + encodeURIComponent(state.open) + '/typing');
  });

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
