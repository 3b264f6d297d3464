/* The tablet page's service worker: keeps the page's shell so that it opens
 * without a network. Served as /tablet/sw.js with the scope /tablet.
 *
 * - Pages (/tablet, /tablet/sessie/<id>): the network first (a few seconds), then
 *   the copy kept here; a session's page falls back to the empty session shell
 *   (/tablet/sessie/), which the page fills from IndexedDB.
 * - Static files: the copy kept here at once, renewed in the background.
 * - The API is never cached: the page's queue handles a missing network.
 * A new version of the files gives a new VERSION, so a new cache.
 */
"use strict";

var VERSION = "__VERSION__";
var PRECACHE = __PRECACHE__;
var SHELL = "/tablet/sessie/";
var CACHE = "bieb-tablet-" + VERSION;
var NETWORK_WAIT = 4000; // ms before a hanging network gives way to the copy

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(PRECACHE.map(function (url) {
        return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
          if (keepable(response)) return cache.put(url, response);
        }).catch(function () {});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("bieb-tablet-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* Only a page's own answer is kept: never a redirect (to /koppelen) or an error. */
function keepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (value) {
      clearTimeout(timer);
      resolve(value);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function page(request) {
  var url = new URL(request.url);
  var isSession = url.pathname.indexOf(SHELL) === 0;
  var key = isSession ? SHELL : url.pathname;
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request);
    return withTimeout(network, NETWORK_WAIT).then(function (response) {
      // A session's page carries that session: keep only the start page as is.
      if (!isSession && keepable(response)) cache.put(key, response.clone());
      return response;
    }).catch(function () {
      return cache.match(key).then(function (kept) {
        return kept || network; // nothing kept: the browser's own error page
      });
    });
  });
}

function asset(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (keepable(response)) cache.put(request, response.clone());
        return response;
      });
      if (kept) {
        fresh.catch(function () {});
        return kept;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.indexOf("/tablet") === 0) {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
  }
});
