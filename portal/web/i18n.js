// UI strings in English and Russian. Keys must match across languages (checked by a test).
'use strict';
window.GH_I18N = {
  en: {
    'skip': 'Skip to content',
    'theme': 'Switch dark or light',
    'signin.title': 'Sign in',
    'signin.email': 'Email',
    'signin.password': 'Password',
    'signin.submit': 'Sign in',
    'signin.invalid': 'Email or password is wrong.',
    'signin.locked': 'Too many failed attempts. Sign-in is locked until {time}.',
    'signin.rate': 'Too many attempts from this device. Try again in {s} seconds.',
    'signin.last_attempt': 'Email or password is wrong. One more failed attempt locks sign-in: reset your password below instead.',
    'forgot.title': 'Forgot your password?',
    'forgot.submit': 'Email me a link',
    'forgot.sent': 'If this address belongs to an account, a link is on its way. It works once.',
    'reset.title': 'Choose a new password',
    'reset.password': 'New password (at least 10 characters)',
    'reset.submit': 'Save password',
    'reset.done': 'Password changed. You can sign in now.',
    'reset.invalid': 'This link is used or expired. Ask for a new one.',
    'reset.short': 'Use at least 10 characters.',
    'signout': 'Sign out',
    'nav.pending': 'Gate',
    'nav.invite': 'Invite',
    'nav.log': 'Log',
    'nav.alerts': 'Alerts',
    'live.on': 'Live',
    'live.polling': 'Reconnecting… checking every few seconds',
    'pending.title': 'At the gate',
    'pending.empty': 'Nobody is waiting for you.',
    'visit.approve': 'Let in',
    'visit.deny': 'Deny',
    'visit.approveLabel': 'Let {name} in',
    'visit.denyLabel': 'Deny {name}',
    'visit.waiting': 'at {kiosk} · waiting {wait}',
    'visit.held': 'The guards are handling this visitor.',
    'visit.photoAlt': 'Photo of {name} at the gate',
    'visit.entryAlt': 'Photo of {name} on entry',
    'visit.exitAlt': 'Photo of {name} on exit',
    'visit.noPurpose': 'No purpose given',
    'visit.approvedBy': 'Approved by {who} at {time}',
    'visit.deniedBy': 'Denied by {who} at {time}',
    'visit.decidedBy': '{status} by {who} at {time}',
    'visit.you': 'you',
    'visit.guard': 'guard {name}',
    'visit.invitation': 'your pass',
    'visit.gone': 'This request is no longer waiting ({status}).',
    'visit.report': 'Report as suspicious',
    'visit.reportReason': 'What happened?',
    'visit.reportSend': 'Send to the guards',
    'visit.reported': 'Sent to the guards. Thank you.',
    'visit.entered': 'In {time}',
    'visit.exited': 'Out {time}',
    'status.pending': 'Waiting',
    'status.approved': 'Approved',
    'status.denied': 'Denied',
    'status.expired': 'Expired',
    'status.cancelled': 'Cancelled',
    'status.checked_in': 'Inside',
    'status.checked_out': 'Left',
    'invite.title': 'Invite guests',
    'invite.kind': 'Kind of pass',
    'invite.single': 'One visit',
    'invite.recurring': 'Recurring',
    'invite.event': 'Event',
    'invite.guest': 'Guest name',
    'invite.phone': 'Guest phone (optional)',
    'invite.eventName': 'Event name',
    'invite.csv': 'Guest list (CSV: name, phone)',
    'invite.csvFile': 'Choose a CSV file',
    'invite.date': 'Date',
    'invite.until': 'Until',
    'invite.days': 'Days',
    'invite.from': 'From',
    'invite.to': 'To',
    'invite.create': 'Create pass',
    'invite.created': 'Pass created.',
    'invite.createdMany': '{n} passes created.',
    'invite.list': 'Your passes',
    'invite.none': 'No passes yet.',
    'invite.show': 'Show QR',
    'invite.hide': 'Hide QR',
    'invite.qrAlt': 'QR pass for {name}. {validity}',
    'invite.revoke': 'Revoke',
    'invite.revokeConfirm': 'Revoke the pass for {name}? The gate will refuse it.',
    'invite.uses': 'Used {n} times',
    'invite.usesOf': 'Used {n} of {max}',
    'invite.showUses': 'See uses',
    'invite.noUses': 'Not used yet.',
    'invite.state.active': 'Active',
    'invite.state.revoked': 'Revoked',
    'invite.state.expired': 'Expired',
    'invite.state.used_up': 'Used',
    'invite.err.guest_name_required': 'Enter the guest name.',
    'invite.err.dates': 'Check the dates.',
    'invite.err.hours': 'The end time must be after the start time.',
    'invite.err.event_name_required': 'Enter the event name.',
    'invite.err.csv_empty': 'Add at least one guest.',
    'invite.err.other': 'Could not create the pass ({code}).',
    'valid.oneDay': 'Valid on {date}, {from}–{to}, once.',
    'valid.days': 'Valid {days}, {from}–{to}, from {start} until {end}.',
    'valid.every': 'every day',
    'valid.weekdays': 'Mon–Fri',
    'valid.event': '{event}: {date}, {from}–{to}, once.',
    'log.title': 'Visit log',
    'log.from': 'From',
    'log.to': 'To',
    'log.show': 'Show',
    'log.csv': 'Export CSV',
    'log.empty': 'No visits in these dates.',
    'notes.title': 'Notifications',
    'notes.markAll': 'Mark all as read',
    'notes.none': 'Nothing yet.',
    'notes.visit_request': '{visitor} is at the gate',
    'notes.visit_decided': '{visitor}: {status}',
    'notes.visitor_arrived': '{visitor} arrived',
    'notes.guest_arrived': '{visitor} arrived with your pass',
    'notes.overstay': '{visitor} stayed past the expected time',
    'notes.other': 'Update',
    'settings.title': 'How to reach you',
    'settings.email': 'Email me',
    'settings.webhook': 'Webhook URL (SMS or Telegram gateway)',
    'settings.save': 'Save',
    'settings.saved': 'Saved.',
    'settings.badUrl': 'Use an https:// address.',
    'settings.emailExplain': 'An email for each visitor, with a link that lets them in or turns them away.',
    'settings.webhookExplain': 'For a gateway you run: each event is posted there, signed.',
    'push.explain': 'A notification on this phone rings for each visitor, with Let in and Deny, even when this page is closed.',
    'push.enable': 'Notify me on this phone',
    'push.enabled': 'This phone will ring for visitors.',
    'push.denied': 'Notifications are blocked for this site in the browser settings.',
    'push.failed': 'That did not work. Try again.',
    'push.test': 'Send a test',
    'push.testSent': 'Test sent.',
    'push.remove': 'Remove',
    'push.device': 'Phone',
    'purpose.guest': 'Guest',
    'purpose.delivery': 'Delivery',
    'purpose.contractor': 'Work / repairs',
    'purpose.taxi': 'Taxi',
    'time.seconds': '{n}\u00a0s',
    'visit.denyConfirm': 'Turn {name} away?',
    'visit.denyYes': 'Yes, deny',
    'visit.back': 'Back',
    'visit.photoEnlarge': 'Tap to enlarge',
    'visit.escalated': 'Handed to the guard: no answer in time. You can still decide.',
    'reset.noToken': 'This link is incomplete. Ask for a new one from the sign-in page.',
    'guest.howto': 'Show this code to the camera at the gate.',
    'guest.where': 'How to get there',
    'guest.invalid': 'This pass is no longer valid.',
    'guest.offline': 'No connection: this is the pass as last loaded.',
    'guest.qrAlt': 'Gate pass QR code, {validity}',
    'invite.send': 'Send to guest',
    'invite.copy': 'Copy link',
    'invite.copied': 'Link copied.',
    'invite.email': 'Email',
    'invite.sms': 'SMS',
    'invite.smsSent': 'SMS sent to the guest.',
    'invite.shareText': 'Your pass for {estate}: open this link and show the code at the gate.',
    'magic.title': 'Visitor at the gate',
    'magic.invalid': 'This link is not valid.',
    'magic.expired': 'This link has expired. Open the portal to decide.',
    'magic.used': 'This link was already used.',
    'magic.open': 'Open the portal',
    'error.network': 'No connection. Trying again…',
    'error.generic': 'Something went wrong ({code}).',
    'days.short': 'Mon,Tue,Wed,Thu,Fri,Sat,Sun'
  },
  ru: {
    'skip': 'Перейти к содержимому',
    'theme': 'Тёмная или светлая тема',
    'signin.title': 'Вход',
    'signin.email': 'Эл. почта',
    'signin.password': 'Пароль',
    'signin.submit': 'Войти',
    'signin.invalid': 'Неверная почта или пароль.',
    'signin.locked': 'Слишком много неудачных попыток. Вход заблокирован до {time}.',
    'signin.rate': 'Слишком много попыток с этого устройства. Повторите через {s} с.',
    'signin.last_attempt': 'Неверная почта или пароль. Ещё одна ошибка заблокирует вход: лучше сбросьте пароль ниже.',
    'forgot.title': 'Забыли пароль?',
    'forgot.submit': 'Прислать ссылку',
    'forgot.sent': 'Если адрес зарегистрирован, ссылка уже отправлена. Она одноразовая.',
    'reset.title': 'Новый пароль',
    'reset.password': 'Новый пароль (не меньше 10 символов)',
    'reset.submit': 'Сохранить пароль',
    'reset.done': 'Пароль изменён. Теперь можно войти.',
    'reset.invalid': 'Ссылка уже использована или устарела. Запросите новую.',
    'reset.short': 'Не меньше 10 символов.',
    'signout': 'Выйти',
    'nav.pending': 'Ворота',
    'nav.invite': 'Пропуска',
    'nav.log': 'Журнал',
    'nav.alerts': 'Уведомления',
    'live.on': 'Онлайн',
    'live.polling': 'Переподключение… проверяем каждые несколько секунд',
    'pending.title': 'У ворот',
    'pending.empty': 'Вас никто не ждёт.',
    'visit.approve': 'Впустить',
    'visit.deny': 'Отказать',
    'visit.approveLabel': 'Впустить: {name}',
    'visit.denyLabel': 'Отказать: {name}',
    'visit.waiting': '{kiosk} · ждёт {wait}',
    'visit.held': 'Этим посетителем занимается охрана.',
    'visit.photoAlt': 'Фото: {name} у ворот',
    'visit.entryAlt': 'Фото: {name} при входе',
    'visit.exitAlt': 'Фото: {name} при выходе',
    'visit.noPurpose': 'Цель не указана',
    'visit.approvedBy': 'Впущен: {who}, {time}',
    'visit.deniedBy': 'Отказано: {who}, {time}',
    'visit.decidedBy': '{status}: {who}, {time}',
    'visit.you': 'вы',
    'visit.guard': 'охранник {name}',
    'visit.invitation': 'ваш пропуск',
    'visit.gone': 'Запрос больше не ждёт ответа ({status}).',
    'visit.report': 'Сообщить о подозрительном',
    'visit.reportReason': 'Что случилось?',
    'visit.reportSend': 'Отправить охране',
    'visit.reported': 'Отправлено охране. Спасибо.',
    'visit.entered': 'Вход {time}',
    'visit.exited': 'Выход {time}',
    'status.pending': 'Ждёт',
    'status.approved': 'Впущен',
    'status.denied': 'Отказано',
    'status.expired': 'Истёк',
    'status.cancelled': 'Отменён',
    'status.checked_in': 'На территории',
    'status.checked_out': 'Ушёл',
    'invite.title': 'Пригласить гостей',
    'invite.kind': 'Тип пропуска',
    'invite.single': 'Разовый',
    'invite.recurring': 'Постоянный',
    'invite.event': 'Мероприятие',
    'invite.guest': 'Имя гостя',
    'invite.phone': 'Телефон гостя (необязательно)',
    'invite.eventName': 'Название мероприятия',
    'invite.csv': 'Список гостей (CSV: имя, телефон)',
    'invite.csvFile': 'Выбрать CSV-файл',
    'invite.date': 'Дата',
    'invite.until': 'До',
    'invite.days': 'Дни',
    'invite.from': 'С',
    'invite.to': 'До',
    'invite.create': 'Создать пропуск',
    'invite.created': 'Пропуск создан.',
    'invite.createdMany': 'Создано пропусков: {n}.',
    'invite.list': 'Ваши пропуска',
    'invite.none': 'Пропусков пока нет.',
    'invite.show': 'Показать QR',
    'invite.hide': 'Скрыть QR',
    'invite.qrAlt': 'QR-пропуск для {name}. {validity}',
    'invite.revoke': 'Отозвать',
    'invite.revokeConfirm': 'Отозвать пропуск {name}? На воротах его не примут.',
    'invite.uses': 'Использован {n} раз',
    'invite.usesOf': 'Использован {n} из {max}',
    'invite.showUses': 'Посещения',
    'invite.noUses': 'Ещё не использован.',
    'invite.state.active': 'Действует',
    'invite.state.revoked': 'Отозван',
    'invite.state.expired': 'Истёк',
    'invite.state.used_up': 'Использован',
    'invite.err.guest_name_required': 'Введите имя гостя.',
    'invite.err.dates': 'Проверьте даты.',
    'invite.err.hours': 'Время окончания должно быть позже начала.',
    'invite.err.event_name_required': 'Введите название мероприятия.',
    'invite.err.csv_empty': 'Добавьте хотя бы одного гостя.',
    'invite.err.other': 'Не удалось создать пропуск ({code}).',
    'valid.oneDay': 'Действует {date}, {from}–{to}, один раз.',
    'valid.days': 'Действует: {days}, {from}–{to}, с {start} по {end}.',
    'valid.every': 'ежедневно',
    'valid.weekdays': 'пн–пт',
    'valid.event': '{event}: {date}, {from}–{to}, один раз.',
    'log.title': 'Журнал посещений',
    'log.from': 'С',
    'log.to': 'По',
    'log.show': 'Показать',
    'log.csv': 'Скачать CSV',
    'log.empty': 'За эти даты посещений нет.',
    'notes.title': 'Уведомления',
    'notes.markAll': 'Отметить все прочитанными',
    'notes.none': 'Пока ничего.',
    'notes.visit_request': '{visitor} у ворот',
    'notes.visit_decided': '{visitor}: {status}',
    'notes.visitor_arrived': '{visitor} прибыл(а)',
    'notes.guest_arrived': '{visitor} прибыл(а) по вашему пропуску',
    'notes.overstay': '{visitor} задерживается дольше ожидаемого',
    'notes.other': 'Обновление',
    'settings.title': 'Как с вами связаться',
    'settings.email': 'Письма на почту',
    'settings.webhook': 'Адрес вебхука (шлюз SMS или Telegram)',
    'settings.save': 'Сохранить',
    'settings.saved': 'Сохранено.',
    'settings.badUrl': 'Нужен адрес https://.',
    'settings.emailExplain': 'Письмо о каждом посетителе со ссылкой, чтобы впустить или отказать.',
    'settings.webhookExplain': 'Для вашего шлюза: каждое событие отправляется туда с подписью.',
    'push.explain': 'Уведомление на этом телефоне о каждом посетителе, с кнопками «Впустить» и «Отказать», даже когда страница закрыта.',
    'push.enable': 'Уведомлять на этом телефоне',
    'push.enabled': 'Этот телефон будет сообщать о посетителях.',
    'push.denied': 'Уведомления для сайта запрещены в настройках браузера.',
    'push.failed': 'Не получилось. Попробуйте ещё раз.',
    'push.test': 'Проверить',
    'push.testSent': 'Проверка отправлена.',
    'push.remove': 'Удалить',
    'push.device': 'Телефон',
    'purpose.guest': 'В гости',
    'purpose.delivery': 'Доставка',
    'purpose.contractor': 'Работы / ремонт',
    'purpose.taxi': 'Такси',
    'time.seconds': '{n}\u00a0с',
    'visit.denyConfirm': 'Отказать: {name}?',
    'visit.denyYes': 'Да, отказать',
    'visit.back': 'Назад',
    'visit.photoEnlarge': 'Нажмите, чтобы увеличить',
    'visit.escalated': 'Передано охраннику: ответа не было вовремя. Вы всё ещё можете решить.',
    'reset.noToken': 'Ссылка неполная. Запросите новую на странице входа.',
    'guest.howto': 'Покажите этот код камере у ворот.',
    'guest.where': 'Как добраться',
    'guest.invalid': 'Этот пропуск больше не действует.',
    'guest.offline': 'Нет связи: это пропуск, загруженный в последний раз.',
    'guest.qrAlt': 'QR-код пропуска, {validity}',
    'invite.send': 'Отправить гостю',
    'invite.copy': 'Скопировать ссылку',
    'invite.copied': 'Ссылка скопирована.',
    'invite.email': 'Письмом',
    'invite.sms': 'SMS',
    'invite.smsSent': 'SMS отправлено гостю.',
    'invite.shareText': 'Ваш пропуск в {estate}: откройте ссылку и покажите код у ворот.',
    'magic.title': 'Посетитель у ворот',
    'magic.invalid': 'Ссылка недействительна.',
    'magic.expired': 'Срок ссылки истёк. Откройте портал, чтобы ответить.',
    'magic.used': 'Ссылка уже использована.',
    'magic.open': 'Открыть портал',
    'error.network': 'Нет связи. Пробуем снова…',
    'error.generic': 'Что-то пошло не так ({code}).',
    'days.short': 'Пн,Вт,Ср,Чт,Пт,Сб,Вс'
  }
};

