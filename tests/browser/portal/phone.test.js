// The resident's journey on a 360x740 phone in Debian's Chromium: sign in, a visitor requested at
// the kiosk appears live, approve, the kiosk sees it; create a recurring pass and read its QR back
// from the page; revoke it (the kiosk refuses it); the log shows entry and exit photos.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { control, launchPhone, waitFor } = require('./harness');

const PORTAL = process.env.PORTAL_URL;
const SHOTS = process.env.SCREENSHOT_DIR || path.join(os.tmpdir(), 'portal-shots');
fs.mkdirSync(SHOTS, { recursive: true });


(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-chromium-'));
  // A fresh profile each run (playwright passes it to Chromium as --user-data-dir).
  const context = await launchPhone(profile, { colorScheme: 'light', reducedMotion: 'reduce' });
  const failures = [];
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => failures.push('page error: ' + e.message));
    // Script errors fail the test; HTTP statuses the page expects (401 before sign-in) do not.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) failures.push('console: ' + m.text());
    });
    page.on('dialog', (d) => d.accept());
    const shot = (name) => page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: false });

    // Sign in.
    await page.goto(PORTAL + '/');
    await page.waitForSelector('#signin:not([hidden])');
    await shot('01-sign-in');
    await page.fill('#email', 'a-101@harbour.example');
    await page.fill('#password', 'wrong password');
    await page.click('#signin-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('signin-error').textContent.length > 0);
    assert.match(await page.textContent('#signin-error'), /wrong/);
    await page.fill('#password', 'gatehouse-demo');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    await page.waitForSelector('#live-status.on');
    assert.match(await page.textContent('#who'), /A-101/);

    // A visitor requested at the kiosk appears without a reload.
    const navigations = [];
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
    const { data: req } = await control('POST', '/request-visit',
      { unit: 'A-101', name: 'Sofia Courier', purpose: 'Parcel from DHL', photo: true });
    const card = page.locator(`li.visit[data-id="${req.visit}"]`);
    await card.waitFor({ timeout: 5000 });
    assert.strictEqual(await card.locator('.visitor').textContent(), 'Sofia Courier');
    assert.match(await card.locator('.meta').textContent(), /Main gate/);
    await page.waitForFunction((id) => {
      const img = document.querySelector(`li.visit[data-id="${id}"] img.photo`);
      return img && !img.hidden && img.complete && img.naturalWidth > 0;
    }, req.visit, { timeout: 5000 });
    assert.deepStrictEqual(navigations, [], 'the page must not reload');
    // A hostile name is shown as text.
    const { data: evil } = await control('POST', '/request-visit', { unit: 'A-101', name: '<img src=x onerror=alert(1)>Eve' });
    const evilCard = page.locator(`li.visit[data-id="${evil.visit}"]`);
    await evilCard.waitFor({ timeout: 5000 });
    assert.strictEqual(await evilCard.locator('.visitor').textContent(), '<img src=x onerror=alert(1)>Eve');
    assert.strictEqual(await page.locator('li.visit img[src="x"]').count(), 0);
    await shot('02-visitor-live');

    // Approve with one tap; the backend shows the decision.
    await card.locator('button.approve').click();
    await card.locator('.outcome').filter({ hasText: 'Approved by you' }).waitFor({ timeout: 5000 });
    const st = await control('GET', '/visit-status?id=' + req.visit);
    assert.strictEqual(st.data.status, 'approved');
    assert.strictEqual(st.data.channel, 'resident');
    await evilCard.locator('button.deny').click();
    await evilCard.locator('button.deny-yes').click();  // Deny asks once more
    await evilCard.locator('.outcome').filter({ hasText: 'Denied by you' }).waitFor({ timeout: 5000 });
    await shot('03-approved');

    // A recurring pass: create, read the QR back from the page image, check it is ours.
    await page.click('#tabs button[data-tab="invite"]');
    await page.check('input[name="kind"][value="recurring"]');
    await page.fill('#guest', 'Nadia Nanny');
    await page.fill('#start', '08:00');
    await page.fill('#end', '18:00');
    await page.click('#invite-form button[type=submit]');
    const qr = page.locator('#invite-list li.invite .qr-img').first();
    await qr.waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForFunction(() => { const i = document.querySelector('.qr-img'); return i && i.complete && i.naturalWidth > 0; });
    const inviteId = await page.locator('#invite-list li.invite').first().getAttribute('data-id');
    const validity = await page.locator('#invite-list li.invite .qr .validity').first().textContent();
    assert.match(validity, /Mon–Fri, 08:00–18:00/);
    await qr.scrollIntoViewIfNeeded();
    await shot('04-pass-qr');
    const qrPng = path.join(SHOTS, 'qr-element.png');
    await qr.screenshot({ path: qrPng });
    const decoded = execFileSync('zbarimg', ['--raw', '-q', qrPng], { encoding: 'utf8' }).trim();
    assert.match(decoded, /^GH1:/);
    const verified = await control('POST', '/verify-pass', { text: decoded });
    assert.strictEqual(verified.status, 200, JSON.stringify(verified.data));
    assert.strictEqual(verified.data.invitation, inviteId);
    assert.strictEqual(verified.data.guest, 'Nadia Nanny');
    assert.strictEqual(verified.data.weekdays, 31);
    assert.strictEqual(verified.data.day_start, 480);
    assert.strictEqual(verified.data.day_end, 1080);

    // Revoke: the kiosk refuses the pass.
    await page.locator(`li.invite[data-id="${inviteId}"] button.revoke`).click();
    await page.locator(`li.invite[data-id="${inviteId}"][data-state="revoked"]`).waitFor({ timeout: 5000 });
    const use = await control('POST', '/use-invitation', { invitation: inviteId });
    assert.strictEqual(use.status, 409);
    assert.strictEqual(use.data.error, 'revoked');
    await shot('05-revoked');

    // The approved visitor comes in and leaves; the log shows both photos.
    const moved = await control('POST', '/enter-and-leave', { visit: req.visit });
    assert.strictEqual(moved.data.outcome, 'recorded');
    await page.click('#tabs button[data-tab="log"]');
    const logCard = page.locator(`#log-list li.log[data-id="${req.visit}"]`);
    await logCard.waitFor({ timeout: 5000 });
    await page.waitForFunction((id) => {
      const imgs = [...document.querySelectorAll(`#log-list li[data-id="${id}"] img.thumb`)];
      return imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    }, req.visit, { timeout: 5000 });
    assert.strictEqual(await logCard.locator('img.entry_photo').count(), 1);
    assert.strictEqual(await logCard.locator('img.exit_photo').count(), 1);
    assert.match(await logCard.locator('.times').textContent(), /In .* · Out /);
    await logCard.locator('.photos').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await shot('06-log-photos');

    // Russian and dark, still one column at 360 px.
    await page.click('#lang');
    await page.click('#theme');
    await page.click('#tabs button[data-tab="pending"]');
    await control('POST', '/request-visit', { unit: 'A-101', name: 'Мария Петрова', purpose: 'Уборка', photo: true });
    await page.locator('li.visit', { hasText: 'Мария Петрова' }).waitFor({ timeout: 5000 });
    assert.strictEqual(await page.getAttribute('html', 'lang'), 'ru');
    assert.strictEqual(await page.textContent('#tabs button[data-tab="log"] [data-i18n]'), 'Журнал');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.strictEqual(overflow, false, 'no horizontal scrolling at 360 px');
    await shot('07-russian-dark');

    // A magic link from a notification decides without a password, once.
    const { data: mv } = await control('POST', '/request-visit', { unit: 'A-101', name: 'Magda Link', purpose: 'Piano lesson', photo: true });
    const { data: link } = await control('GET', '/magic-link?visit=' + mv.visit + '&email=a-101.2@harbour.example');
    const mpage = await context.newPage();
    await mpage.context().clearCookies();
    await mpage.goto(link.url);
    await mpage.waitForSelector('#card:not([hidden])');
    assert.strictEqual(await mpage.textContent('#visitor'), 'Magda Link');
    await mpage.waitForFunction(() => { const i = document.getElementById('photo'); return !i.hidden && i.complete && i.naturalWidth > 0; });
    await mpage.click('#approve');
    await mpage.waitForFunction(() => /Approved|Впущен/.test(document.getElementById('outcome').textContent));
    const ms = await control('GET', '/visit-status?id=' + mv.visit);
    assert.strictEqual(ms.data.status, 'approved');
    assert.strictEqual(ms.data.channel, 'magic_link');
    await mpage.screenshot({ path: path.join(SHOTS, '08-magic-link.png') });
    await mpage.close();
    await page.goto(PORTAL + '/');  // cookies were cleared: signed out
    await page.waitForSelector('#signin:not([hidden])');
    await page.fill('#email', 'a-101@harbour.example');
    await page.fill('#password', 'gatehouse-demo');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');

    // When live events are blocked (a proxy that buffers, a flaky network), the page polls.
    const page2 = await context.newPage();
    await page2.route('**/api/events', (route) => route.abort());
    page2.on('pageerror', (e) => failures.push('page error (polling): ' + e.message));
    await page2.goto(PORTAL + '/');
    await page2.waitForSelector('#app:not([hidden])');
    await page2.waitForSelector('#live-status.off');
    const { data: polled } = await control('POST', '/request-visit', { unit: 'A-101', name: 'Polly Polling' });
    await page2.locator(`li.visit[data-id="${polled.visit}"]`).waitFor({ timeout: 10000 });
    await page2.close();
  } catch (e) {
    failures.push(e.stack || String(e));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error('FAILED:\n' + failures.join('\n'));
    process.exit(1);
  }
  console.log('phone journey passed; screenshots in ' + SHOTS);
})();
