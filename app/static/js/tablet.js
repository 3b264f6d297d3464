/* The tablet's check-in page: the start screen and a session's taps.
 *
 * Every write goes into the offline queue (queue.js) and from there to the
 * server, online or not; this file only draws and listens. Its Dutch comes from
 * the page (#tablet-data), rendered by the server through gettext.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("tablet-data").textContent);
  var S = data.strings;
  var Q = window.BiebQueue;
  var root = document.querySelector("[data-screen]");
  var alertBox = document.getElementById("tablet-alert");
  var announcer = document.getElementById("announce");
  var statusLine = document.getElementById("sync-status");
  var SEND_WAIT = 2500; // ms a start or close waits for the send before moving on

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function clock(ms) {
    var d = new Date(ms);
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function announce(text) {
    // A fresh text each time, so that the same words are read again.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function showAlert(text, kind) {
    alertBox.textContent = text;
    alertBox.className = "tablet-alert notice " + (kind === "warning" ? "notice-warning" : "notice-error");
    alertBox.hidden = false;
  }

  function hideAlert() {
    alertBox.hidden = true;
    alertBox.textContent = "";
  }

  function waitAtMost(promise, ms) {
    return Promise.race([promise, new Promise(function (resolve) { setTimeout(resolve, ms); })]);
  }

  // ---- the status line: waiting, last sync, or why nothing is sent -------------

  function renderStatus(state) {
    var n = state.waiting;
    statusLine.setAttribute("data-waiting", String(n));
    statusLine.classList.remove("status-offline", "status-trouble");
    if (state.error === "offline" || !navigator.onLine) {
      statusLine.classList.add("status-offline");
      statusLine.textContent = n ? fill(S.offline, { n: n }) : S.offline_none;
      return;
    }
    if (state.error === "server") {
      statusLine.classList.add("status-trouble");
      statusLine.textContent = fill(S.server_trouble, { n: n });
      return;
    }
    var synced = state.lastSync ? fill(S.synced_at, { time: clock(state.lastSync) }) : S.never_synced;
    statusLine.textContent = fill(S.waiting, { n: n }) + " \u00b7 " + synced;
  }

  // ---- what the server said about a sync -------------------------------------

  var onRefused = function () {};

  function handleSync(event) {
    if (event.revoked) {
      showAlert(S.revoked);
      disableAll();
      window.setTimeout(function () { window.location.assign(data.urls.pairing); }, 3000);
      return;
    }
    if (event.refusals) onRefused(event.refusals);
  }

  function refusedText(refusals) {
    var closed = refusals.filter(function (r) { return r.kind === "checkin" && r.status === 409; });
    var closedAgain = refusals.filter(function (r) { return r.kind === "session_close" && r.status === 409; });
    var notOpened = refusals.filter(function (r) { return r.kind === "session_open"; });
    var other = refusals.filter(function (r) {
      return closed.indexOf(r) === -1 && closedAgain.indexOf(r) === -1 && notOpened.indexOf(r) === -1;
    });
    var parts = [];
    if (notOpened.length) parts.push(fill(S.open_refused, { what: details(notOpened) }));
    if (closed.length) parts.push(fill(S.closed_meanwhile, { n: closed.length }));
    if (closedAgain.length) parts.push(S.closed_already);
    if (other.length) parts.push(fill(S.refused, { n: other.length, what: details(other) }));
    return parts.join(" ");
  }

  /* The server's words on what it refused: the fields it names. */
  function details(refusals) {
    var what = [];
    refusals.forEach(function (r) {
      (r.errors || []).forEach(function (e) {
        var text = (e.field ? e.field + ": " : "") + (e.detail || "");
        if (what.indexOf(text) === -1) what.push(text);
      });
    });
    return what.join("; ") || String(refusals[0].status);
  }

  function disableAll() {
    Array.prototype.forEach.call(root.querySelectorAll("button"), function (b) { b.disabled = true; });
  }

  // ---- the start screen ------------------------------------------------------

  function initStart() {
    var staleNote = document.getElementById("stale-list");
    if (root.getAttribute("data-day") !== today()) {
      staleNote.textContent = fill(staleNote.getAttribute("data-text"), { day: root.getAttribute("data-day") });
      staleNote.hidden = false;
    }
    onRefused = function (refusals) { showAlert(refusedText(refusals)); };

    Array.prototype.forEach.call(document.querySelectorAll("[data-start]"), function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        Q.openSession({
          activity_id: button.getAttribute("data-activity-id"),
          branch: button.getAttribute("data-branch") || null,
          title: button.getAttribute("data-title"),
          default_role: button.getAttribute("data-default-role") || null,
        }).then(function (session) {
          return waitAtMost(Q.sync(), SEND_WAIT).then(function () {
            window.location.assign(data.urls.session_page + encodeURIComponent(session.session_id));
          });
        }).catch(function (error) {
          button.disabled = false;
          showAlert(String(error));
        });
      });
    });

    var lastSync = null;
    var latest = null;

    function draw(state) {
      latest = state;
      renderStatus(state);
      Q.sessions().then(function (known) { drawSessions(known, state.items); });
      if (state.lastSync && state.lastSync !== lastSync) {
        lastSync = state.lastSync;
        readCounts();
      }
    }
    Q.subscribe(draw);

    /* After a sync, today's counts as the server has them (this tablet's taps
     * and every other's): the page's own are as old as the page. */
    function readCounts() {
      var url = data.urls.sessions + "?date=" + encodeURIComponent(root.getAttribute("data-day"));
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) {
          found.forEach(function (session) {
            var count = document.querySelector('#session-list [data-session-id="' +
              CSS.escape(session.session_id) + '"] .card-count');
            if (count) count.setAttribute("data-server-count", String(session.checkins));
          });
          if (latest) draw(latest);
        })
        .catch(function () {});
    }
    window.setInterval(function () { if (navigator.onLine) readCounts(); }, 30000);
    window.biebTablet.refresh = readCounts;
  }

  /* The server's list, with what this tablet knows better: sessions it opened
   * (not sent yet) or closed, and the taps still waiting. */
  function drawSessions(known, items) {
    var list = document.getElementById("session-list");
    var day = today();
    known.forEach(function (session) {
      var card = list.querySelector('[data-session-id="' + CSS.escape(session.session_id) + '"]');
      if (!card && session.opened_here && session.status === "open" &&
          String(session.opened_at || "").slice(0, 10) === day) {
        card = localCard(session);
        list.insertBefore(card, list.firstChild);
        var empty = document.getElementById("no-sessions");
        if (empty) empty.remove();
      }
      if (card && session.status === "closed" && card.getAttribute("data-status") === "open") {
        card.setAttribute("data-status", "closed");
        card.classList.remove("card-open");
        card.classList.add("card-closed");
        var badge = card.querySelector(".badge");
        if (badge) {
          badge.textContent = S.closed;
          badge.classList.remove("badge-open");
        }
        var go = card.querySelector("a.button");
        if (go) go.remove();
      }
      if (session.status === "open" && session.opened_here) {
        var activity = document.querySelector('#activity-list [data-activity-id="' +
          CSS.escape(session.activity_id) + '"] [data-start]');
        if (activity && String(session.opened_at || "").slice(0, 10) === day) {
          var link = document.createElement("a");
          link.className = "button button-big";
          link.href = data.urls.session_page + encodeURIComponent(session.session_id);
          link.textContent = S.to_open_session;
          activity.replaceWith(link);
        }
      }
    });
    Array.prototype.forEach.call(list.querySelectorAll("[data-session-id]"), function (card) {
      var count = card.querySelector(".card-count");
      var id = card.getAttribute("data-session-id");
      var server = Number(count.getAttribute("data-server-count")) || 0;
      count.textContent = String(server + Q.pendingDelta(items, id));
    });
  }

  function localCard(session) {
    var card = document.getElementById("local-session").content.firstElementChild.cloneNode(true);
    card.setAttribute("data-session-id", session.session_id);
    card.setAttribute("data-activity-id", session.activity_id);
    card.querySelector(".card-title").textContent = session.title || "";
    card.querySelector(".card-since").textContent = fill(S.since, { time: String(session.opened_at).slice(11, 16) });
    card.querySelector(".card-note").textContent = S.opened_here;
    var link = card.querySelector("a");
    link.href = data.urls.session_page + encodeURIComponent(session.session_id);
    link.setAttribute("aria-label", fill(S.continue_title, { title: session.title || "" }));
    return card;
  }

  // ---- a session's taps ------------------------------------------------------

  function initSession() {
    var fromServer = data.session;
    var path = window.location.pathname;
    var sessionId = fromServer ? fromServer.session_id :
      decodeURIComponent(path.slice(data.urls.session_page.length).replace(/\/$/, ""));
    var countBox = document.getElementById("count");
    var titleBox = document.getElementById("session-title");
    var roleHint = document.getElementById("role-hint");
    var roleButtons = root.querySelectorAll(".tap-role");
    var chips = root.querySelectorAll(".chip");
    var labels = {};
    data.roles.forEach(function (r) { labels[r.code] = r.label; });
    var current = null; // the session as this tablet knows it
    var chosen = { role: null, district: null, new_target_group: null };
    var lastCount = null;

    function setPressed(buttons, attr, value) {
      Array.prototype.forEach.call(buttons, function (b) {
        if (b.hasAttribute(attr)) b.setAttribute("aria-pressed", String(b.getAttribute(attr) === value));
      });
    }

    function reset() {
      chosen.role = current && current.default_role ? current.default_role : null;
      chosen.district = null;
      chosen.new_target_group = null;
      setPressed(roleButtons, "data-role", chosen.role);
      setPressed(chips, "data-district", null);
      setPressed(chips, "data-new-group", null);
    }

    function hideTaps() {
      Array.prototype.forEach.call(root.querySelectorAll("[data-tap-area]"), function (area) {
        area.hidden = true;
      });
    }

    function showClosed(text) {
      hideTaps();
      var panel = document.getElementById("closed-panel");
      if (text) document.getElementById("closed-text").textContent = text;
      panel.hidden = false;
    }

    function draw(state) {
      renderStatus(state);
      Q.getSession(sessionId).then(function (session) {
        if (!session) return;
        current = session;
        var count = (session.server_count || 0) + Q.pendingDelta(state.items, sessionId);
        countBox.textContent = String(count);
        lastCount = count;
        if (session.title) titleBox.textContent = session.title;
        if (session.status === "closed") showClosed();
      });
    }

    function describe(tap) {
      var parts = [labels[tap.role], tap.age_band.replace("-", "\u2013") + " " + S.years];
      if (tap.district) parts.push(districtName(tap.district));
      if (tap.new_target_group) {
        data.new_target_groups.forEach(function (g) { if (g.code === tap.new_target_group) parts.push(g.label); });
      }
      return parts.join(", ");
    }

    function districtName(code) {
      var chip = root.querySelector('[data-district="' + CSS.escape(code) + '"]');
      return chip ? chip.textContent : code;
    }

    onRefused = function (refusals) {
      var mine = refusals.filter(function (r) { return r.session_id === sessionId; });
      var others = refusals.filter(function (r) { return r.session_id !== sessionId; });
      var text = refusedText(mine.concat(others));
      if (text) showAlert(text);
      if (mine.some(function (r) { return r.status === 409; })) {
        Q.rememberSession({ session_id: sessionId, status: "closed" }).then(function () {
          showClosed(text);
        });
      }
    };

    // Roles: one chosen at a time; the activity's own role returns after a tap.
    Array.prototype.forEach.call(roleButtons, function (button) {
      button.addEventListener("click", function () {
        chosen.role = button.getAttribute("data-role");
        setPressed(roleButtons, "data-role", chosen.role);
        hideAlert();
      });
    });

    Array.prototype.forEach.call(chips, function (chip) {
      chip.addEventListener("click", function () {
        var district = chip.getAttribute("data-district");
        var group = chip.getAttribute("data-new-group");
        if (district) {
          chosen.district = chosen.district === district ? null : district;
          setPressed(chips, "data-district", chosen.district);
        } else if (group) {
          chosen.new_target_group = chosen.new_target_group === group ? null : group;
          setPressed(chips, "data-new-group", chosen.new_target_group);
        }
      });
    });

    Array.prototype.forEach.call(root.querySelectorAll(".tap-band"), function (button) {
      button.addEventListener("click", function () {
        if (!chosen.role) {
          showAlert(S.choose_role, "warning");
          roleButtons[0].focus();
          return;
        }
        var tap = {
          role: chosen.role,
          age_band: button.getAttribute("data-band"),
          district: chosen.district,
          new_target_group: chosen.new_target_group,
        };
        var what = describe(tap);
        reset();
        hideAlert();
        Q.checkIn(sessionId, tap, what).then(function () {
          acted();
          flash(button);
          announce(fill(S.checked_in, { what: what, n: (lastCount || 0) + 1 }));
          Q.sync();
        });
      });
    });

    document.getElementById("undo").addEventListener("click", function () {
      Q.undoLast(sessionId).then(function (result) {
        acted();
        if (!result) {
          announce(S.nothing_to_undo);
          return;
        }
        announce(fill(S.undone, { what: result.undone.label, n: Math.max(0, (lastCount || 1) - 1) }));
        Q.sync();
      });
    });

    // Closing: a dialog with an optional typed headcount.
    var dialog = document.getElementById("close-dialog");
    var input = document.getElementById("headcount");
    var error = document.getElementById("headcount-error");
    document.getElementById("close-session").addEventListener("click", function () {
      error.hidden = true;
      input.removeAttribute("aria-invalid");
      dialog.showModal();
      input.focus();
    });
    document.getElementById("close-form").addEventListener("submit", function (event) {
      var choice = event.submitter ? event.submitter.value : "confirm";
      if (choice !== "confirm") return; // the dialog closes itself
      var text = input.value.trim();
      var headcount = null;
      if (text !== "") {
        headcount = Number(text);
        if (!/^\d+$/.test(text) || headcount > 5000) {
          event.preventDefault();
          error.textContent = S.headcount_invalid;
          error.hidden = false;
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", "headcount-error headcount-hint");
          input.focus();
          return;
        }
      }
      Q.closeSession(sessionId, headcount).then(function () {
        showClosed(S.closing);
        return waitAtMost(Q.sync(), SEND_WAIT);
      }).then(function () {
        window.location.assign(data.urls.start);
      });
    });

    /* Counts what this page put in the queue (taps, undos): tests wait on it. */
    function acted() {
      root.setAttribute("data-acted", String(Number(root.getAttribute("data-acted") || 0) + 1));
    }

    function flash(button) {
      button.classList.remove("tapped");
      void button.offsetWidth; // restart the animation
      button.classList.add("tapped");
    }

    // What the server said when the page was made, then what this tablet knows.
    var remembered = fromServer ? Q.rememberSession({
      session_id: fromServer.session_id,
      activity_id: fromServer.activity_id,
      branch: fromServer.branch,
      title: fromServer.title,
      status: fromServer.status,
      server_count: fromServer.server_count,
      server_known: true,
      default_role: fromServer.default_role || undefined,
    }) : Promise.resolve();
    remembered.then(function () { return Q.getSession(sessionId); }).then(function (session) {
      if (!session) {
        showAlert(S.session_unknown);
        hideTaps();
        return;
      }
      current = session;
      if (current.default_role) {
        roleHint.textContent = fill(roleHint.getAttribute("data-text"), { role: labels[current.default_role] });
        roleHint.hidden = false;
      }
      reset();
      Q.watch(sessionId);
      Q.subscribe(draw);
      Q.state().then(draw);
    });
  }

  // ---- start -----------------------------------------------------------------

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.urls.worker, { scope: "/tablet" }).catch(function (error) {
      console.warn("service worker", error);
    });
  }
  window.biebTablet = { queue: Q };
  Q.subscribe(renderStatus);
  Q.onSync(handleSync);
  if (root.getAttribute("data-screen") === "session") initSession(); else initStart();
  var token = document.querySelector('meta[name="csrf-token"]');
  Q.start({ urls: data.urls, csrfToken: token ? token.content : "" });
})();
