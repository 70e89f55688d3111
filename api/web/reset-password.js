// The reset-password page: asks for a code (POST /v1/auth/password-reset), then takes the code
// and a new password (POST /v1/auth/password-reset/confirm). A link from the code's message
// carries the login in its fragment (#login=…) and opens at the code. Nothing is stored.
// Its words are the catalogue's (`I18N`, i18n.js).
'use strict';
(() => {
  const { t, into } = window.I18N;
  // The server's limits (domain/src/password.rs, domain/src/sign_up.rs).
  const PASSWORD_MIN = 8;
  const PASSWORD_MAX = 128;
  const CODE_DIGITS = 6;
  const VIEWS = ['request', 'code', 'done'];
  const TITLES = {
    request: t('reset-title-request'),
    code: t('reset-title-code'),
    done: t('reset-title-done'),
  };

  const $ = (id) => document.getElementById(id);
  // The frontend's address (EXTRANET_APP_URL), written into the page by the server; '' if none.
  const APP_URL = (() => {
    const meta = document.querySelector('meta[name="extranet-app-url"]');
    const url = meta ? meta.content.trim() : '';
    return /^https?:\/\//i.test(url) ? url : '';
  })();
  let login = ''; // the login the code was asked for (as the server normalised it)
  let busy = false;

  const chars = (s) => [...s].length;
  const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
  // A server's message as a sentence: capital first letter, a full stop, `code` as “code”.
  const sentence = (s) => {
    const t = capital(String(s || '').trim().replace(/`([^`]*)`/g, '“$1”'));
    return t && !/[.!?]$/.test(t) ? t + '.' : t;
  };
  const seconds = (r) => {
    const s = parseInt(r.retryAfter, 10);
    if (!(s > 0)) return t('wait-moment');
    if (s < 120) return t('wait-seconds', { seconds: s });
    return t('wait-minutes', { minutes: Math.ceil(s / 60) });
  };
  const troubleText = (r) => (r.network ? t('no-connection') : t('reset-trouble'));

  function show(view, focusId) {
    for (const v of VIEWS) $('view-' + v).hidden = v !== view;
    document.title = TITLES[view];
    const target = $(focusId || view + '-title');
    if (target) target.focus();
  }

  // One JSON POST; never throws. Answers { status, data, retryAfter } or { network: true }.
  async function post(path, body) {
    let res;
    try {
      res = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (_) {
      return { network: true };
    }
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    return { status: res.status, data, retryAfter: res.headers.get('Retry-After') };
  }

  function setBusy(on, button, label) {
    busy = on;
    for (const b of document.querySelectorAll('button')) b.disabled = on;
    for (const f of document.querySelectorAll('form')) f.setAttribute('aria-busy', String(on));
    if (button) {
      if (on) {
        button.dataset.label = button.textContent;
        button.textContent = label;
      } else if (button.dataset.label) {
        button.textContent = button.dataset.label;
      }
    }
  }

  // ---- errors next to fields ----

  const FIELDS = { login: 'login', code: 'code', new_password: 'new-password' };

  function clearErrors() {
    for (const id of Object.values(FIELDS)) {
      $(id + '-error').textContent = '';
      $(id).removeAttribute('aria-invalid');
    }
    $('request-error').textContent = '';
    $('reset-error').textContent = '';
  }

  // Shows each message next to its field (on the view shown); the rest go to `summary`'s box.
  function reportFields(errors, box, summary) {
    let first = null;
    const rest = [];
    for (const e of errors) {
      const id = FIELDS[e.field];
      if (!id || $(id).closest('[hidden]')) {
        rest.push(sentence(e.message));
        continue;
      }
      const p = $(id + '-error');
      p.textContent = (p.textContent ? p.textContent + ' ' : '') + sentence(e.message);
      $(id).setAttribute('aria-invalid', 'true');
      if (!first) first = $(id);
    }
    $(box).textContent = [summary].concat(rest).join(' ');
    if (first) first.focus();
  }

  // ---- asking for a code ----

  function sentText(to, fresh) {
    return t(fresh ? 'reset-sent' : 'reset-enter-code-for', { login: to });
  }

  function showCode(to, fresh) {
    login = to;
    $('sent-text').textContent = sentText(to, fresh);
    $('code-help').textContent = t('reset-code-help', { digits: CODE_DIGITS, login: to });
    $('new-password-help').textContent = t('reset-password-help', { min: PASSWORD_MIN });
    $('code').value = '';
    $('new-password').value = '';
    show('code', 'code');
  }

  // Asks for a code for `typed`; `box` is where a refusal is told.
  async function ask(typed, box, button) {
    setBusy(true, button, t('reset-sending'));
    const r = await post('/v1/auth/password-reset', { login: typed });
    setBusy(false, button);
    if (r.status === 202 && r.data) return showCode(r.data.login || typed, true);
    const code = r.data && r.data.code;
    if (r.status === 422 && r.data && Array.isArray(r.data.errors) && r.data.errors.length) {
      if ($('view-request').hidden) show('request');
      return reportFields(r.data.errors, 'request-error', t('correct-marked'));
    }
    if (r.status === 429 && code === 'sending_quota_exceeded') {
      $(box).textContent = t('reset-quota', { wait: seconds(r) });
    } else if (r.status === 429) {
      $(box).textContent = t('too-many-attempts', { wait: seconds(r) });
    } else {
      $(box).textContent = troubleText(r);
    }
    button.focus();
  }

  async function requestCode(event) {
    event.preventDefault();
    if (busy) return;
    clearErrors();
    const typed = $('login').value.trim();
    if (!typed) {
      return reportFields([{ field: 'login', message: t('reset-error-login') }], 'request-error', t('correct-marked'));
    }
    await ask(typed, 'request-error', $('send-button'));
  }

  function haveCode() {
    if (busy) return;
    clearErrors();
    const typed = $('login').value.trim();
    if (!typed) {
      return reportFields([{ field: 'login', message: t('reset-error-login-for-code') }], 'request-error',
        t('correct-marked'));
    }
    showCode(typed, false);
  }

  async function resend() {
    if (busy) return;
    clearErrors();
    await ask(login, 'reset-error', $('resend-button'));
  }

  function changeLogin() {
    if (busy) return;
    clearErrors();
    $('login').value = login;
    show('request', 'login');
  }

  // ---- the code and the new password ----

  function checkLocally(code, password) {
    const errors = [];
    const digits = code.replace(/[\s-]/g, '');
    if (!digits) errors.push({ field: 'code', message: t('reset-error-code') });
    else if (!new RegExp('^\\d{' + CODE_DIGITS + '}$').test(digits)) {
      errors.push({ field: 'code', message: t('reset-error-code-digits', { digits: CODE_DIGITS }) });
    }
    if (!password) errors.push({ field: 'new_password', message: t('reset-error-password') });
    else if (chars(password) < PASSWORD_MIN) {
      errors.push({ field: 'new_password', message: t('reset-error-password-short', { min: PASSWORD_MIN }) });
    } else if (chars(password) > PASSWORD_MAX) {
      errors.push({ field: 'new_password', message: t('reset-error-password-long', { max: PASSWORD_MAX }) });
    }
    return errors;
  }

  async function reset(event) {
    event.preventDefault();
    if (busy) return;
    clearErrors();
    const code = $('code').value;
    const password = $('new-password').value;
    const local = checkLocally(code, password);
    if (local.length) return reportFields(local, 'reset-error', t('correct-marked'));
    setBusy(true, $('reset-button'), t('reset-saving'));
    const r = await post('/v1/auth/password-reset/confirm', { login, code, new_password: password });
    setBusy(false, $('reset-button'));
    if (r.status === 204) return done();
    const problem = r.data && r.data.code;
    if (r.status === 422 && problem === 'invalid_code') {
      return reportFields(
        [{ field: 'code', message: t('reset-error-wrong-code') }],
        'reset-error',
        t('reset-check-code')
      );
    }
    if (r.status === 422 && r.data && Array.isArray(r.data.errors) && r.data.errors.length) {
      return reportFields(r.data.errors, 'reset-error', t('correct-marked'));
    }
    if (r.status === 429) {
      $('reset-error').textContent = t('reset-too-many-tries', { wait: seconds(r) });
    } else if (r.status >= 400 && r.status < 500 && r.data && r.data.detail) {
      $('reset-error').textContent = sentence(r.data.detail);
    } else {
      $('reset-error').textContent = troubleText(r);
    }
    $('reset-button').focus();
  }

  function done() {
    $('new-password').value = '';
    $('code').value = '';
    $('done-text').textContent = t('reset-done-text', { login });
    const app = $('done-app');
    app.textContent = '';
    if (APP_URL) {
      const link = document.createElement('a');
      link.href = APP_URL;
      link.id = 'app-link';
      link.dataset.testid = 'app-link';
      link.textContent = APP_URL;
      into(app, 'sign-in-at', { link });
    } else {
      app.textContent = t('reset-no-app');
    }
    show('done');
  }

  // ---- start ----

  function togglePassword() {
    const input = $('new-password');
    const showing = input.type === 'text';
    input.type = showing ? 'password' : 'text';
    $('toggle-password').textContent = t(showing ? 'show' : 'hide');
    $('toggle-password').setAttribute('aria-label', t(showing ? 'show-password' : 'hide-password'));
  }

  function readLink() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const given = (params.get('login') || '').trim();
    if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
    if (given) {
      $('login').value = given;
      showCode(given, false);
    } else {
      show('request', 'login');
    }
  }

  $('request-form').addEventListener('submit', requestCode);
  $('have-code').addEventListener('click', haveCode);
  $('reset-form').addEventListener('submit', reset);
  $('resend-button').addEventListener('click', resend);
  $('change-login').addEventListener('click', changeLogin);
  $('toggle-password').addEventListener('click', togglePassword);
  // The switcher keeps the login the page is at, which the address bar no longer shows.
  window.I18N.keep(() => (login && !$('view-code').hidden ? '#login=' + encodeURIComponent(login) : ''));
  window.addEventListener('hashchange', () => {
    if (!busy && location.hash) readLink();
  });
  readLink();
})();
