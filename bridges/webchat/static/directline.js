/* Sishu Mitra DirectLine-like connection over the web chat socket. Used by the chat page itself,
 * and by sites that embed botframework-webchat: pass `SishuMitraDirectLine.create({ domain })` as
 * its `directLine`. It has what botframework-webchat uses: activity$, connectionStatus$,
 * postActivity and end. It reconnects by itself, resumes after the last activity it saw, resends
 * what the server has not echoed, and never emits an activity id twice. Plain ES2017. */
(function (root) {
  'use strict';
  var STATUS = { Uninitialized: 0, Connecting: 1, Online: 2, ExpiredToken: 3, FailedToConnect: 4, Ended: 5 };
  var KEY = 'sishu-chat';
  var observableSymbol = (typeof Symbol === 'function' && Symbol.observable) || '@@observable';

  /* A minimal hot observable, enough for botframework-webchat and the page. With `hasValue` it
   * replays the current value to each new subscriber (a BehaviorSubject). */
  function Subject(hasValue, value) {
    this.observers = [];
    this.hasValue = hasValue;
    this.value = value;
  }
  Subject.prototype.subscribe = function (next, error, complete) {
    var observer = typeof next === 'function' || !next ? { next: next, error: error, complete: complete } : next;
    var observers = this.observers;
    observers.push(observer);
    if (this.hasValue && observer.next) observer.next(this.value);
    var subscription = { closed: false, unsubscribe: function () { subscription.closed = true; var i = observers.indexOf(observer); if (i >= 0) observers.splice(i, 1); } };
    return subscription;
  };
  Subject.prototype.next = function (value) {
    this.value = value;
    this.observers.slice().forEach(function (o) { if (o.next) o.next(value); });
  };
  Subject.prototype.complete = function () {
    this.observers.slice().forEach(function (o) { if (o.complete) o.complete(); });
    this.observers = [];
  };
  Subject.prototype[observableSymbol] = function () { return this; };

  function sessionStore() {
    return {
      get: function () { try { return JSON.parse(root.sessionStorage.getItem(KEY)); } catch (e) { return null; } },
      set: function (v) { try { root.sessionStorage.setItem(KEY, JSON.stringify(v)); } catch (e) { /* private mode */ } },
    };
  }

  function create(options) {
    options = options || {};
    var base = new URL(options.domain || root.location.href);
    var url = (base.protocol === 'https:' ? 'wss://' : 'ws://') + base.host + (options.socketPath || '/webchat/ws');
    var store = options.store || sessionStore();
    var session = store.get(); // { c: conversation id, k: resume token }
    var activity$ = new Subject(false);
    var connectionStatus$ = new Subject(true, STATUS.Uninitialized);
    var seen = {};
    var watermark = 0;
    var unacked = []; // { activity, observer }
    var ws = null, retries = 0, timer = 0, ended = false;

    function transmit(activity) {
      if (ws && ws.readyState === 1) ws.send(JSON.stringify(activity));
    }

    function receive(a) {
      if (a.type === 'event' && a.name === 'webchat/session') {
        var v = a.value || {};
        if (!session || session.c !== v.conversationId) {
          session = { c: v.conversationId, k: v.token };
          store.set(session);
          seen = {};
          watermark = 0;
        }
        retries = 0;
        connectionStatus$.next(STATUS.Online);
        unacked.forEach(function (u) { transmit(u.activity); }); // the server drops any it already has
        return;
      }
      if (a.type === 'error') {
        activity$.next({ type: 'event', name: 'webchat/error', value: { code: a.code } });
        if (a.code === 'unavailable') setTimeout(function () { unacked.forEach(function (u) { transmit(u.activity); }); }, 3000);
        return;
      }
      if (a.id) {
        if (Number(a.id) > watermark) watermark = Number(a.id);
        if (seen[a.id]) return;
        seen[a.id] = true;
      }
      var cid = a.channelData && a.channelData.clientActivityID;
      if (cid) {
        unacked = unacked.filter(function (u) {
          if (u.activity.channelData.clientActivityID !== cid) return true;
          if (u.observer.next) u.observer.next(a.id);
          if (u.observer.complete) u.observer.complete();
          return false;
        });
      }
      activity$.next(a);
    }

    function connect() {
      clearTimeout(timer);
      if (ended || (ws && ws.readyState < 2)) return;
      connectionStatus$.next(STATUS.Connecting);
      var q = '?locale=' + encodeURIComponent(api.locale || '');
      if (session) q += '&conversationId=' + encodeURIComponent(session.c) + '&token=' + encodeURIComponent(session.k) + '&watermark=' + watermark;
      ws = new WebSocket(url + q);
      ws.onmessage = function (e) {
        var a;
        try { a = JSON.parse(e.data); } catch (x) { return; }
        receive(a);
      };
      ws.onclose = function () {
        ws = null;
        if (ended) return;
        connectionStatus$.next(STATUS.Connecting);
        // Back off (0.5 s, 1 s, 2 s ... 15 s) with jitter, so a restarted server is not stampeded.
        timer = setTimeout(connect, Math.min(15000, 500 * Math.pow(2, retries++)) + Math.random() * 500);
      };
    }

    /* Only what the server takes: text, a button's value, a location; the rest stays here. */
    function toFrame(activity) {
      var cd = activity.channelData || {};
      var frame = { type: 'message', locale: activity.locale || api.locale, channelData: { clientActivityID: cd.clientActivityID || 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) } };
      if (activity.text) frame.text = activity.text;
      if (typeof activity.value === 'string') frame.value = activity.value;
      var geo = (activity.entities || []).filter(function (e) { return e && e.type === 'GeoCoordinates'; });
      if (geo.length) frame.entities = [{ type: 'GeoCoordinates', latitude: geo[0].latitude, longitude: geo[0].longitude }];
      return frame;
    }

    var api = {
      locale: options.locale,
      activity$: activity$,
      connectionStatus$: connectionStatus$,
      postActivity: function (activity) {
        var result = new Subject(false);
        var deferred = {
          subscribe: function (next, error, complete) {
            var sub = result.subscribe(next, error, complete);
            if (activity.type !== 'message') {
              // Typing goes live when connected, never queued or resent; other events mean nothing here.
              if (activity.type === 'typing') transmit({ type: 'typing' });
              result.next('');
              result.complete();
              return sub;
            }
            var frame = toFrame(activity);
            unacked.push({ activity: frame, observer: result });
            transmit(frame);
            return sub;
          },
        };
        deferred[observableSymbol] = function () { return deferred; };
        return deferred;
      },
      end: function () {
        ended = true;
        clearTimeout(timer);
        if (ws) ws.close(1000);
        connectionStatus$.next(STATUS.Ended);
      },
      /** Reconnects at once (the page calls it when the phone is back online). */
      reconnect: function () { retries = 0; connect(); },
    };
    // Connect when the first listener arrives, so no activity is emitted before anyone hears it.
    var subscribeActivities = activity$.subscribe;
    activity$.subscribe = function () {
      var subscription = subscribeActivities.apply(activity$, arguments);
      connect();
      return subscription;
    };
    return api;
  }

  root.SishuMitraDirectLine = { create: create, ConnectionStatus: STATUS };
})(window);
