// The offline service worker. Served at /sw.js by portal/offline/routes.py, which puts its settings in front of
// this file as self.PORTAL_OFFLINE: {version, precache: [urls], offline: {lang: url}}.
//
// On install it saves the crisis pages (help for every province choice, in both languages, their text version,
// "Support a colleague"), the offline page, the stylesheets, scripts and icons. Those are fetched without cookies,
// so the saved copies are the public pages, never a member's. Requests go to the network first; when it fails, a
// saved copy answers, and any other page gets the offline page in its language.
/* global self, caches, fetch, Request, Response, URL */
"use strict";

var SETTINGS = self.PORTAL_OFFLINE;
var CACHE = "portal-offline-" + SETTINGS.version;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SETTINGS.precache.map(function (url) {
      return fetch(new Request(url, {credentials: "omit", cache: "no-cache"})).then(function (response) {
        if (!response.ok) { throw new Error("could not save " + url + " (" + response.status + ")"); }
        return cache.put(url, response);
      });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("portal-offline-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page's language: its /en or /fr prefix, else the browser's.
function languageOf(url) {
  var first = new URL(url).pathname.split("/")[1];
  if (SETTINGS.offline[first]) { return first; }
  var browser = (self.navigator.language || "en").slice(0, 2);
  return SETTINGS.offline[browser] ? browser : "en";
}

// The saved copy of a URL. The pages vary on Cookie and HX-Request, which do not matter offline. A query that was
// not saved (?province=ZZ, a page's own filters) falls back to the same page without its query, when it was saved.
function saved(url) {
  var bare = new URL(url, self.location.href);
  bare.search = "";
  return caches.open(CACHE).then(function (cache) {
    return cache.match(url, {ignoreVary: true}).then(function (response) {
      return response || cache.match(bare.href, {ignoreVary: true});
    });
  });
}

// "Open now" and "Closed now" were true when the page was saved, not when it is read: a saved page leaves them out
// (the hours stay).
var LIVE_STATE = /<p class="service__state[^"]*">[^<]*<\/p>/g;

function withoutLiveState(response) {
  if (!response || (response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) { return response; }
  return response.text().then(function (html) {
    return new Response(html.replace(LIVE_STATE, ""),
      {status: response.status, statusText: response.statusText, headers: response.headers});
  });
}

function offlineAnswer(request) {
  var isHtmx = request.headers.get("HX-Request") === "true";
  return saved(request.url).then(function (response) {
    if (isHtmx) {
      // An htmx swap (the province filter) cannot use a full saved page: send the browser there instead, so it
      // loads the page, from this cache, as a navigation.
      return new Response("", {status: 200, headers: {"HX-Redirect": request.url}});
    }
    if (response) { return withoutLiveState(response); }
    if (request.mode === "navigate") { return saved(SETTINGS.offline[languageOf(request.url)]); }
    return Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  // Known to be offline: answer from the saved copies at once. Asking the network first would get the browser's
  // HTTP cache (visitors' pages are public for 60 s), whose copy still says "Open now".
  if (self.navigator.onLine === false) { event.respondWith(offlineAnswer(request)); return; }
  event.respondWith(fetch(request).catch(function () { return offlineAnswer(request); }));
});
