/* The site's service worker (issue 25), hand-written. wic/pwa.py serves it at /sw.js (scope: the
   whole site) with its configuration in front as self.WIC_PWA, and says why it is not Workbox.

   - The shell (CSS, scripts, icons, the offline page in each language) is precached under a
     version hashed from the files; a new deploy brings a new worker that replaces it.
   - Pages in CONFIG.publicPages / privatePages: network first. Online, the server is asked every
     time (the agenda answers 304 while its ETag, which follows the agenda's versioned cache keys,
     is unchanged), and the answer replaces the saved copy. Offline, or after CONFIG.timeout ms
     without an answer, the saved copy is served with the time it was saved written into the
     page (data-pwa-saved-at, read by static/pwa/offline.js for "offline · saved at 14:05").
     A page never saved answers with the offline page.
   - Private copies (the guest's page, My agenda, anything sent `private` or rendered for a
     signed-in visitor) live in their own cache, emptied when the browser signs in or out.
   - Never kept: POSTs and other writes, the admin, the API, sign-in pages, a `no-store` answer
     outside the private patterns, errors, redirects.
   The cache names are also read by static/pwa/offline.js (the offline page's list). */
"use strict";

const CONFIG = self.WIC_PWA;
const SHELL = "wic-shell-" + CONFIG.version;
const ASSETS = "wic-assets-" + CONFIG.version;
const PAGES = "wic-pages";
const PRIVATE = "wic-private";
const META = "wic-meta";
const LANGUAGE_KEY = "/__pwa__/language";
const SAVED_AT = "X-PWA-Saved-At";
const ACCOUNT = "X-PWA-Account";
const TITLE = "X-PWA-Title";
const MARKER = 'data-pwa-saved-at=""';
const REFRESH_AFTER_MS = 60 * 1000; // a page saved in the last minute is not fetched again along
const MAX_PAGES = 300; // per cache, the oldest saved go first (each filter and search of the agenda is a page)

const regexps = (list) => list.map((source) => new RegExp(source));
const PUBLIC_PAGES = regexps(CONFIG.publicPages);
const PRIVATE_PAGES = regexps(CONFIG.privatePages);
const PUBLIC_ASSETS = regexps(CONFIG.publicAssets);
const matches = (list, path) => list.some((re) => re.test(path));
const kept = (path) => matches(PUBLIC_PAGES, path) || matches(PRIVATE_PAGES, path);
const pageKey = (url) => url.origin + url.pathname + url.search;
let privateEpoch = 0; // bumped when the private cache is emptied: a copy being saved then is dropped

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    const urls = [...Object.values(CONFIG.shell), ...Object.values(CONFIG.offline)];
    await cache.addAll(urls.map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      const versioned = name.startsWith("wic-shell-") || name.startsWith("wic-assets-");
      if (versioned && name !== SHELL && name !== ASSETS) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (request.method === "POST" && CONFIG.signInOut.includes(url.pathname)) event.waitUntil(forgetPrivate(false));
    return; // writes go to the network untouched, and nothing they answer is kept
  }
  if (CONFIG.bypass.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (url.pathname.startsWith(CONFIG.staticUrl) || matches(PUBLIC_ASSETS, url.pathname)) {
    event.respondWith(asset(event, request, url));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "saw") event.waitUntil(saw(data));
});

/* A page, network first. */
async function page(event, url) {
  const key = pageKey(url);
  const keep = kept(url.pathname);
  const network = fetch(event.request).then((response) => {
    if (keep) event.waitUntil(store(key, response.clone(), url.pathname).catch(() => {}));
    return response;
  });
  network.catch(() => {}); // a failure after the timeout is nobody's to handle
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, CONFIG.timeout, null); });
  try {
    const first = await Promise.race([network, timeout]);
    if (first) return first;
    const saved = keep && (await savedPage(key, url.pathname));
    return saved ? served(saved) : await network; // slow, and nothing saved: keep waiting
  } catch (error) {
    const saved = keep && (await savedPage(key, url.pathname));
    return saved ? served(saved) : offlinePage();
  } finally {
    clearTimeout(timer);
  }
}

/* Keeps a page's answer, in the private or the public cache, or not at all (module comment). */
async function store(key, response, path) {
  const epoch = privateEpoch;
  const type = response.headers.get("Content-Type") || "";
  if (response.status !== 200 || response.type !== "basic" || response.redirected || !type.startsWith("text/html")) return;
  const control = response.headers.get("Cache-Control") || "";
  const privatePattern = matches(PRIVATE_PAGES, path);
  if (/\bno-store\b/.test(control) && !privatePattern) return;
  const html = await response.text();
  const account = html.includes('data-pwa-account="1"');
  const isPrivate = privatePattern || account || /\bprivate\b/.test(control);
  const headers = new Headers(response.headers);
  for (const name of ["Content-Length", "Content-Encoding", "ETag", "Set-Cookie"]) headers.delete(name);
  headers.set(SAVED_AT, String(Date.now()));
  headers.set(ACCOUNT, account ? "1" : "0");
  headers.set(TITLE, encodeURIComponent((html.match(/<title>([^<]*)<\/title>/) || ["", ""])[1].trim()));
  if (isPrivate && epoch !== privateEpoch) return;
  const cache = await caches.open(isPrivate ? PRIVATE : PAGES);
  await cache.delete(key); // so that the keys stay in the order the copies were saved
  await cache.put(key, new Response(html, { status: 200, headers }));
  await (await caches.open(isPrivate ? PAGES : PRIVATE)).delete(key); // one copy, the newest
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
}

