// The field app's service worker: keeps the app shell and its code in a cache so that /field
// opens with no network after one visit. It answers only for the shell's own addresses; the
// API (sign-in, manifest, batches) always goes to the network, never through this cache.
// The server fills in VERSION (a hash of the shell's files), so a new build replaces the cache.

const VERSION = '__VERSION__';
const CACHE = `canvass-field-${VERSION}`;
const SHELL = ['/field', '/field/app.js', '/field/forms.js', '/field/store.js', '/field/app.css', '/field/manifest.webmanifest', '/field/icon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('canvass-field-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  const path = url.pathname === '/field/' ? '/field' : url.pathname;
  if (!SHELL.includes(path)) return;
  // the cached copy at once; a fresh one for next time when the network answers
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    const cached = await cache.match(path);
    const fresh = fetch(event.request).then((res) => {
      if (res.ok) cache.put(path, res.clone());
      return res;
    });
    if (cached) {
      event.waitUntil(fresh.catch(() => {}));
      return cached;
    }
    return fresh;
  }));
});
