// Shared by the portal's browser tests: the test driver's control API, waiting on a condition
// with a deadline, and Debian's Chromium as a 360x740 phone.
'use strict';
const { chromium } = require('playwright-core');

const CONTROL = process.env.CONTROL_URL;

async function control(method, p, body) {
  const res = await fetch(CONTROL + p, { method, headers: { 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, data: await res.json() };
}

// Polls `fn` until it returns something truthy (and returns it), or throws after `ms`.
async function waitFor(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A phone-sized Chromium on a fresh profile; `options` adds to or overrides the phone's.
function launchPhone(profile, options = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'en-GB',
    ...options,
  });
}

module.exports = { control, waitFor, launchPhone };
