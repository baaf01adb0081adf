// The guest's pass link at 360 px in Debian's Chromium, in the guest's language (Russian here):
// the QR decodes with zbarimg to the pass the kiosk verifies; estate, address, directions and
// validity are shown and nothing about the host; it still opens with the network off; revoked
// and expired passes say "no longer valid".
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { control, launchPhone } = require('./harness');

const PORTAL = process.env.PORTAL_URL;

// The resident, through the API (the resident's page is covered by phone.test.js).
async function resident(email) {
  const res = await fetch(PORTAL + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: 'gatehouse-demo' }) });
  const me = await res.json();
  const cookie = res.headers.get('set-cookie').split(';')[0];
  return async (method, p, body) => {
    const r = await fetch(PORTAL + p, { method, headers: { 'Content-Type': 'application/json', Cookie: cookie,
      'X-CSRF-Token': me.csrf }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, data: await r.json() };
  };
}
function day(offset) { return new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10); }

(async () => {
  const api = await resident('a-101@harbour.example');
  await control('POST', '/estate-guest-info', { address: '1 Harbour Road, Bay 4', directions: 'Gate 2, then left past the pool.' });
  const make = async (guest) => {
    const r = await api('POST', '/api/invitations', { kind: 'recurring', guest_name: guest, date_from: day(0),
      date_until: day(30), weekdays: 127, start: '00:00', end: '24:00' });
    assert.strictEqual(r.status, 201, JSON.stringify(r.data));
    const inv = r.data.invitation || r.data.invitations[0];
    const link = await api('GET', '/api/invitations/' + inv.id + '/guest-link');
    assert.strictEqual(link.status, 200, JSON.stringify(link.data));
    return { id: inv.id, url: link.data.url };
  };
  const first = await make('Olga Guest');

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-chromium-guest-'));
  const context = await launchPhone(profile, { locale: 'ru-RU' });
  try {
    const page = context.pages()[0] || await context.newPage();
    await page.goto(first.url);
    await page.waitForSelector('#g-pass:not([hidden])');
    const text = await page.textContent('main');
    assert.ok(text.includes('1 Harbour Road, Bay 4') && text.includes('Gate 2, then left'), text);
    assert.ok(text.includes('Olga Guest'));
    assert.ok(/[а-яё]/i.test(await page.textContent('#g-validity')), 'validity in Russian');
    assert.ok(!text.includes('A-101'), 'the host is not revealed');
    assert.ok((await page.textContent('#g-estate')).length > 0);
    const box = await page.locator('#g-qr').boundingBox();
    assert.ok(box.width >= 300, 'QR is large: ' + box.width);

    // The QR is the signed pass the kiosk verifies.
    const shot = path.join(profile, 'guest-qr.png');
    await page.locator('#g-qr').screenshot({ path: shot });
    const decoded = execFileSync('zbarimg', ['--raw', '-q', shot]).toString().trim();
    const verified = await control('POST', '/verify-pass', { text: decoded });
    assert.strictEqual(verified.status, 200, JSON.stringify(verified.data));
    assert.strictEqual(verified.data.invitation, first.id);
    assert.strictEqual(verified.data.guest, 'Olga Guest');

    // Opened once, it still shows the pass with no network.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 })
      .catch(async () => { await page.reload(); await page.waitForFunction(() => navigator.serviceWorker.controller !== null); });
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('#g-pass:not([hidden])');
    assert.ok(await page.isVisible('#g-offline'));
    await page.locator('#g-qr').screenshot({ path: shot });
    assert.strictEqual(execFileSync('zbarimg', ['--raw', '-q', shot]).toString().trim(), decoded);
    await context.setOffline(false);

    // Revoked: no longer valid, and the QR is gone.
    assert.strictEqual((await api('POST', '/api/invitations/' + first.id + '/revoke', {})).status, 200);
    await page.reload();
    await page.waitForSelector('#g-invalid:not([hidden])');
    assert.ok(await page.isHidden('#g-pass'));
    assert.ok((await page.textContent('#g-invalid')).includes('больше не действует'));

    // Expired: the same.
    const second = await make('Pavel Guest');
    await page.goto(second.url);
    await page.reload();
    await page.waitForSelector('#g-pass:not([hidden])');
    await control('POST', '/expire-invitation', { invitation: second.id });
    await page.reload();
    await page.waitForSelector('#g-invalid:not([hidden])');

    // A tampered link shows nothing.
    await page.goto(second.url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    await page.reload();
    await page.waitForSelector('#g-invalid:not([hidden])');
    assert.ok(await page.isHidden('#g-pass'));
    console.log('guest.test: ok');
  } finally {
    await context.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
