// Decide on one visit from an emailed link: the token is in the URL fragment (never sent to
// servers or logs by the browser) and is posted once to decide.
'use strict';
(function () {
  const { t, api } = window.GH;
  const $ = (id) => document.getElementById(id);
  const token = decodeURIComponent((location.hash || '').slice(1));
  let visit = null;
  let photoLoaded = false;
  // The token goes in a header, never in the photo's URL; the photo stops once the link is used.
  async function loadPhoto(id, alt) {
    photoLoaded = true;
    const r = await fetch('/api/magic/photo/' + encodeURIComponent(id), { headers: { 'X-Magic-Token': token } });
    if (!r.ok) return;
    $('photo').src = URL.createObjectURL(await r.blob());
    $('photo').alt = alt;
    $('photo').hidden = false; $('no-photo').hidden = true;
  }
  function fail(r) {
    const code = r.data.error;
    $('message').textContent = code === 'link_expired' ? t('magic.expired') : code === 'link_used' ? t('magic.used')
      : t('magic.invalid');
  }
  function outcome(v) {
    const time = v.decided_ms ? window.GH.time(v.decided_ms) : '';
    const who = v.decided_by_role === 'guard' ? t('visit.guard', { name: v.decided_by || '' }) : (v.decided_by || '—');
    if (v.status === 'denied') return t('visit.deniedBy', { who, time });
    if (v.decided_ms) return t('visit.approvedBy', { who, time });
    return t('status.' + v.status);
  }
  function show(v) {
    visit = v;
    $('card').hidden = false;
    $('visitor').textContent = v.visitor;
    $('purpose').textContent = v.purpose || t('visit.noPurpose');
    $('meta').textContent = v.kiosk || '';
    const photo = (v.photos || [])[0];
    if (photo && !photoLoaded) loadPhoto(photo.id, t('visit.photoAlt', { name: v.visitor }));
    const open = v.status === 'pending' && !v.held;
    $('actions').hidden = !open;
    $('outcome').textContent = open ? '' : (v.held ? t('visit.held') : outcome(v));
  }
  async function decide(approve) {
    $('approve').disabled = $('deny').disabled = true;
    const r = await api('POST', '/api/magic/decide', { token, approve });
    if (r.data.visit) show(r.data.visit);
    if (!r.ok && r.status !== 409) fail(r);
    $('actions').hidden = true;
  }
  document.addEventListener('DOMContentLoaded', async () => {
    $('approve').addEventListener('click', () => decide(true));
    $('deny').addEventListener('click', () => decide(false));
    document.addEventListener('gh:lang', () => { if (visit) show(visit); });
    if (!token) { $('message').textContent = t('magic.invalid'); return; }
    const r = await api('POST', '/api/magic/view', { token });
    if (r.ok) show(r.data.visit); else fail(r);
  });
})();
