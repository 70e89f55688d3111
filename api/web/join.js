// The join page: reads a join link's code from the fragment (#code=…, which never reaches a
// server), shows what POST /v1/join-links/lookup says of it, asks for a code to the person's
// login (POST /v1/join-links/request), then confirms it with a password
// (POST /v1/join-links/confirm): signed in (201), or waiting for approval (202). A profile with
// two-step authentication on is asked for its code when confirming answers 401
// `second_factor_required`, and confirming is sent again with it (`second_factor_code`; the
// emailed code stays valid meanwhile: nothing was done). Nothing is stored in the browser. Its
// words are the catalogue's (`I18N`, i18n.js).
'use strict';
(() => {
  const { t, into } = window.I18N;
  // The server's limits (domain/src/password.rs, domain/src/sign_up.rs).
  const PASSWORD_MIN = 8;
  const PASSWORD_MAX = 128;
  const VIEWS = ['loading', 'form', 'code', 'welcome', 'waiting', 'problem'];
  const TITLES = {
    loading: t('join-title-loading'),
    form: t('join-title-form'),
    code: t('join-title-code'),
    welcome: t('join-title-welcome'),
    waiting: t('join-title-waiting'),
    problem: t('join-title-problem'),
  };
  const $ = (id) => document.getElementById(id);
  const APP_URL = (() => {
    const meta = document.querySelector('meta[name="extranet-app-url"]');
    const url = meta ? meta.content.trim() : '';
    return /^https?:\/\//i.test(url) ? url : '';
  })();
  let code = ''; // the link's code
  let link = null; // what lookup said
  let login = ''; // the login the code went to, as the server normalised it
  let busy = false;
  let secondFactorSent = false; // whether the last confirmation carried a second factor

  const chars = (s) => [...s].length;
  const sentence = (s) => {
    const x = String(s || '').trim().replace(/`([^`]*)`/g, '“$1”');
    const c = x ? x.charAt(0).toUpperCase() + x.slice(1) : x;
    return c && !/[.!?]$/.test(c) ? c + '.' : c;
  };
  const seconds = (r) => {
    const s = parseInt(r.retryAfter, 10);
    if (!(s > 0)) return t('wait-moment');
    if (s < 120) return t('wait-seconds', { seconds: s });
    return t('wait-minutes', { minutes: Math.ceil(s / 60) });
  };
  const trouble = (r) => (r.network ? t('no-connection') : t('join-trouble'));

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
    if (button) {
      if (on) {
        button.dataset.label = button.textContent;
        button.textContent = label;
      } else if (button.dataset.label) {
        button.textContent = button.dataset.label;
      }
    }
  }

  const FIELDS = {
    email: 'login',
    phone: 'login',
    login: 'login',
    first_name: 'first-name',
    last_name: 'last-name',
    confirmation_code: 'code',
    password: 'password',
    second_factor_code: 'second-factor-code',
  };

  function clearErrors() {
    for (const id of new Set(Object.values(FIELDS))) {
      $(id + '-error').textContent = '';
      $(id).removeAttribute('aria-invalid');
    }
    $('request-error').textContent = '';
    $('confirm-error').textContent = '';
  }

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

  function problem(title, text) {
    $('problem-title').textContent = title;
    $('problem-text').textContent = text;
    show('problem');
  }

  // A refusal of the link itself (unknown, revoked, expired, used up) or of the request.
  function refused(r, box) {
    const c = r.data && r.data.code;
    if (r.status === 404 || r.status === 410) return problem(t('join-invalid-title'), t('join-invalid-text'));
    if (r.status === 429 && c === 'rate_limited') {
      $(box).textContent = t('too-many-attempts', { wait: seconds(r) });
    } else if (r.status >= 400 && r.status < 500 && r.data && r.data.detail) {
      $(box).textContent = t('join-refused', { reason: sentence(r.data.detail) });
    } else {
      $(box).textContent = trouble(r);
    }
  }

  // ---- the second factor (two-step authentication on) ----

  // The code field is shown once the server asked for it.
  const asking = () => !$('second-factor-field').hidden;
  function askSecondFactor(on) {
    $('second-factor-field').hidden = !on;
    if (!on) $('second-factor-code').value = '';
  }
  // What is wrong with `typed` as a second factor (the server's rule: six digits, or a recovery
  // code of ten letters and digits, dashes and spaces left out), or '' when nothing is.
  function secondFactorProblem(typed) {
    const kept = typed.replace(/[ -]/g, '').toLowerCase();
    if (!kept) return 'second-factor-error-empty';
    if (/^\d{6}$/.test(kept) || /^[a-km-np-z2-9]{10}$/.test(kept)) return '';
    return 'second-factor-error-format';
  }

  // ---- the link ----

  async function load() {
    show('loading');
    const r = await post('/v1/join-links/lookup', { code });
    if (r.status === 200 && r.data) {
      link = r.data;
      $('form-title').textContent = t('join-invited-to', {
        workgroup: link.workgroup.name,
        account: link.account.name,
      });
      $('approval-note').hidden = link.approval !== 'required';
      return show('form', 'login');
    }
    if (r.status === 404 || r.status === 410 || r.status === 422) {
      return problem(t('join-invalid-title'), t('join-invalid-text'));
    }
    problem(t('join-title-problem'), trouble(r));
  }

  // ---- asking for a code ----

  async function requestCode(event) {
    event.preventDefault();
    if (busy) return;
    clearErrors();
    const typed = $('login').value.trim();
    const first = $('first-name').value.trim();
    const last = $('last-name').value.trim();
    const local = [];
    if (!typed) local.push({ field: 'login', message: t('join-error-login') });
    if (!first) local.push({ field: 'first_name', message: t('join-error-first-name') });
    if (!last) local.push({ field: 'last_name', message: t('join-error-last-name') });
    if (local.length) return reportFields(local, 'request-error', t('correct-marked'));
    const who = /^[\s(]*\+/.test(typed) ? { phone: typed } : { email: typed };
    setBusy(true, $('send-button'), t('join-sending'));
    const r = await post('/v1/join-links/request', Object.assign({ code, first_name: first, last_name: last }, who));
    setBusy(false, $('send-button'));
    if (r.status === 202 && r.data) {
      login = r.data.login || typed;
      $('sent-text').textContent = t('join-sent', { login });
      $('password-help').textContent = t('join-password-help', { min: PASSWORD_MIN });
      askSecondFactor(false);
      return show('code', 'code');
    }
    if (r.status === 422 && r.data && Array.isArray(r.data.errors) && r.data.errors.length) {
      return reportFields(r.data.errors, 'request-error', t('correct-marked'));
    }
    refused(r, 'request-error');
  }

  // ---- confirming ----

  async function confirm(event) {
    event.preventDefault();
    if (busy) return;
    clearErrors();
    const digits = $('code').value.replace(/[\s-]/g, '');
    const password = $('password').value;
    const local = [];
    if (!/^\d{6}$/.test(digits)) local.push({ field: 'confirmation_code', message: t('join-error-code') });
    if (chars(password) < PASSWORD_MIN || chars(password) > PASSWORD_MAX) {
      local.push({ field: 'password', message: t('join-error-password', { min: PASSWORD_MIN }) });
    }
    const secondFactor = $('second-factor-code').value.trim();
    const problemWithIt = secondFactorProblem(secondFactor);
    if (asking() && problemWithIt) local.push({ field: 'second_factor_code', message: t(problemWithIt) });
    if (local.length) return reportFields(local, 'confirm-error', t('correct-marked'));
    const body = { code, login, confirmation_code: digits, password };
    secondFactorSent = asking();
    if (secondFactorSent) body.second_factor_code = secondFactor;
    setBusy(true, $('join-button'), t('join-joining'));
    const r = await post('/v1/join-links/confirm', body);
    setBusy(false, $('join-button'));
    const names = { workgroup: link.workgroup.name, account: link.account.name };
    if (r.status === 201) {
      $('password').value = '';
      $('welcome-text').textContent =
        t('join-welcome-text', names) + (secondFactorSent ? ' ' + t('second-factor-sign-in') : '');
      askSecondFactor(false);
      const app = $('welcome-app');
      app.textContent = '';
      if (APP_URL) {
        const a = document.createElement('a');
        a.href = APP_URL;
        a.dataset.testid = 'app-link';
        a.textContent = APP_URL;
        into(app, 'sign-in-at', { link: a });
      }
      return show('welcome');
    }
    if (r.status === 202) {
      $('password').value = '';
      $('waiting-text').textContent = t('join-waiting-text', names);
      return show('waiting');
    }
    const c = r.data && r.data.code;
    if (r.status === 422 && c === 'invalid_code') {
      return reportFields([{ field: 'confirmation_code', message: t('join-error-wrong-code') }], 'confirm-error',
        t('correct-marked'));
    }
    if (r.status === 401 && c === 'second_factor_required') {
      askSecondFactor(true);
      $('confirm-error').textContent = t('second-factor-asked');
      return $('second-factor-code').focus();
    }
    if (r.status === 401 && c === 'invalid_code') {
      reportFields([{ field: 'second_factor_code', message: t('second-factor-error-wrong') }], 'confirm-error',
        t('second-factor-not-right'));
      return $('second-factor-code').select();
    }
    if (r.status === 401) {
      return reportFields([{ field: 'password', message: t('join-error-wrong-password') }], 'confirm-error',
        t('correct-marked'));
    }
    if (r.status === 429 && secondFactorSent) {
      $('confirm-error').textContent = t('second-factor-wait', { wait: seconds(r) });
      return;
    }
    if (r.status === 422 && r.data && Array.isArray(r.data.errors) && r.data.errors.length) {
      return reportFields(r.data.errors, 'confirm-error', t('correct-marked'));
    }
    refused(r, 'confirm-error');
  }

  // ---- start ----

  function readLink() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    code = (params.get('code') || '').trim();
    // The code leaves the address bar (and any copy of it) once read.
    if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
    if (!code) return problem(t('join-invalid-title'), t('join-invalid-text'));
    load();
  }

  $('request-form').addEventListener('submit', requestCode);
  $('confirm-form').addEventListener('submit', confirm);
  // The switcher keeps the link's code, which the address bar no longer shows.
  window.I18N.keep(() => (code ? '#code=' + encodeURIComponent(code) : ''));
  readLink();
})();
