// The guest's pass page (/g#token): no sign-in; shows the signed pass as a large QR with the
// estate, address, directions and validity; keeps the last copy so it opens with no signal.
(function () {
  'use strict';
  const { t } = window.GH;
  const $ = (id) => document.getElementById(id);
  const token = location.hash.slice(1);
  const key = 'gh.guest.' + token;
  const stored = () => { try { return localStorage.getItem(key); } catch (e) { return null; } };
  const store = (v) => { try { if (v == null) localStorage.removeItem(key); else localStorage.setItem(key, v); } catch (e) { /* private mode */ } };
  let current = null;

  function render(d, offline) {
    current = { d, offline };
    $('g-estate').textContent = d.estate || 'Gatehouse';
    // Expires with the pass even when the page cannot ask the server.
    const valid = d.state === 'active' && d.qr_svg && Date.now() < d.valid_until_ms;
    $('g-pass').hidden = !valid;
    $('g-invalid').hidden = valid;
    $('g-offline').hidden = !(valid && offline);
    if (!valid) return;
    $('g-name').textContent = d.guest_name;
    $('g-qr').src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(d.qr_svg)));
    $('g-validity').textContent = window.GH.validity(d);
    $('g-qr').alt = t('guest.qrAlt', { validity: $('g-validity').textContent });
    $('g-address').textContent = d.address || '';
    $('g-directions').textContent = d.directions || '';
  }

  async function load() {
    if (!token) return render({ state: 'invalid' }, false);
    let res;
    try {
      res = await fetch('/api/guest', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token }) });
    } catch (e) {
      const saved = stored();
      return render(saved ? JSON.parse(saved) : { state: 'invalid' }, true);
    }
    let d = {};
    try { d = await res.json(); } catch (e) { d = {}; }
    if (res.ok) store(JSON.stringify(d)); else store(null);
    render(res.ok ? d : { state: d.state || 'invalid', estate: d.estate }, false);
  }

  document.addEventListener('gh:lang', () => { if (current) render(current.d, current.offline); });
  document.addEventListener('DOMContentLoaded', () => {
    load();
    if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
})();
