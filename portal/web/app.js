// The resident page: sign in, live visitors (SSE with polling fallback), passes, log, alerts.
// Everything from the server is put on the page with textContent, never as HTML.
'use strict';
(function () {
  const { t, el, api } = window.GH;
  const $ = (id) => document.getElementById(id);
  const state = { me: null, csrf: '', pending: new Map(), outcomes: new Map(), es: null, poll: null, tab: 'pending' };

  // ---- session ---------------------------------------------------------------------------
  async function boot() {
    const r = await api('GET', '/api/me');
    if (r.ok) signedIn(r.data); else showSignin();
  }
  function showSignin() {
    state.me = null;
    $('app').hidden = true; $('tabs').hidden = true; $('signin').hidden = false;
    $('who').textContent = '';
    if (state.es) { state.es.close(); state.es = null; }
    stopPolling();
    $('email').focus();
  }
  function signedIn(me) {
    state.me = me; state.csrf = me.csrf;
    $('signin').hidden = true; $('app').hidden = false; $('tabs').hidden = false;
    $('who').textContent = [me.unit, me.name].filter(Boolean).join(' · ');
    $('notify-email').checked = !!me.notify_email;
    // A channel the server cannot deliver is not offered.
    $('email-choice').hidden = !(me.channels_available && me.channels_available.email);
    if ($('email-choice').hidden) $('notify-email').checked = false;
    $('webhook').value = me.webhook_url || '';
    connectLive();
    showTab(state.tab);
    loadNotifications();
  }
  $('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('signin-error'); err.textContent = '';
    const email = $('email').value;
    const r = await api('POST', '/api/login', { email, password: $('password').value, client: 'resident' });
    $('password').value = '';
    if (r.ok) return signedIn(r.data);
    if (r.status === 423) err.textContent = t('signin.locked', { time: window.GH.dateTime(r.data.until_ms) });
    else if (r.status === 429) err.textContent = t('signin.rate', { s: r.data.retry_after_s });
    else if (r.data && r.data.attempts_left === 1) {
      // One more failure locks the account: offer the reset link instead.
      err.textContent = t('signin.last_attempt');
      $('forgot-email').value = email;
      document.querySelector('details.forgot').open = true;
    } else err.textContent = t('signin.invalid');
  });
  $('forgot-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await api('POST', '/api/password/forgot', { email: $('forgot-email').value });
    $('forgot-msg').textContent = t('forgot.sent');
  });
  $('signout').addEventListener('click', async () => {
    await api('POST', '/api/logout', {}, state.csrf);
    state.pending.clear(); renderPending();
    showSignin();
  });
  async function call(method, path, body) {
    const r = await api(method, path, body, state.csrf);
    if (r.status === 401) showSignin();
    return r;
  }

  // ---- tabs ------------------------------------------------------------------------------
  function showTab(name) {
    state.tab = name;
    for (const s of ['pending', 'invite', 'log', 'alerts']) $('tab-' + s).hidden = s !== name;
    document.querySelectorAll('#tabs button').forEach((b) => {
      if (b.dataset.tab === name) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
    });
    if (name === 'invite') loadInvitations();
    if (name === 'log') loadLog();
    if (name === 'alerts') { loadNotifications(); loadPush(); }
  }
  document.querySelectorAll('#tabs button').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab)));

  // ---- live visitors ---------------------------------------------------------------------
  function connectLive() {
    if (state.es) state.es.close();
    if (!window.EventSource) { startPolling(); return; }
    const es = new EventSource('/api/events');
    state.es = es;
    es.addEventListener('open', () => { stopPolling(); setLive(true); loadPending(); });
    es.addEventListener('visit', (e) => { try { upsert(JSON.parse(e.data)); } catch (x) { /* ignore */ } });
    es.addEventListener('resync', () => loadPending());
    es.addEventListener('notification', (e) => { try { setUnread(JSON.parse(e.data).unread); } catch (x) { /* ignore */ } });
    es.addEventListener('error', () => {
      setLive(false);
      startPolling();
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. 401 or a proxy closed it): check the session, retry later.
        setTimeout(() => { if (state.me && state.es === es) boot(); }, 5000);
      }
    });
  }
  function setLive(on) {
    const s = $('live-status');
    s.textContent = on ? t('live.on') : t('live.polling');
    s.className = 'live ' + (on ? 'on' : 'off');
  }
  function startPolling() {
    if (state.poll) return;
    loadPending();
    state.poll = setInterval(loadPending, 4000);
  }
  function stopPolling() { if (state.poll) { clearInterval(state.poll); state.poll = null; } }
  async function loadPending() {
    if (!state.me) return;
    const r = await call('GET', '/api/visits/pending');
    if (!r.ok) return;
    const fresh = new Map(r.data.visits.map((v) => [v.id, v]));
    for (const [id, v] of state.pending) {
      if (!fresh.has(id) && !state.outcomes.has(id)) {
        const now = await call('GET', '/api/visits/' + id);
        if (now.ok) state.outcomes.set(id, now.data.visit);
        else state.pending.delete(id);
      }
    }
    for (const v of r.data.visits) state.pending.set(v.id, v);
    renderPending();
  }
  function upsert(v) {
    if (v.status === 'pending' && !state.pending.has(v.id) && !v.held) bumpUnread();
    if (v.status === 'pending') { state.pending.set(v.id, v); state.outcomes.delete(v.id); }
    else if (state.pending.has(v.id)) state.outcomes.set(v.id, v);
    renderPending();
  }
  function fmtWait(s) {
    s = Math.max(0, Math.floor(s));
    return s < 60 ? t('time.seconds', { n: s }) : Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }
  function whoDecided(v) {
    if (v.channel === 'invitation') return t('visit.invitation');
    if (state.me && v.decided_by === state.me.name) return t('visit.you');
    if (v.decided_by_role === 'guard' || v.decided_by_role === 'admin') return t('visit.guard', { name: v.decided_by || '' });
    return v.decided_by || '—';
  }
  function outcomeText(v) {
    const time = v.decided_ms ? window.GH.time(v.decided_ms) : '';
    if (v.status === 'approved' || v.status === 'checked_in' || v.status === 'checked_out')
      return v.decided_ms ? t('visit.approvedBy', { who: whoDecided(v), time }) : t('status.' + v.status);
    if (v.status === 'denied') return t('visit.deniedBy', { who: whoDecided(v), time });
    return t('visit.gone', { status: t('status.' + v.status) });
  }
  function renderPending() {
    const list = $('pending-list');
    // Still waiting first (oldest on top), decided ones below so new buttons stay in view.
    const done = (v) => (state.outcomes.has(v.id) || v.status !== 'pending' ? 1 : 0);
    const items = [...state.pending.values()].sort((a, b) => done(a) - done(b) || a.requested_ms - b.requested_ms);
    const keep = new Set(items.map((v) => v.id));
    list.querySelectorAll('li.visit').forEach((li) => { if (!keep.has(li.dataset.id)) li.remove(); });
    for (const v of items) {
      let li = list.querySelector('li[data-id="' + CSS.escape(v.id) + '"]');
      if (!li) {
        li = $('visit-tpl').content.firstElementChild.cloneNode(true);
        li.dataset.id = v.id;
        li.classList.add('fresh');
        li.addEventListener('animationend', () => li.classList.remove('fresh'), { once: true });
        li.querySelector('.approve').addEventListener('click', () => decide(v.id, true));
        // Deny asks once more: a mistaken tap must not turn a guest away.
        const confirmBox = li.querySelector('.confirm-deny');
        li.querySelector('.deny').addEventListener('click', () => {
          li.querySelector('.actions').hidden = true; confirmBox.hidden = false;
          li.querySelector('.deny-yes').focus();
        });
        li.querySelector('.deny-back').addEventListener('click', () => {
          confirmBox.hidden = true; li.querySelector('.actions').hidden = false;
        });
        li.querySelector('.deny-yes').addEventListener('click', () => { confirmBox.hidden = true; decide(v.id, false); });
        // Report as suspicious, right on the live card.
        const form = li.querySelector('form.report');
        li.querySelector('.report-live').addEventListener('click', () => { form.hidden = false; form.querySelector('input').focus(); });
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          const r = await call('POST', '/api/visits/' + encodeURIComponent(v.id) + '/report', { reason: form.querySelector('input').value });
          if (r.ok) { form.hidden = true; li.querySelector('.report-live').hidden = true; li.querySelector('.outcome').textContent = t('visit.reported'); }
        });
        // Photos enlarge on tap.
        const img = li.querySelector('img.photo');
        img.addEventListener('click', () => img.classList.toggle('big'));
        list.append(li);
      }
      fillVisit(li, v, state.outcomes.get(v.id));
      list.append(li);  // moves it into sorted order
    }
    const waiting = items.filter((v) => !state.outcomes.has(v.id)).length;
    $('pending-empty').hidden = items.length > 0;
    const badge = $('pending-count');
    badge.hidden = waiting === 0; badge.textContent = String(waiting);
    document.title = waiting ? '(' + waiting + ') Gatehouse' : 'Gatehouse';
  }
  function fillVisit(li, v, outcome) {
    const name = v.visitor;
    li.querySelector('.visitor').textContent = name;
    li.querySelector('.purpose').textContent = window.GH.purpose(v.purpose) || t('visit.noPurpose');
    li.querySelector('.meta').textContent = t('visit.waiting', { kiosk: v.kiosk || '—', wait: fmtWait(v.waiting_s) });
    li.dataset.requested = String(Date.now() - v.waiting_s * 1000);
    li.dataset.kiosk = v.kiosk || '—';
    const img = li.querySelector('img.photo');
    const photo = (v.photos || [])[0];
    if (photo) {
      const src = '/api/photos/' + encodeURIComponent(photo.id);
      if (img.getAttribute('src') !== src) img.src = src;
      img.alt = t('visit.photoAlt', { name });
      img.hidden = false; li.querySelector('.photo.none').hidden = true;
    } else { img.hidden = true; li.querySelector('.photo.none').hidden = false; }
    const approve = li.querySelector('.approve'); const deny = li.querySelector('.deny');
    approve.textContent = t('visit.approve'); deny.textContent = t('visit.deny');
    li.querySelector('.confirm-q').textContent = t('visit.denyConfirm', { name });
    li.querySelector('.deny-yes').textContent = t('visit.denyYes');
    li.querySelector('.deny-back').textContent = t('visit.back');
    li.querySelector('.report-live').textContent = t('visit.report');
    li.querySelector('.report-reason').setAttribute('aria-label', t('visit.reportReason'));
    li.querySelector('.report-reason').placeholder = t('visit.reportReason');
    li.querySelector('.report-send').textContent = t('visit.reportSend');
    img.title = t('visit.photoEnlarge');
    approve.setAttribute('aria-label', t('visit.approveLabel', { name }));
    deny.setAttribute('aria-label', t('visit.denyLabel', { name }));
    const out = li.querySelector('.outcome');
    const final = outcome || (v.status !== 'pending' ? v : null);
    li.classList.toggle('decided', !!final);
    if (final) {
      out.textContent = outcomeText(final);
      li.querySelector('.actions').hidden = true;
      li.dataset.status = final.status;
      li.querySelector('.meta').textContent = v.kiosk || '';
    } else if (v.held) {
      out.textContent = t('visit.held');
      li.querySelector('.actions').hidden = true;
    } else {
      out.textContent = v.escalated ? t('visit.escalated') : '';
      li.querySelector('.actions').hidden = false;
      li.dataset.status = 'pending';
    }
  }
  async function decide(id, approve) {
    const li = $('pending-list').querySelector('li[data-id="' + CSS.escape(id) + '"]');
    if (li) li.querySelectorAll('.actions button').forEach((b) => { b.disabled = true; });
    const r = await call('POST', '/api/visits/' + encodeURIComponent(id) + '/decide', { approve });
    if (li) li.querySelectorAll('.actions button').forEach((b) => { b.disabled = false; });
    if (r.ok || r.status === 409) {
      const v = r.data.visit;
      if (v) state.outcomes.set(id, v);
      renderPending();
      setTimeout(() => { state.pending.delete(id); state.outcomes.delete(id); renderPending(); }, 60000);
    } else if (r.status === 404) {
      state.pending.delete(id); renderPending();
    } else if (li) {
      li.querySelector('.outcome').textContent = t('error.generic', { code: r.data.error || r.status });
    }
  }
  setInterval(() => {
    document.querySelectorAll('#pending-list li.visit[data-status="pending"]').forEach((li) => {
      const s = (Date.now() - Number(li.dataset.requested)) / 1000;
      li.querySelector('.meta').textContent = t('visit.waiting', { kiosk: li.dataset.kiosk, wait: fmtWait(s) });
    });
  }, 1000);

  // ---- invitations -----------------------------------------------------------------------
  const dayNames = () => t('days.short').split(',');
  function buildDays() {
    const box = $('days'); box.textContent = '';
    dayNames().forEach((d, i) => {
      const id = 'day-' + i;
      box.append(el('input', { type: 'checkbox', id, value: String(i), checked: i < 5 }),
        el('label', { for: id, class: 'day', text: d }));
    });
  }
  function today(offsetDays) {
    const d = new Date(Date.now() + (offsetDays || 0) * 86400000);
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }
  const validity = (inv) => window.GH.validity(inv);
  function kind() { return document.querySelector('input[name="kind"]:checked').value; }
  function syncKind() {
    const k = kind();
    $('invite-form').dataset.kind = k;
  }
  document.querySelectorAll('input[name="kind"]').forEach((r) => r.addEventListener('change', syncKind));
  $('event-csv-file').addEventListener('change', () => {
    const f = $('event-csv-file').files[0];
    if (!f) return;
    const reader = new FileReader();
    reader.onload = () => { $('event-csv').value = String(reader.result); };
    reader.readAsText(f);
  });
  $('invite-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('invite-error'); err.textContent = ''; err.className = 'error';
    const k = kind();
    const end = $('end').value === '23:59' ? '24:00' : $('end').value;
    let r;
    if (k === 'event') {
      r = await call('POST', '/api/invitations/event', { event_name: $('event-name').value, date: $('date-from').value,
        start: $('start').value, end, csv: $('event-csv').value });
    } else {
      let weekdays = 0;
      document.querySelectorAll('#days input:checked').forEach((c) => { weekdays |= 1 << Number(c.value); });
      r = await call('POST', '/api/invitations', { kind: k, guest_name: $('guest').value, guest_phone: $('guest-phone').value,
        date_from: $('date-from').value, date_until: k === 'recurring' ? $('date-until').value : $('date-from').value,
        weekdays: k === 'recurring' ? weekdays : 127, start: $('start').value, end });
    }
    if (r.ok) {
      err.className = 'note';
      err.textContent = r.data.invitations ? t('invite.createdMany', { n: r.data.invitations.length }) : t('invite.created');
      $('guest').value = ''; $('guest-phone').value = ''; $('event-csv').value = '';
      await loadInvitations(r.data.invitation ? r.data.invitation.id : null);
    } else {
      const code = r.data.error || String(r.status);
      const key = 'invite.err.' + code;
      err.textContent = t(key) !== key ? t(key) : t('invite.err.other', { code });
    }
  });
  async function loadInvitations(openId) {
    const r = await call('GET', '/api/invitations');
    if (!r.ok) return;
    const list = $('invite-list'); list.textContent = '';
    if (!r.data.invitations.length) list.append(el('li', { class: 'empty', text: t('invite.none') }));
    for (const inv of r.data.invitations) list.append(invitationCard(inv, inv.id === openId));
  }
  // The guest link: the phone's share sheet when there is one, else copy / email / SMS.
  async function sendToGuest(inv, box) {
    const r = await call('GET', '/api/invitations/' + encodeURIComponent(inv.id) + '/guest-link');
    if (!r.ok) return;
    const url = r.data.url;
    const text = t('invite.shareText', { estate: (state.me && state.me.estate) || 'Gatehouse' });
    if (navigator.share) {
      try { await navigator.share({ title: 'Gatehouse', text, url }); return; } catch (e) { /* cancelled: offer the rest */ }
    }
    box.textContent = '';
    const input = el('input', { type: 'url', readonly: true, value: url, class: 'guest-link', 'aria-label': t('invite.send') });
    const copy = el('button', { type: 'button', class: 'ghost', text: t('invite.copy') });
    const msg = el('p', { class: 'note', role: 'status' });
    copy.addEventListener('click', async () => {
      try { await navigator.clipboard.writeText(url); } catch (e) { input.select(); document.execCommand('copy'); }
      msg.textContent = t('invite.copied');
    });
    const body = encodeURIComponent(text + ' ' + url);
    box.append(input, copy, el('a', { class: 'button ghost', href: 'mailto:?subject=Gatehouse&body=' + body, text: t('invite.email') }));
    if (inv.guest_phone && state.me.channels_available && state.me.channels_available.sms) {
      const sms = el('button', { type: 'button', class: 'ghost', text: t('invite.sms') });
      sms.addEventListener('click', async () => {
        const x = await call('POST', '/api/invitations/' + encodeURIComponent(inv.id) + '/sms', {});
        msg.textContent = x.ok ? t('invite.smsSent') : t('push.failed');
      });
      box.append(sms);
    } else if (inv.guest_phone) {
      box.append(el('a', { class: 'button ghost', href: 'sms:' + encodeURIComponent(inv.guest_phone) + '?body=' + body, text: t('invite.sms') }));
    }
    box.append(msg);
    box.hidden = false;
  }
  function invitationCard(inv, open) {
    const words = validity(inv);
    const li = el('li', { class: 'card invite', 'data-id': inv.id, 'data-state': inv.state });
    const qrBox = el('div', { class: 'qr', hidden: true });
    const usesBox = el('ul', { class: 'uses', hidden: true });
    const showBtn = el('button', { type: 'button', class: 'show-qr', text: t('invite.show'), 'aria-expanded': 'false' });
    showBtn.addEventListener('click', () => {
      const opening = qrBox.hidden;
      if (opening && !qrBox.firstChild) {
        qrBox.append(el('img', { src: '/api/invitations/' + encodeURIComponent(inv.id) + '/qr.svg', class: 'qr-img',
          alt: t('invite.qrAlt', { name: inv.guest_name, validity: words }), width: 240, height: 240 }),
        el('p', { class: 'validity', text: words }));
      }
      qrBox.hidden = !opening;
      showBtn.textContent = opening ? t('invite.hide') : t('invite.show');
      showBtn.setAttribute('aria-expanded', String(opening));
    });
    const usesBtn = el('button', { type: 'button', class: 'ghost', text: t('invite.showUses') });
    usesBtn.addEventListener('click', async () => {
      const r = await call('GET', '/api/invitations/' + encodeURIComponent(inv.id));
      usesBox.textContent = '';
      if (r.ok) {
        if (!r.data.invitation.visits.length) usesBox.append(el('li', { text: t('invite.noUses') }));
        for (const v of r.data.invitation.visits)
          usesBox.append(el('li', { dir: 'auto', text: v.visitor + ' · ' + window.GH.dateTime(v.requested_ms) + ' · ' + t('status.' + v.status) }));
      }
      usesBox.hidden = false;
    });
    const actions = el('div', { class: 'actions' }, showBtn, usesBtn);
    const shareBox = el('div', { class: 'share-box', hidden: true });
    if (inv.state === 'active') {
      const send = el('button', { type: 'button', class: 'send-guest', text: t('invite.send') });
      send.addEventListener('click', () => sendToGuest(inv, shareBox));
      actions.append(send);
    }
    if (inv.state === 'active') {
      const rv = el('button', { type: 'button', class: 'danger revoke', text: t('invite.revoke') });
      rv.addEventListener('click', async () => {
        if (!window.confirm(t('invite.revokeConfirm', { name: inv.guest_name }))) return;
        const r = await call('POST', '/api/invitations/' + encodeURIComponent(inv.id) + '/revoke', {});
        if (r.ok) li.replaceWith(invitationCard(r.data.invitation, false));
      });
      actions.append(rv);
    }
    const uses = inv.max_uses > 0 ? t('invite.usesOf', { n: inv.uses, max: inv.max_uses }) : t('invite.uses', { n: inv.uses });
    li.append(
      el('h4', { dir: 'auto', class: 'guest', text: inv.guest_name }),
      el('p', { class: 'state state-' + inv.state, text: t('invite.state.' + inv.state) + ' · ' + uses }),
      el('p', { class: 'validity-line', text: words }),
      actions, shareBox, qrBox, usesBox);
    if (open && inv.state === 'active') setTimeout(() => showBtn.click(), 0);
    return li;
  }

  // ---- visit log -------------------------------------------------------------------------
  function logQuery() {
    const q = new URLSearchParams();
    if ($('log-from').value) q.set('from', $('log-from').value);
    if ($('log-to').value) q.set('to', $('log-to').value);
    return q.toString();
  }
  $('log-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadLog(); });
  async function loadLog() {
    const q = logQuery();
    $('log-csv').href = '/api/visits.csv' + (q ? '?' + q : '');
    const r = await call('GET', '/api/visits' + (q ? '?' + q : ''));
    if (!r.ok) return;
    const list = $('log-list'); list.textContent = '';
    $('log-empty').hidden = r.data.visits.length > 0;
    for (const v of r.data.visits) list.append(logCard(v));
  }
  function logCard(v) {
    const li = el('li', { class: 'card log', 'data-id': v.id });
    const photos = el('div', { class: 'photos' });
    for (const p of v.photos || []) {
      const alt = t(p.kind === 'exit_photo' ? 'visit.exitAlt' : 'visit.entryAlt', { name: v.visitor });
      photos.append(el('img', { src: '/api/photos/' + encodeURIComponent(p.id), alt, class: 'thumb ' + p.kind, width: 72, height: 72, loading: 'lazy' }));
    }
    const times = [];
    if (v.entered_ms) times.push(t('visit.entered', { time: window.GH.dateTime(v.entered_ms) }));
    if (v.exited_ms) times.push(t('visit.exited', { time: window.GH.dateTime(v.exited_ms) }));
    const reportBox = el('form', { class: 'report', hidden: true });
    const reason = el('input', { 'aria-label': t('visit.reportReason'), placeholder: t('visit.reportReason'), maxlength: 500 });
    reportBox.append(reason, el('button', { type: 'submit', class: 'danger', text: t('visit.reportSend') }));
    reportBox.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await call('POST', '/api/visits/' + encodeURIComponent(v.id) + '/report', { reason: reason.value });
      if (r.ok) reportBox.replaceWith(el('p', { class: 'note', role: 'status', text: t('visit.reported') }));
    });
    const reportBtn = el('button', { type: 'button', class: 'ghost small', text: t('visit.report') });
    reportBtn.addEventListener('click', () => { reportBox.hidden = false; reason.focus(); });
    li.append(...[
      el('h4', { dir: 'auto', class: 'visitor', text: v.visitor }),
      el('p', { class: 'meta', text: window.GH.dateTime(v.requested_ms) + ' · ' + t('status.' + v.status) + (v.purpose ? ' · ' : ''), },
        el('span', { dir: 'auto', text: window.GH.purpose(v.purpose) })),
      v.decided_ms ? el('p', { class: 'meta', text: outcomeText(v) }) : null,
      times.length ? el('p', { class: 'meta times', text: times.join(' · ') }) : null,
      photos, reportBtn, reportBox].filter((c) => c != null));
    return li;
  }

  // ---- notifications and channels ----------------------------------------------------------
  function setUnread(n) { state.unread = n; const b = $('unread'); b.hidden = !n; b.textContent = String(n); }
  // Each new request also made a notification; count it without asking the server.
  function bumpUnread() { setUnread((state.unread || 0) + 1); }
  async function loadNotifications() {
    const r = await call('GET', '/api/notifications');
    if (!r.ok) return;
    setUnread(r.data.unread);
    const list = $('notes-list'); list.textContent = '';
    if (!r.data.notifications.length) list.append(el('li', { class: 'empty', text: t('notes.none') }));
    for (const n of r.data.notifications) {
      const p = n.payload || {};
      const key = 'notes.' + n.kind;
      const text = t(key) !== key ? t(key, { visitor: p.visitor || '', status: p.status ? t('status.' + p.status) : '' }) : t('notes.other');
      list.append(el('li', { class: n.read ? 'read' : 'unread', dir: 'auto' }, el('span', { text }),
        el('time', { text: window.GH.dateTime(n.created_ms) })));
    }
  }
  // ---- push notifications on this device ------------------------------------------------------
  function keyBytes(b64) {
    const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }
  async function loadPush() {
    const r = await call('GET', '/api/push');
    const can = r.ok && r.data.enabled && 'serviceWorker' in navigator && 'PushManager' in window;
    $('push-panel').hidden = !can;
    if (!can) return;
    state.pushKey = r.data.public_key;
    const list = $('push-devices'); list.textContent = '';
    for (const s of r.data.subscriptions) {
      const test = el('button', { type: 'button', class: 'ghost', text: t('push.test') });
      test.addEventListener('click', async () => {
        const x = await call('POST', `/api/push/subscriptions/${s.id}/test`, {});
        $('push-msg').textContent = x.ok ? t('push.testSent') : t('push.failed');
      });
      const rm = el('button', { type: 'button', class: 'ghost', text: t('push.remove') });
      rm.addEventListener('click', async () => { await call('POST', `/api/push/subscriptions/${s.id}/delete`, {}); loadPush(); });
      list.append(el('li', { dir: 'auto' }, el('span', { text: s.label || t('push.device') }), test, rm));
    }
  }
  $('push-enable').addEventListener('click', async () => {
    try {
      if (await Notification.requestPermission() !== 'granted') { $('push-msg').textContent = t('push.denied'); return; }
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(state.pushKey) });
      const j = sub.toJSON();
      const r = await call('POST', '/api/push/subscriptions', { endpoint: j.endpoint, keys: j.keys,
        label: t('push.device') + ' ' + window.GH.dateTime(Date.now()) });
      $('push-msg').textContent = r.ok ? t('push.enabled') : t('push.failed');
      loadPush();
    } catch (e) {
      $('push-msg').textContent = t('push.failed');
    }
  });
  $('mark-read').addEventListener('click', async () => { await call('POST', '/api/notifications/read', { all: true }); loadNotifications(); });
  $('channels-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await call('POST', '/api/me/channels', { notify_email: $('notify-email').checked, webhook_url: $('webhook').value });
    $('channels-msg').textContent = r.ok ? t('settings.saved') : t('settings.badUrl');
  });

  document.addEventListener('gh:lang', () => {
    buildDays();
    if (!state.me) return;
    renderPending(); setLive(state.es && state.es.readyState === 1);
    if (state.tab === 'invite') loadInvitations(); if (state.tab === 'log') loadLog(); if (state.tab === 'alerts') loadNotifications();
  });
  document.addEventListener('DOMContentLoaded', () => {
    buildDays(); syncKind();
    $('date-from').value = today(0); $('date-until').value = today(90);
    $('log-from').value = today(-30); $('log-to').value = today(0);
    boot();
    // Installable page: the service worker caches the shell and shows push notifications.
    if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
})();
