// The resident page fixes of issue 12 at 360x740 in Chromium: /reset without a token offers no
// form; the header shows the whole name; purposes are words, not keys; Russian waiting time
// reads "ждёт N с" with a no-break space; a decided card moves below one still waiting; a
// visitor handed to the guard says so; Deny asks first; Report is on the live card; photos
// enlarge; every touch target is at least 48 x 48 px.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { control, launchPhone } = require('./harness');

const PORTAL = process.env.PORTAL_URL;


// Visible interactive elements smaller than 48 x 48 CSS px.
async function smallTargets(page) {
  return page.evaluate(() => [...document.querySelectorAll('button, a.button, summary, label.check, label.day, .kinds label, select')]
    .filter((e) => e.offsetParent !== null)
    .map((e) => { const r = e.getBoundingClientRect(); return { id: e.id || e.className || e.textContent.trim().slice(0, 20), w: r.width, h: r.height }; })
    .filter((r) => r.w < 47.5 || r.h < 47.5));
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-chromium-fixes-'));
  const context = await launchPhone(profile);
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('dialog', (d) => d.accept());

    // /reset without a token: no usable form.
    await page.goto(PORTAL + '/reset');
    await page.waitForFunction(() => document.getElementById('reset-msg').textContent.length > 0);
    assert.ok(await page.isHidden('#new-password'));
    assert.ok(await page.isHidden('#reset-form button[type=submit]'));

    await page.goto(PORTAL + '/');
    await page.waitForSelector('#signin:not([hidden])');
    assert.deepStrictEqual(await smallTargets(page), [], 'sign-in page targets');
    await page.fill('#email', 'a-101@harbour.example');
    await page.fill('#password', 'gatehouse-demo');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');

    // The header shows the unit and the whole name, not cut with an ellipsis.
    const who = await page.evaluate(() => { const e = document.getElementById('who');
      return { text: e.textContent, fits: e.scrollWidth <= e.clientWidth + 1, overflow: getComputedStyle(e).textOverflow }; });
    assert.ok(who.text.startsWith('A-101 · ') && who.text.length > 10, who.text);
    assert.ok(who.fits && who.overflow !== 'ellipsis', JSON.stringify(who));

    // Two visitors; the first has been handed to the guard; purposes are words.
    const v1 = (await control('POST', '/request-visit', { unit: 'A-101', name: 'First Caller', purpose: 'guest' })).data.visit;
    const v2 = (await control('POST', '/request-visit', { unit: 'A-101', name: 'Second Caller', purpose: 'delivery' })).data.visit;
    await control('POST', '/escalate', { visit: v1 });
    await page.reload();
    await page.waitForSelector(`li.visit[data-id="${v2}"]`);
    const card1 = `li.visit[data-id="${v1}"]`;
    await page.waitForFunction((sel) => document.querySelector(sel + ' .outcome').textContent.includes('guard'), card1);
    assert.strictEqual(await page.textContent(card1 + ' .purpose'), 'Guest');
    assert.deepStrictEqual(await smallTargets(page), [], 'gate tab targets');

    // Russian waiting time: "ждёт N с" with a no-break space, never a lone "s".
    await page.click('#lang');
    const meta = await page.textContent(card1 + ' .meta');
    assert.ok(/ждёт \d+\u00a0с$/.test(meta) || /ждёт \d+:\d\d$/.test(meta), JSON.stringify(meta));
    await page.click('#lang');

    // Deciding the first moves it below the one still waiting.
    await page.click(card1 + ' .approve');
    await page.waitForFunction((sel) => document.querySelector(sel).classList.contains('decided'), card1);
    const order = await page.$$eval('#pending-list li.visit', (l) => l.map((e) => e.dataset.id));
    assert.deepStrictEqual(order.slice(0, 2), [v2, v1]);

    // Deny asks first; Back keeps the visitor waiting.
    const card2 = `li.visit[data-id="${v2}"]`;
    await page.click(card2 + ' .deny');
    await page.waitForSelector(card2 + ' .confirm-deny:not([hidden])');
    assert.ok((await page.textContent(card2 + ' .confirm-q')).includes('Second Caller'));
    assert.deepStrictEqual(await smallTargets(page), [], 'confirm targets');
    await page.click(card2 + ' .deny-back');
    await page.waitForSelector(card2 + ' .approve', { state: 'visible' });
    assert.strictEqual((await control('GET', '/visit-status?id=' + v2)).data.status, 'pending');
    await page.click(card2 + ' .deny');
    await page.click(card2 + ' .deny-yes');
    await (async () => { for (let i = 0; i < 100; ++i) { if ((await control('GET', '/visit-status?id=' + v2)).data.status === 'denied') return; await new Promise((r) => setTimeout(r, 100)); } throw new Error('not denied'); })();

    // Report as suspicious from the live card.
    const v3 = (await control('POST', '/request-visit', { unit: 'A-101', name: 'Third Caller', photo: true })).data.visit;
    const card3 = `li.visit[data-id="${v3}"]`;
    await page.waitForSelector(card3);
    await page.click(card3 + ' .report-live');
    await page.fill(card3 + ' .report-reason', 'Tried the side gate first');
    await page.click(card3 + ' .report-send');
    await page.waitForFunction((sel) => document.querySelector(sel + ' .outcome').textContent.length > 0 &&
      document.querySelector(sel + ' form.report').hidden, card3);

    // The photo enlarges on tap.
    await page.waitForSelector(card3 + ' img.photo:not([hidden])');
    const small = (await page.locator(card3 + ' img.photo').boundingBox()).width;
    await page.click(card3 + ' img.photo');
    const big = (await page.locator(card3 + ' img.photo').boundingBox()).width;
    assert.ok(small <= 100 && big >= 250, `photo ${small} -> ${big}`);

    // The other tabs' targets too (invite: day chips and kinds; alerts: settings).
    await page.click('#tabs button[data-tab=invite]');
    await page.waitForSelector('#tab-invite:not([hidden])');
    assert.deepStrictEqual(await smallTargets(page), [], 'invite tab targets');
    await page.click('#tabs button[data-tab=alerts]');
    await page.waitForSelector('#tab-alerts:not([hidden])');
    assert.deepStrictEqual(await smallTargets(page), [], 'alerts tab targets');
    console.log('fixes.test: ok');
  } finally {
    await context.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