/* The saved copy of a page. "My agenda" with other stars in its query: the newest one saved
   (unless `exact`). */
async function savedPage(key, path, exact) {
  for (const name of [PRIVATE, PAGES]) {
    const found = await (await caches.open(name)).match(key, { ignoreVary: true });
    if (found) return found;
  }
  if (exact || !matches(PRIVATE_PAGES, path)) return null;
  const prefix = new URL(key).origin + path;
  let newest = null;
  for (const name of [PRIVATE, PAGES]) {
    for (const found of await (await caches.open(name)).matchAll(prefix, { ignoreSearch: true, ignoreVary: true })) {
      if (!newest || Number(found.headers.get(SAVED_AT)) > Number(newest.headers.get(SAVED_AT))) newest = found;
    }
  }
  return newest;
}

/* A saved copy as served: the time it was saved written into the page's marker. */
async function served(response, mark) {
  const html = await response.text();
  const value = mark || response.headers.get(SAVED_AT) || "";
  return new Response(html.replace(MARKER, 'data-pwa-saved-at="' + value + '"'), { status: 200, headers: response.headers });
}

async function offlinePage() {
  const shell = await caches.open(SHELL);
  const remembered = await (await caches.open(META)).match(LANGUAGE_KEY);
  const language = remembered ? await remembered.text() : CONFIG.defaultLanguage;
  const found = await shell.match(CONFIG.offline[language] || CONFIG.offline[CONFIG.defaultLanguage]);
  return found ? served(found, "offline-page") : Response.error();
}

/* Static files and photos: the precached shell first, else the network, else a copy kept. */
async function asset(event, request, url) {
  const shell = await caches.open(SHELL);
  const precached = await shell.match(request, { ignoreVary: true });
  if (precached) return precached;
  try {
    const response = await fetch(request);
    if (response.status === 200 && response.type === "basic") {
      const copy = response.clone();
      event.waitUntil(caches.open(ASSETS).then((cache) => cache.put(request, copy)).catch(() => {}));
    }
    return response;
  } catch (error) {
    const saved = (await (await caches.open(ASSETS)).match(request, { ignoreVary: true })) || (await shell.match(currentShellUrl(url.pathname)));
    if (saved) return saved;
    throw error;
  }
}

/* A page saved before a deploy names the shell's files under their old hashed URLs
   (ManifestStaticFilesStorage: name.0123456789ab.css): the file's current URL. */
function currentShellUrl(path) {
  const name = path.slice(CONFIG.staticUrl.length).replace(/\.[0-9a-f]{12}(\.[A-Za-z0-9]+)$/, "$1");
  return CONFIG.shell[name] || path;
}

/* A page the network served tells the worker (static/pwa/offline.js): its language (for the
   offline page), whether the browser is signed in, and the pages to fetch along (the agenda's
   other days); the page itself is saved here too if the worker did not control its load. */
async function saw(data) {
  if (CONFIG.offline[data.language]) await (await caches.open(META)).put(LANGUAGE_KEY, new Response(data.language));
  if (!data.signedIn) await forgetPrivate(true);
  await Promise.all([data.url, ...(data.prefetch || [])].map(refresh));
}

async function refresh(href) {
  const url = new URL(href, self.location.href);
  if (url.origin !== self.location.origin || !kept(url.pathname)) return;
  const key = pageKey(url);
  const saved = await savedPage(key, url.pathname, true);
  if (saved && Date.now() - Number(saved.headers.get(SAVED_AT)) < REFRESH_AFTER_MS) return;
  try {
    await store(key, await fetch(key, { credentials: "same-origin" }), url.pathname);
  } catch (error) { /* offline again: the copy saved stays */ }
}

/* Signed in or out: every private copy goes. Seen signed out (a session that ended without a
   sign-out): the copies rendered for an account go, the guest's page opened by its link stays. */
async function forgetPrivate(onlyAccount) {
  if (!onlyAccount) {
    privateEpoch += 1;
    await caches.delete(PRIVATE);
    return;
  }
  const cache = await caches.open(PRIVATE);
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (response && response.headers.get(ACCOUNT) === "1") await cache.delete(request);
  }
}