// Shared helpers for every page: language, theme, translation, small DOM builders.
window.GH = (function () {
  const stored = (k) => { try { return localStorage.getItem(k); } catch (e) { return null; } };
  const store = (k, v) => { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } };
  let lang = stored('gh.lang') || ((navigator.language || 'en').toLowerCase().startsWith('ru') ? 'ru' : 'en');
  function t(key, vars) {
    const dict = window.GH_I18N[lang] || window.GH_I18N.en;
    let s = dict[key] != null ? dict[key] : (window.GH_I18N.en[key] != null ? window.GH_I18N.en[key] : key);
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] != null ? String(vars[k]) : m));
    return s;
  }
  function apply(root) {
    document.documentElement.lang = lang;
    (root || document).querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    (root || document).querySelectorAll('[data-i18n-label]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.i18nLabel)); });
    const b = document.getElementById('lang');
    if (b) { b.textContent = lang === 'ru' ? 'EN' : 'RU'; b.setAttribute('aria-label', lang === 'ru' ? 'English' : 'Русский'); }
  }
  function setLang(l) { lang = l; store('gh.lang', l); apply(); }
  function theme() {
    const th = stored('gh.theme');
    if (th) document.documentElement.dataset.theme = th; else delete document.documentElement.dataset.theme;
  }
  function toggleTheme() {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : window.matchMedia('(prefers-color-scheme: dark)').matches;
    store('gh.theme', dark ? 'light' : 'dark');
    theme();
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  function time(ms) {
    return new Date(ms).toLocaleTimeString(lang === 'ru' ? 'ru-RU' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  }
  function dateTime(ms) {
    return new Date(ms).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB',
      { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  }
  function date(iso) {
    const [y, m, d] = iso.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang === 'ru' ? 'ru-RU' : 'en-GB',
      { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  }
  async function api(method, path, body, csrf) {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const res = await fetch(path, { method, headers, credentials: 'same-origin',
      body: body !== undefined ? JSON.stringify(body) : undefined });
    let data = {};
    try { data = await res.json(); } catch (e) { data = {}; }
    return { status: res.status, ok: res.ok, data };
  }
  theme();
  document.addEventListener('DOMContentLoaded', () => {
    apply();
    const lb = document.getElementById('lang');
    if (lb) lb.addEventListener('click', () => { setLang(lang === 'ru' ? 'en' : 'ru'); document.dispatchEvent(new Event('gh:lang')); });
    const tb = document.getElementById('theme');
    if (tb) tb.addEventListener('click', toggleTheme);
  });
  // A pass's validity in words (the resident's card and the guest's page say the same).
  function hm(min) { return String(Math.floor(min / 60)).padStart(2, '0') + ':' + String(min % 60).padStart(2, '0'); }
  function validity(inv) {
    const from = hm(inv.day_start_min), to = hm(inv.day_end_min);
    if (inv.kind === 'event') return t('valid.event', { event: inv.event_name || '', date: date(inv.date_from), from, to });
    if (inv.kind === 'single' || (inv.date_from === inv.date_until && inv.max_uses === 1))
      return t('valid.oneDay', { date: date(inv.date_from), from, to });
    let days;
    if (inv.weekdays === 127) days = t('valid.every');
    else if (inv.weekdays === 31) days = t('valid.weekdays');
    else days = t('days.short').split(',').filter((_, i) => inv.weekdays & (1 << i)).join(', ');
    return t('valid.days', { days, from, to, start: date(inv.date_from), end: date(inv.date_until) });
  }
  // Purposes arrive as the kiosk's keys ("guest"); anything else is the visitor's own words.
  function purpose(p) { const k = 'purpose.' + p; return p && t(k) !== k ? t(k) : (p || ''); }
  return { t, apply, el, api, time, dateTime, date, validity, purpose, lang: () => lang };
})();
