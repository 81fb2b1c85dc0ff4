/* The installable app, page side (issue 25): registers the service worker (/sw.js, wic/pwa.py;
   static/pwa/sw.js), and on a page the worker answered from its cache shows "offline · saved at
   14:05" (Beijing time; the texts come from the page, in its language: templates/base.html,
   #pwa-status). Such a page reloads itself when the network is back, and the worker then
   answers from the network. A page the network served tells the worker its language, whether
   the browser is signed in, and which pages to fetch along: the agenda's other days. On the
   offline page (templates/pwa/offline.html), lists the pages saved on this device. */
(function () {
  "use strict";
  var script = document.getElementById("pwa-script");
  var status = document.getElementById("pwa-status");
  if (!script || !status || !("serviceWorker" in navigator)) { return; }
  var saved = status.getAttribute("data-pwa-saved-at") || "";
  var fromCache = saved !== "";
  var offlinePage = saved === "offline-page";

  function beijing(ms) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date(ms)).forEach(function (part) { parts[part.type] = part.value; });
    return parts;
  }
  /* "14:05" on the day it was saved, "2026-11-16 14:05" on another day. */
  function savedAt(ms) {
    var then = beijing(ms), now = beijing(Date.now());
    var time = then.hour + ":" + then.minute;
    return then.year === now.year && then.month === now.month && then.day === now.day ? time : then.year + "-" + then.month + "-" + then.day + " " + time;
  }
  function decoded(text) {
    try { return decodeURIComponent(text); } catch (e) { return text; }
  }
  function paint() {
    status.textContent = (navigator.onLine ? status.dataset.savedText : status.dataset.offlineText) + " " + savedAt(Number(saved));
    status.hidden = false;
  }

  /* Back online: reload (the worker then asks the network), once the network answers for a
     second: "online" also fires on a flapping network and while a page is being left. */
  var leaving = false;
  window.addEventListener("pagehide", function () { leaving = true; });
  function reloadWhenBack() {
    window.setTimeout(function () {
      if (leaving || !navigator.onLine) { return; }
      var probe = document.querySelector('link[rel="manifest"]');
      window.fetch(probe ? probe.href : window.location.href, { cache: "no-store" }).then(function () {
        if (!leaving && navigator.onLine) { window.location.reload(); }
      }, function () { /* not back yet */ });
    }, 1000);
  }

  if (fromCache) {
    if (!offlinePage) {
      paint();
      window.addEventListener("offline", paint);
    }
    window.addEventListener("online", reloadWhenBack);
  }

  navigator.serviceWorker.register(script.dataset.worker, { scope: "/" }).catch(function () { /* no worker: the site works online */ });
  if (!fromCache) {
    navigator.serviceWorker.ready.then(function (registration) {
      var days = document.querySelectorAll(".day-tabs a[href]");
      registration.active.postMessage({
        type: "saw",
        url: window.location.href,
        language: document.documentElement.lang,
        signedIn: status.dataset.pwaAccount === "1",
        prefetch: Array.prototype.map.call(days, function (a) { return a.href; })
      });
    });
  }

  /* The offline page: what is saved on this device, newest first. The cache names are the
     worker's (static/pwa/sw.js). */
  var list = document.getElementById("pwa-saved-pages");
  if (!list || !window.caches) { return; }
  var found = [];
  Promise.all(["wic-private", "wic-pages"].map(function (name) {
    return window.caches.open(name).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (response) {
            if (response) { found.push({ url: new URL(request.url), response: response }); }
          });
        }));
      });
    });
  })).then(function () {
    found.sort(function (a, b) { return Number(b.response.headers.get("X-PWA-Saved-At")) - Number(a.response.headers.get("X-PWA-Saved-At")); });
    found.slice(0, 60).forEach(function (item) {
      var raw = decoded(item.response.headers.get("X-PWA-Title") || "");
      // The title as the server escaped it: read as text, never as markup.
      var title = new DOMParser().parseFromString(raw, "text/html").documentElement.textContent || item.url.pathname;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url.pathname + item.url.search;
      a.textContent = title;
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = " · " + savedAt(Number(item.response.headers.get("X-PWA-Saved-At")));
      li.appendChild(a);
      if (item.url.search) {  // the agenda's days share a title: "?day=2026-11-17" tells them apart
        var query = document.createElement("span");
        query.className = "muted";
        query.textContent = " " + decoded(item.url.search);
        li.appendChild(query);
      }
      li.appendChild(when);
      list.appendChild(li);
    });
    document.getElementById("pwa-saved").hidden = found.length === 0;
  });
})();
