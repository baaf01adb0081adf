// Service worker of the resident page: caches the shell (network first, so a deploy shows at
// once; the cache answers on a bad connection), shows Web Push notifications with Let in / Deny,
// and decides from them with the notification's single-use token.
'use strict';
const VERSION = 'gh-shell-2';  // bump with the shell's files; old caches are dropped on activate
const SHELL = ['/', '/app.css', '/app.js', '/i18n.js', '/icon.svg', '/manifest.webmanifest', '/g', '/guest.js'];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(VERSION).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  // Only the shell: the API and live events always go to the network.
  if (ev.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  ev.respondWith(fetch(ev.request).then((res) => {
    if (res.ok && SHELL.includes(url.pathname)) {
      const copy = res.clone();
      caches.open(VERSION).then((c) => c.put(ev.request, copy));
    }
    return res;
  }).catch(() => caches.match(ev.request).then((hit) => hit || Response.error())));
});

const TEXT = {
  request: (m) => ({ title: `${m.visitor} is at ${m.gate || 'the gate'}`, body: m.purpose || 'Visitor' }),
  escalated: (m) => ({ title: `${m.visitor} was handed to the guard`, body: 'No answer in time; you can still decide.' }),
  decided: (m) => ({ title: `${m.visitor}: ${m.status === 'approved' ? 'let in' : 'denied'}`,
    body: m.by ? `Decided by ${m.by}` : 'Decided' }),
  arrived: (m) => ({ title: `${m.visitor} has arrived`, body: '' }),
  overstay: (m) => ({ title: `${m.visitor} stayed past the expected exit`, body: '' }),
  test: () => ({ title: 'Gatehouse', body: 'Notifications work on this device.' }),
};

function describe(m) {
  switch (m.type) {
    case 'visit_request': return TEXT.request(m);
    case 'visit_escalated': return TEXT.escalated(m);
    case 'visit_decided': return TEXT.decided(m);
    case 'visitor_arrived': case 'guest_arrived': return TEXT.arrived(m);
    case 'overstay': return TEXT.overstay(m);
    default: return TEXT.test(m);
  }
}

async function show(m) {
  const { title, body } = describe(m);
  const opts = { body, tag: m.tag || 'gatehouse', renotify: m.type === 'visit_request', data: m,
    icon: '/icon.svg', requireInteraction: !!m.actions };
  if (m.actions && m.token) {
    opts.actions = [{ action: 'approve', title: 'Let in' }, { action: 'deny', title: 'Deny' }];
  }
  // Same tag: replaces the request on this phone (the push service replaces by Topic).
  await self.registration.showNotification(title, opts);
}

self.addEventListener('push', (ev) => {
  let m = {};
  try { m = ev.data ? ev.data.json() : {}; } catch (e) { m = { type: 'test' }; }
  ev.waitUntil(show(m));
});

// Decides from a notification: returns the HTTP status (the token works once).
async function decideFrom(notification, action) {
  const m = notification.data || {};
  const res = await fetch('/api/push/decide', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: m.token, approve: action === 'approve' }) });
  let visit = {};
  try { visit = (await res.json()).visit || {}; } catch (e) { visit = {}; }
  notification.close();
  const status = res.ok ? visit.status : null;
  await self.registration.showNotification(res.ok ? `${m.visitor}: ${status === 'approved' ? 'let in' : 'denied'}`
    : `${m.visitor}: already decided`, { tag: m.tag, body: res.ok ? 'Done' : 'Open Gatehouse to see who decided', data: {} });
  return res.status;
}
self.ghDecideFrom = decideFrom;  // for tests that cannot click a system notification

self.addEventListener('notificationclick', (ev) => {
  const n = ev.notification;
  if (ev.action === 'approve' || ev.action === 'deny') {
    ev.waitUntil(decideFrom(n, ev.action));
    return;
  }
  n.close();
  ev.waitUntil(self.clients.matchAll({ type: 'window' }).then((list) => {
    for (const c of list) if ('focus' in c) return c.focus();
    return self.clients.openWindow('/');
  }));
});
