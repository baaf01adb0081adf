// The installable page and its push notifications in Debian's Chromium at 360x740: the service
// worker registers and passes the installability checks, a push delivered through the DevTools
// protocol (ServiceWorker.deliverPushMessage) shows a notification with Let in / Deny, its Let in
// decides the visit in the database, a second push after a household member decided replaces
// it, and the shell still opens with the network off.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { control, launchPhone, waitFor } = require('./harness');

const PORTAL = process.env.PORTAL_URL;


(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-chromium-'));
  const context = await launchPhone(profile);
  try {
    await context.grantPermissions(['notifications'], { origin: PORTAL });
    const page = context.pages()[0] || await context.newPage();
    await page.goto(PORTAL + '/');
    await page.waitForSelector('#signin:not([hidden])');
    await page.fill('#email', 'a-101@harbour.example');
    await page.fill('#password', 'gatehouse-demo');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');

    // The service worker registers and controls the page; Chromium finds the page installable.
    const state = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active && r.active.state));
    assert.ok(state === 'activated' || state === 'activating', 'service worker state ' + state);
    const cdp = await context.newCDPSession(page);
    await page.reload();
    await page.waitForSelector('#app:not([hidden])');
    const inst = await waitFor(async () => {
      const r = await cdp.send('Page.getInstallabilityErrors');
      return r.installabilityErrors.length === 0 ? r : null;
    }, 'no installability errors', 20000).catch(async () => cdp.send('Page.getInstallabilityErrors'));
    assert.deepStrictEqual(inst.installabilityErrors, [], JSON.stringify(inst.installabilityErrors));

    // Find the registration id for deliverPushMessage.
    const regs = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => regs.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    const reg = await waitFor(() => regs.find((r) => !r.isDeleted && r.scopeURL === PORTAL + '/'), 'registration', 15000);
    const sw = await waitFor(() => context.serviceWorkers()[0], 'service worker handle', 15000);
    const notifications = () => sw.evaluate(async () => (await self.registration.getNotifications())
      .map((n) => ({ title: n.title, tag: n.tag, actions: (n.actions || []).map((a) => a.title) })));
    const deliverOnce = async (body) => {
      const p = await control('POST', '/push-payload', body);
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: PORTAL, registrationId: reg.registrationId, data: p.data.data });
    };
    // Chromium may drop a DevTools push that arrives while the worker is still (re)starting, as
    // a push service may; the same payload is delivered again until `check` holds (the tag makes
    // a repeat replace, never add, a notification).
    const deliver = async (body, check, what) => {
      for (let attempt = 0; ; ++attempt) {
        await deliverOnce(body);
        try {
          return await waitFor(check, what, 3000);
        } catch (e) {
          if (attempt === 4) throw e;
        }
      }
    };

    // A visitor rings the phone; Let in from the notification decides in the database.
    const v1 = (await control('POST', '/request-visit', { unit: 'A-101', name: 'Notified Visitor', purpose: 'Parcel' })).data.visit;
    const shown = await deliver({ visit: v1, email: 'a-101@harbour.example', visitor: 'Notified Visitor', purpose: 'Parcel' },
      async () => (await notifications()).find((n) => n.tag === 'visit-' + v1), 'notification');
    assert.ok(shown.title.includes('Notified Visitor'), shown.title);
    assert.deepStrictEqual(shown.actions, ['Let in', 'Deny']);
    const status = await sw.evaluate(async (tag) => {
      const [n] = await self.registration.getNotifications({ tag });
      return self.ghDecideFrom(n, 'approve');
    }, 'visit-' + v1);
    assert.strictEqual(status, 200);
    const st = (await control('GET', '/visit-status?id=' + v1)).data;
    assert.strictEqual(st.status, 'approved');
    assert.strictEqual(st.channel, 'push');

    // A second visitor; another member of the household decides; the next push replaces it.
    const v2 = (await control('POST', '/request-visit', { unit: 'A-101', name: 'Second Visitor' })).data.visit;
    await deliver({ visit: v2, email: 'a-101@harbour.example', visitor: 'Second Visitor' },
      async () => (await notifications()).find((n) => n.tag === 'visit-' + v2), 'second notification');
    assert.strictEqual((await control('POST', '/decide-by-link', { visit: v2, email: 'a-101.2@harbour.example' })).data.status, 200);
    const replaced = await deliver({ visit: v2, email: 'a-101@harbour.example', visitor: 'Second Visitor', type: 'visit_decided', status: 'approved', by: 'Household member' },
      async () => {
        const list = (await notifications()).filter((n) => n.tag === 'visit-' + v2);
        return list.length === 1 && list[0].title.includes('let in') ? list : null;
      }, 'replaced notification');
    assert.deepStrictEqual(replaced[0].actions, []);

    // Settings offer push (configured) and explain it; email is not offered (no SMTP here).
    await page.click('#tabs button[data-tab=alerts]');
    await page.waitForSelector('#push-panel:not([hidden])');
    assert.ok((await page.textContent('#push-panel')).includes('Let in'));
    assert.strictEqual(await page.isVisible('#notify-email'), false);

    // The shell comes from the service worker's cache when the network is gone.
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('#signin, #app', { state: 'attached' });
    assert.ok((await page.title()).length > 0);
    await context.setOffline(false);
    console.log('push.test: ok');
  } finally {
    await context.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
