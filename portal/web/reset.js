// Sets a new password with the single-use token from the emailed link's fragment.
'use strict';
(function () {
  const { t, api } = window.GH;
  document.addEventListener('DOMContentLoaded', () => {
    const token = decodeURIComponent((location.hash || '').slice(1));
    const msg = document.getElementById('reset-msg');
    if (!token) {  // opened without the emailed link's token: nothing to submit
      document.getElementById('new-password').disabled = true;
      document.querySelector('#reset-form button[type=submit]').hidden = true;
      document.getElementById('new-password').hidden = true;
      document.querySelector('label[for=new-password]').hidden = true;
      msg.className = 'error';
      msg.textContent = t('reset.noToken');
      return;
    }
    document.getElementById('reset-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const password = document.getElementById('new-password').value;
      if (password.length < 10) { msg.className = 'error'; msg.textContent = t('reset.short'); return; }
      const r = await api('POST', '/api/password/reset', { token, password });
      msg.className = r.ok ? 'note' : 'error';
      msg.textContent = r.ok ? t('reset.done') : (r.data.error === 'password_too_short' ? t('reset.short') : t('reset.invalid'));
    });
  });
})();
