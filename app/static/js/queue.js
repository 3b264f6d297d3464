/* The tablet's offline queue: what was tapped, kept in IndexedDB until the server
 * has answered it, and sent to POST /api/v1/sync/batch in the order it was made.
 *
 * - Every item carries a client event id (a UUID made here). An item leaves the
 *   queue only when the server answered it 200/201 (recorded, or recorded before)
 *   or refused it for good (404/409/422). A lost answer means sending the same ids
 *   again; the server answers those as duplicates, so nothing is counted twice.
 * - One sender at a time, across tabs (the Web Locks API where there is one).
 * - No DOM here: the page listens with BiebQueue.subscribe(fn).
 */
(function () {
  "use strict";

  var DB_NAME = "bieb-tablet";
  var DB_VERSION = 1;
  var BATCH = 500; // the server takes up to 1000 items a request
  var SEND_TIMEOUT = 20000; // ms before a request that hangs counts as lost
  var LOCK = "bieb-tablet-sync";
  var FINAL = [400, 404, 409, 410, 422]; // an item refused for good

  var config = { urls: {}, csrfToken: "" };
  var listeners = [];
  var dbPromise = null;
  var localLock = Promise.resolve();
  var lastError = null; // "offline" | "revoked" | "server" | null
  var retryTimer = null;
  var failures = 0;

  // ---- IndexedDB -------------------------------------------------------------

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        // The items waiting to be sent, in the order they were made.
        var queue = db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        queue.createIndex("id", "id", { unique: true });
        // Sessions this tablet knows: opened here, or loaded from the server.
        db.createObjectStore("sessions", { keyPath: "session_id" });
        // The check-ins tapped here, so the last one can be undone after a sync.
        var taps = db.createObjectStore("taps", { keyPath: "id" });
        taps.createIndex("session", "session_id");
        // Small facts: when the last sync was, refusals to show.
        db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  /* Run fn(stores) in one transaction; resolves with fn's result once committed. */
  function tx(names, mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = t.objectStore(name); });
        var result;
        Promise.resolve(fn(stores)).then(function (value) { result = value; }, function (error) {
          t.abort();
          reject(error);
        });
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error || new Error("aborted")); };
      });
    });
  }

  function all(store, query) {
    return done(store.getAll(query));
  }

  // ---- the items ----------------------------------------------------------

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* Now as ISO 8601 with the tablet's own offset: 2025-03-14T10:05:00.123+01:00 */
  function now() {
    var d = new Date();
    var offset = -d.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    var abs = Math.abs(offset);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
      "." + String(d.getMilliseconds()).padStart(3, "0") +
      sign + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
  }

  function item(kind, sessionId, fields) {
    var made = { kind: kind, id: uuid(), occurred_at: now(), session_id: sessionId };
    Object.keys(fields || {}).forEach(function (name) { made[name] = fields[name]; });
    return made;
  }

  /* An item names its session's branch when the tablet knows it (an account
   * that reaches several branches must; a tablet's own branch is implied). */
  function branchOf(stores, sessionId, made) {
    return done(stores.sessions.get(sessionId)).then(function (session) {
      if (session && session.branch) made.branch = session.branch;
      return session;
    });
  }

  function record(made) {
    return { id: made.id, kind: made.kind, session_id: made.session_id, item: made, sending: false };
  }

  /* Open a session of an activity: the session id is made here. */
  function openSession(activity) {
    var sessionId = uuid().replace(/-/g, "");
    var fields = { activity_id: activity.activity_id };
    if (activity.branch) fields.branch = activity.branch;
    var made = item("session_open", sessionId, fields);
    var session = {
      session_id: sessionId,
      activity_id: activity.activity_id,
      branch: activity.branch || null,
      title: activity.title,
      default_role: activity.default_role || null,
      opened_at: made.occurred_at,
      opened_here: true,
      status: "open",
      server_count: 0,
      server_known: false,
      seen_at: Date.now(),
    };
    return tx(["queue", "sessions"], "readwrite", function (s) {
      s.queue.add(record(made));
      s.sessions.put(session);
    }).then(function () {
      changed();
      return session;
    });
  }

  /* One check-in: role, age band, and the optional district and new target group. */
  function checkIn(sessionId, fields, label) {
    var made = item("checkin", sessionId, {
      role: fields.role,
      age_band: fields.age_band,
      district: fields.district || null,
      new_target_group: fields.new_target_group || null,
    });
    return tx(["queue", "taps", "sessions"], "readwrite", function (s) {
      return branchOf(s, sessionId, made).then(function () {
        s.queue.add(record(made));
        s.taps.put({ id: made.id, session_id: sessionId, at: Date.now(), label: label || "" });
      });
    }).then(function () {
      changed();
      return made;
    });
  }

  /* Undo the last check-in of a session still standing: dropped from the queue
   * if it was not sent yet, else retracted by a checkin_retract item. */
  function undoLast(sessionId) {
    return tx(["queue", "taps", "sessions"], "readwrite", function (s) {
      return all(s.taps.index("session"), sessionId).then(function (taps) {
        taps.sort(function (a, b) { return a.at - b.at; });
        var last = taps[taps.length - 1];
        if (!last) return null;
        return done(s.queue.index("id").get(last.id)).then(function (queued) {
          s.taps.delete(last.id);
          if (queued && !queued.sending) {
            s.queue.delete(queued.seq);
            return { undone: last, how: "dropped" };
          }
          // Sent, or on its way: the server gets a retraction after it, in order.
          var retract = item("checkin_retract", sessionId, { checkin_id: last.id });
          return branchOf(s, sessionId, retract).then(function () {
            s.queue.add(record(retract));
            return { undone: last, how: "retracted" };
          });
        });
      });
    }).then(function (result) {
      changed();
      return result;
    });
  }

  function closeSession(sessionId, headcount) {
    var fields = {};
    if (headcount !== null && headcount !== undefined) fields.headcount = headcount;
    var made = item("session_close", sessionId, fields);
    return tx(["queue", "sessions"], "readwrite", function (s) {
      return branchOf(s, sessionId, made).then(function (session) {
        s.queue.add(record(made));
        session = session || { session_id: sessionId, server_count: 0 };
        session.status = "closed";
        session.closed_here = true;
        s.sessions.put(session);
      });
    }).then(function () {
      changed();
      return made;
    });
  }

  // ---- what the page shows ------------------------------------------------

  function queued() {
    return tx(["queue"], "readonly", function (s) { return all(s.queue); });
  }

  function sessions() {
    return tx(["sessions"], "readonly", function (s) { return all(s.sessions); });
  }

  function getSession(sessionId) {
    return tx(["sessions"], "readonly", function (s) { return done(s.sessions.get(sessionId)); });
  }

  function getMeta(key) {
    return tx(["meta"], "readonly", function (s) { return done(s.meta.get(key)); })
      .then(function (row) { return row ? row.value : null; });
  }

  function setMeta(stores, key, value) {
    stores.meta.put({ key: key, value: value });
  }

  /* Remember what the server said about a session (its count of check-ins). */
  function rememberSession(data) {
    return tx(["sessions"], "readwrite", function (s) {
      return done(s.sessions.get(data.session_id)).then(function (known) {
        var merged = known || {};
        Object.keys(data).forEach(function (name) {
          if (data[name] !== undefined && data[name] !== null) merged[name] = data[name];
        });
        if (known && known.closed_here) merged.status = "closed";
        merged.seen_at = Date.now();
        s.sessions.put(merged);
        return merged;
      });
    });
  }

  /* Checked in minus undone, per session, of what is still waiting. */
  function pendingDelta(items, sessionId) {
    var delta = 0;
    items.forEach(function (r) {
      if (r.session_id !== sessionId) return;
      if (r.kind === "checkin") delta += 1;
      if (r.kind === "checkin_retract") delta -= 1;
    });
    return delta;
  }

  function state() {
    return Promise.all([queued(), getMeta("last_sync")]).then(function (r) {
      return {
        items: r[0],
        waiting: r[0].length,
        lastSync: r[1],
        error: lastError,
        online: navigator.onLine,
      };
    });
  }

  function subscribe(fn) { listeners.push(fn); }

  function changed() {
    state().then(function (s) {
      listeners.forEach(function (fn) {
        try { fn(s); } catch (error) { console.error(error); }
      });
    });
  }

  // ---- sending ------------------------------------------------------------

  function withLock(fn) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request(LOCK, { ifAvailable: true }, function (lock) {
        return lock ? fn() : "busy";
      });
    }
    var run = localLock.then(fn);
    localLock = run.catch(function () {});
    return run;
  }

  function timeoutSignal(ms) {
    if (typeof AbortController === "undefined") return undefined;
    var controller = new AbortController();
    setTimeout(function () { controller.abort(); }, ms);
    return controller.signal;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRF-Token": config.csrfToken,
      },
      body: JSON.stringify(body),
      signal: timeoutSignal(SEND_TIMEOUT),
    });
  }

  function revokedStatus(response) {
    return response.status === 401 || response.status === 403 || response.type === "opaqueredirect";
  }

  /* A fresh CSRF token: the page's one may be old (a page kept open all day, or
   * served by the service worker from its cache). */
  function refreshToken() {
    return fetch(config.urls.csrf, {
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json" },
      cache: "no-store",
    }).then(function (response) {
      if (revokedStatus(response)) throw revoked();
      if (!response.ok) throw new Error("csrf " + response.status);
      return response.json();
    }).then(function (body) {
      config.csrfToken = body.token;
      return body.token;
    });
  }

  function revoked() {
    var error = new Error("revoked");
    error.revoked = true;
    return error;
  }

  /* Whether the server refused the page's CSRF token (a 403 problem of type
   * /problems/csrf): not a revoked tablet, only a token to renew. */
  function csrfRefused(response) {
    if (response.status !== 403 && response.status !== 400) return Promise.resolve(false);
    return response.clone().json().then(function (problem) {
      return /\/csrf$/.test(String(problem.type || ""));
    }, function () { return false; });
  }

  /* Send the items (in order); resolve with the answer's body, or throw. */
  function send(items) {
    var body = { items: items.map(function (r) { return r.item; }) };
    return post(config.urls.batch, body).then(function (response) {
      return csrfRefused(response).then(function (refused) {
        if (!refused) return response;
        return refreshToken().then(function () { return post(config.urls.batch, body); });
      });
    }).then(function (response) {
      if (revokedStatus(response)) throw revoked();
      if (response.status !== 200) {
        var error = new Error("server " + response.status);
        error.server = true;
        throw error;
      }
      return response.json();
    });
  }

  /* Once tried, an item may be on the server even if no answer came: an undo
   * then retracts it rather than dropping it. */
  function markSending(items) {
    return tx(["queue"], "readwrite", function (s) {
      items.forEach(function (r) {
        r.sending = true;
        s.queue.put(r);
      });
    });
  }

  /* Settle a batch's answer: answered items leave the queue, in one transaction.
   * An answer that settles nothing is a fault: tried again later, not at once. */
  function settle(items, body) {
    var byId = {};
    (body.results || []).forEach(function (result) { byId[String(result.id)] = result; });
    var refusals = [];
    var counted = {};
    if (!items.some(function (r) { return byId[r.id]; })) {
      var error = new Error("an answer without these items");
      error.server = true;
      return Promise.reject(error);
    }
    return tx(["queue", "taps", "meta", "sessions"], "readwrite", function (s) {
      items.forEach(function (r) {
        var result = byId[r.id];
        if (!result) return; // not answered: stays, and goes again
        if (result.status === 200 || result.status === 201) {
          s.queue.delete(r.seq);
          var step = r.kind === "checkin" ? 1 : r.kind === "checkin_retract" ? -1 : 0;
          if (step) counted[r.session_id] = (counted[r.session_id] || 0) + step;
          if (r.kind === "session_open") counted[r.session_id] = counted[r.session_id] || 0;
        } else if (FINAL.indexOf(result.status) !== -1) {
          s.queue.delete(r.seq);
          if (r.kind === "checkin") s.taps.delete(r.id);
          refusals.push({
            kind: r.kind,
            session_id: r.session_id,
            status: result.status,
            errors: result.errors || [],
            at: Date.now(),
          });
        }
      });
      setMeta(s, "last_sync", Date.now());
      // Until the page reads the session again, count what the server took.
      return Promise.all(Object.keys(counted).map(function (sessionId) {
        return done(s.sessions.get(sessionId)).then(function (session) {
          if (!session) return;
          session.server_count = (session.server_count || 0) + counted[sessionId];
          session.server_known = true;
          session.seen_at = Date.now();
          s.sessions.put(session);
        });
      }));
    }).then(function () { return refusals; });
  }

  function sendAll() {
    var refusals = [];
    var batches = 0;
    function next() {
      return queued().then(function (items) {
        if (!items.length) return { batches: batches, refusals: refusals };
        batches += 1;
        var batch = items.slice(0, BATCH);
        return markSending(batch)
          .then(function () { return send(batch); })
          .then(function (body) { return settle(batch, body); })
          .then(function (found) {
            refusals = refusals.concat(found);
            changed();
            return next();
          });
      });
    }
    return next();
  }

  function scheduleRetry() {
    if (retryTimer) clearTimeout(retryTimer);
    var wait = Math.min(60000, 2000 * Math.pow(2, Math.min(failures - 1, 5)));
    retryTimer = setTimeout(function () {
      retryTimer = null;
      sync();
    }, wait);
  }

  var syncListeners = [];
  var watched = null; // the session the page shows: read again after each sync

  function watch(sessionId) { watched = sessionId; }

  /* Read the watched session as the server has it now. Runs under the lock, so
   * no batch is on its way: the server's count and the queue never overlap. */
  function readWatched() {
    if (!watched) return Promise.resolve(null);
    var sessionId = watched;
    return fetchSession(sessionId).then(function (body) {
      if (!body) return null;
      return rememberSession({
        session_id: sessionId,
        activity_id: body.activity_id,
        branch: body.branch,
        title: body.activity_title || undefined,
        status: body.status,
        server_count: body.checkins,
        server_known: true,
      });
    });
  }

  /* Send what waits, then read the watched session again; one sender at a time
   * (across tabs). An error never loses an item: it waits for the next try. */
  function sync() {
    if (navigator.onLine === false) {
      // Surely offline: nothing is tried, so an item stays "never sent" and an
      // undo can still drop it. The "online" event sends it.
      lastError = "offline";
      changed();
      return Promise.resolve({ error: lastError });
    }
    return withLock(function () {
      return sendAll().then(function (result) {
        lastError = null;
        failures = 0;
        return readWatched().then(function (read) {
          // In touch with the server and nothing left behind: synchronised now.
          if (!read && !result.batches) return result;
          return tx(["meta"], "readwrite", function (s) {
            setMeta(s, "last_sync", Date.now());
          }).then(function () { return result; });
        });
      });
    }).then(function (result) {
      if (result === "busy") {
        // Someone else is sending: look again shortly for what they left.
        setTimeout(sync, 1000);
        return result;
      }
      if (result && result.refusals && result.refusals.length) {
        syncListeners.forEach(function (fn) { fn({ refusals: result.refusals }); });
      }
      changed();
      return result;
    }, function (error) {
      failures += 1;
      if (error && error.revoked) {
        lastError = "revoked";
        syncListeners.forEach(function (fn) { fn({ revoked: true }); });
      } else {
        lastError = error && error.server ? "server" : "offline";
        scheduleRetry();
      }
      changed();
      return { error: lastError };
    });
  }

  function onSync(fn) { syncListeners.push(fn); }

  /* Read a session as the server has it; null when it does not know it (yet). */
  function fetchSession(sessionId) {
    return fetch(config.urls.session + encodeURIComponent(sessionId), {
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json" },
      cache: "no-store",
      signal: timeoutSignal(SEND_TIMEOUT),
    }).then(function (response) {
      if (revokedStatus(response)) throw revoked();
      if (response.status === 404) return null;
      if (!response.ok) throw new Error("server " + response.status);
      return response.json();
    });
  }

  var KEEP_TAPS = 2 * 24 * 3600 * 1000; // undo reaches back a day or two, no further
  var KEEP_SESSIONS = 14 * 24 * 3600 * 1000;

  /* Forget old taps and sessions; never what still waits to be sent. */
  function prune() {
    var now = Date.now();
    return tx(["queue", "taps", "sessions"], "readwrite", function (s) {
      return Promise.all([all(s.queue), all(s.taps), all(s.sessions)]).then(function (r) {
        var waiting = {};
        r[0].forEach(function (q) { waiting[q.id] = true; waiting[q.session_id] = true; });
        r[1].forEach(function (t) {
          if (now - t.at > KEEP_TAPS && !waiting[t.id]) s.taps.delete(t.id);
        });
        r[2].forEach(function (session) {
          if (now - (session.seen_at || 0) > KEEP_SESSIONS && !waiting[session.session_id]) {
            s.sessions.delete(session.session_id);
          }
        });
      });
    });
  }

  function start(options) {
    config.urls = options.urls;
    config.csrfToken = options.csrfToken || "";
    window.addEventListener("online", function () {
      failures = 0;
      sync();
    });
    window.addEventListener("offline", function () {
      lastError = "offline";
      changed();
    });
    // A safety net for a network that comes back without an "online" event.
    setInterval(function () {
      queued().then(function (items) {
        if ((items.length || watched) && !retryTimer) sync();
      });
    }, 15000);
    return openDb().then(prune).then(function () {
      changed();
      return sync();
    });
  }

  window.BiebQueue = {
    start: start,
    sync: sync,
    watch: watch,
    onSync: onSync,
    subscribe: subscribe,
    openSession: openSession,
    checkIn: checkIn,
    undoLast: undoLast,
    closeSession: closeSession,
    state: state,
    sessions: sessions,
    getSession: getSession,
    rememberSession: rememberSession,
    fetchSession: fetchSession,
    pendingDelta: pendingDelta,
    uuid: uuid,
  };
})();
