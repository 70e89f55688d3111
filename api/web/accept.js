// The accept page: reads the invitation's token from the link's fragment (#token=…), shows
// what POST /v1/invitations/lookup returns, then accepts or declines. The token and the
// access token that accepting returns live in this script's memory only: nothing is stored.
// Its words are the catalogue's (`I18N`, i18n.js); once the invitation is found, the page
// continues in the language its message was written in, unless the address chose one. A
// profile with two-step authentication on is asked for its code when accepting answers 401
// `second_factor_required`, and accepting is sent again with it (`second_factor_code`).
'use strict';
(() => {
  const { t, into } = window.I18N;
  // The server's limits (domain/src/password.rs, domain/src/names.rs).
  const PASSWORD_MIN = 8;
  const PASSWORD_MAX = 128;
  const NAME_MAX = 100;
  const VIEWS = ['loading', 'invitation', 'welcome', 'declined', 'problem'];
  const TITLES = {
    loading: t('accept-title-loading'),
    invitation: t('accept-title-invitation'),
    welcome: t('accept-title-welcome'),
    declined: t('accept-title-declined'),
    problem: t('accept-title-problem'),
  };

  const $ = (id) => document.getElementById(id);
  // The frontend's address (EXTRANET_APP_URL), written into the page by the server; '' if none.
  const APP_URL = (() => {
    const meta = document.querySelector('meta[name="extranet-app-url"]');
    const url = meta ? meta.content.trim() : '';
    return /^https?:\/\//i.test(url) ? url : '';
  })();
  let token = '';
  let found = null; // the lookup's answer
  let busy = false;
  let session = null; // { accessToken, expiresAt }: kept in memory, never stored
  let retryAction = null; // what the problem view's "Try again" does
  let secondFactorSent = false; // whether the last try carried a second factor

  const chars = (s) => [...s].length;
  const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
  // A server's message as a sentence: capital first letter, a full stop, `code` as “code”.
  const sentence = (s) => {
    const t = capital(String(s || '').trim().replace(/`([^`]*)`/g, '“$1”'));
    return t && !/[.!?]$/.test(t) ? t + '.' : t;
  };
  const fullName = (p) => [p.first_name, p.last_name].filter(Boolean).join(' ');
  // The variant of a text for a workgroup or a project.
  const kindKey = (key, kind) => key + (kind === 'project' ? '-project' : '-workgroup');

  function show(view, focusId) {
    for (const v of VIEWS) $('view-' + v).hidden = v !== view;
    document.title = TITLES[view];
    const target = $(focusId || view + '-title');
    if (target) target.focus();
  }

  function problem(title, text, next, retry) {
    $('problem-title').textContent = title;
    $('problem-text').textContent = text;
    $('problem-next').textContent = next || '';
    $('retry-button').hidden = !retry;
    retryAction = retry || null;
    show('problem');
    document.title = title;
  }

  const showInvalid = () =>
    problem(t('accept-invalid-title'), t('accept-invalid-text'), t('accept-invalid-next'));
  const showExpired = () =>
    problem(t('accept-expired-title'), t('accept-expired-text'), t('accept-ask-again'));
  const waitFor = (r) => {
    const s = parseInt(r.retryAfter, 10);
    return s > 0 ? t('wait-seconds', { seconds: s }) : t('wait-moment');
  };
  const waitText = (r) => t('too-many-attempts', { wait: waitFor(r) });
  const troubleText = (r) => (r.network ? t('no-connection') : t('accept-trouble'));

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
    $('accept-form').setAttribute('aria-busy', String(on));
    if (button) {
      if (on) {
        button.dataset.label = button.textContent;
        button.textContent = label;
      } else if (button.dataset.label) {
        button.textContent = button.dataset.label;
      }
    }
  }

  // ---- lookup ----

  async function lookup() {
    show('loading');
    const asked = token;
    const r = await post('/v1/invitations/lookup', { token });
    if (asked !== token) return; // another link was opened meanwhile
    if (r.status === 200 && r.data && r.data.invitation) return showInvitation(r.data);
    if (r.status === 404 || r.status === 422) return showInvalid(); // 422: not a token at all
    if (r.status === 410) return showExpired();
    if (r.status === 429) return problem(t('accept-wait-title'), waitText(r), '', lookup);
    return problem(t('accept-trouble-title'), troubleText(r), '', lookup);
  }

  function showInvitation(data) {
    // The person continues in the language of the message they received, unless the address
    // chose one. English is every account's default, not a choice: an English message leaves a
    // browser that asks for another language in it.
    const message = data.locale;
    if (!window.I18N.chosen && message && message !== 'en' && message !== window.I18N.lang) {
      return window.I18N.go(message, true);
    }
    found = data;
    const inv = data.invitation;
    const inviter = fullName(data.inviter) || t('accept-someone');
    const wg = data.workgroup;
    const account = data.account.name;
    $('account-name').textContent = account;
    $('decline-account').textContent = account;
    into($('invitation-title'), 'accept-invited-to', { account: $('account-name') });
    into($('decline-consequence'), 'accept-decline-consequence', { account: $('decline-account') });
    const vars = { inviter, account, workgroup: wg ? wg.name : '' };
    let summary = t(wg ? kindKey('accept-summary', wg.kind) : 'accept-summary', vars);
    if (inv.type === 'extranet') summary += ' ' + t('accept-summary-external');
    $('invitation-summary').textContent = summary;
    $('fact-workgroup').hidden = !wg;
    if (wg) {
      $('workgroup-kind').textContent = t(wg.kind === 'project' ? 'accept-project' : 'accept-workgroup');
      $('workgroup-name').textContent = wg.name;
    }
    $('inviter-name').textContent = inviter;
    $('invitee-name').textContent = fullName(inv);
    $('invitee-login').textContent = inv.email || inv.phone || '';
    const expires = new Date(inv.expires_at);
    $('expires-at').dateTime = inv.expires_at;
    $('expires-at').textContent = isNaN(expires)
      ? inv.expires_at
      : new Intl.DateTimeFormat(window.I18N.lang, { dateStyle: 'long', timeStyle: 'short' }).format(expires);
    $('message-box').hidden = !inv.message;
    $('message-caption').textContent = t('accept-message-from', { inviter });
    $('inviter-message').textContent = inv.message || '';

    const existing = data.profile_exists === true;
    $('name-fields').hidden = existing;
    $('first-name').value = inv.first_name || '';
    $('last-name').value = inv.last_name || '';
    $('password').value = '';
    $('password').type = 'password';
    $('toggle-password').textContent = t('show');
    $('toggle-password').setAttribute('aria-label', t('show-password'));
    $('password').autocomplete = existing ? 'current-password' : 'new-password';
    $('form-title').textContent = t(existing ? 'accept-form-existing' : 'accept-form-new');
    $('form-hint').textContent = existing
      ? t(inv.email ? 'accept-hint-existing-email' : 'accept-hint-existing-phone', {
          login: inv.email || inv.phone,
          account,
        })
      : t('accept-hint-new');
    $('password-label').textContent = t(existing ? 'accept-password-existing' : 'accept-password-new');
    $('password-help').textContent = existing
      ? t('accept-password-help-existing')
      : t('accept-password-help-new', { min: PASSWORD_MIN });
    askSecondFactor(false);
    clearErrors();
    $('accept-form').hidden = false;
    $('decline-confirm').hidden = true;
    show('invitation');
  }

  // ---- errors next to fields ----

  const FIELDS = {
    password: 'password',
    first_name: 'first-name',
    last_name: 'last-name',
    second_factor_code: 'second-factor-code',
  };

  function clearErrors() {
    for (const id of Object.values(FIELDS)) {
      $(id + '-error').textContent = '';
      $(id).removeAttribute('aria-invalid');
    }
    $('form-error').textContent = '';
    $('decline-error').textContent = '';
  }

  // Shows each message next to its field; answers the first field's input, for focus.
  function fieldErrors(errors) {
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
    return { first, rest };
  }

  function checkLocally(existing, password, first, last) {
    const errors = [];
    if (!existing) {
      const long = t('accept-error-name-long', { max: NAME_MAX });
      if (!first.trim()) errors.push({ field: 'first_name', message: t('accept-error-first-name') });
      else if (chars(first.trim()) > NAME_MAX) errors.push({ field: 'first_name', message: long });
      if (!last.trim()) errors.push({ field: 'last_name', message: t('accept-error-last-name') });
      else if (chars(last.trim()) > NAME_MAX) errors.push({ field: 'last_name', message: long });
    }
    if (!password) {
      errors.push({ field: 'password', message: t(existing ? 'accept-error-password-existing' : 'accept-error-password-new') });
    } else if (!existing && chars(password) < PASSWORD_MIN) {
      errors.push({ field: 'password', message: t('accept-error-password-short', { min: PASSWORD_MIN }) });
    } else if (chars(password) > PASSWORD_MAX) {
      errors.push({ field: 'password', message: t('accept-error-password-long', { max: PASSWORD_MAX }) });
    }
    const code = secondFactorProblem($('second-factor-code').value);
    if (asking() && code) errors.push({ field: 'second_factor_code', message: t(code) });
    return errors;
  }

  // ---- the second factor (two-step authentication on) ----

  // The code field is shown once the server asked for it, and kept until another invitation.
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

  function reportFields(errors, summary) {
    const { first, rest } = fieldErrors(errors);
    $('form-error').textContent = [summary].concat(rest).join(' ');
    if (first) first.focus();
  }

  // ---- accept ----

  async function accept(event) {
    event.preventDefault();
    if (busy || !found) return;
    clearErrors();
    const existing = found.profile_exists === true;
    const password = $('password').value;
    const first = $('first-name').value;
    const last = $('last-name').value;
    const local = checkLocally(existing, password, first, last);
    if (local.length) return reportFields(local, t('correct-marked'));
    const body = { token, password };
    if (!existing) {
      body.first_name = first.trim();
      body.last_name = last.trim();
    }
    secondFactorSent = asking();
    if (secondFactorSent) body.second_factor_code = $('second-factor-code').value.trim();
    setBusy(true, $('accept-button'), t('accept-joining'));
    const r = await post('/v1/invitations/accept', body);
    setBusy(false, $('accept-button'));
    if (r.status === 201 && r.data) return welcome(r.data, existing);
    if (r.status === 404) return showInvalid();
    if (r.status === 410) return showExpired();
    const code = r.data && r.data.code;
    if (r.status === 401 && code === 'invalid_credentials') {
      return reportFields(
        [{ field: 'password', message: t('accept-error-wrong-password') }],
        t('accept-error-password-not-right')
      );
    }
    if (r.status === 401 && code === 'second_factor_required') {
      askSecondFactor(true);
      $('form-error').textContent = t('second-factor-asked');
      return $('second-factor-code').focus();
    }
    if (r.status === 401 && code === 'invalid_code') {
      reportFields(
        [{ field: 'second_factor_code', message: t('second-factor-error-wrong') }],
        t('second-factor-not-right')
      );
      return $('second-factor-code').select();
    }
    if (r.status === 422 && r.data && Array.isArray(r.data.errors) && r.data.errors.length) {
      if (r.data.errors.some((e) => e.field === 'token')) return showInvalid();
      return reportFields(r.data.errors, t('correct-marked'));
    }
    if (r.status === 429) {
      $('form-error').textContent = secondFactorSent ? t('second-factor-wait', { wait: waitFor(r) }) : waitText(r);
    } else if (r.status === 409 || (r.status >= 400 && r.status < 500 && r.data && r.data.detail)) {
      $('form-error').textContent = sentence(r.data && r.data.detail) || t('accept-error-cannot-accept');
    } else {
      $('form-error').textContent = troubleText(r);
    }
    $('accept-button').focus();
  }

  function welcome(data, existing) {
    const user = data.user || {};
    session = { accessToken: data.access_token, expiresAt: Date.now() + 1000 * (data.expires_in || 0) };
    $('password').value = '';
    const account = found.account.name;
    const wg = found.workgroup;
    const name = user.first_name || found.invitation.first_name;
    $('welcome-title').textContent = t('accept-welcome-title', { name });
    const vars = { account, workgroup: wg ? wg.name : '' };
    $('welcome-text').textContent = t(wg ? kindKey('accept-welcome-text', wg.kind) : 'accept-welcome-text', vars);
    const login = user.email || user.phone || found.invitation.email || found.invitation.phone;
    $('welcome-next').textContent = t(existing ? 'accept-welcome-next-existing' : 'accept-welcome-next-new', {
      account,
      login,
    }) + (secondFactorSent ? ' ' + t('second-factor-sign-in') : '');
    askSecondFactor(false);
    const app = $('welcome-app');
    app.textContent = '';
    if (APP_URL) {
      const link = document.createElement('a');
      link.href = APP_URL;
      link.id = 'app-link';
      link.dataset.testid = 'app-link';
      link.textContent = APP_URL;
      into(app, 'sign-in-at', { link });
    } else {
      app.textContent = t('accept-no-app');
    }
    found = null;
    token = '';
    show('welcome');
  }

  // ---- decline ----

  function askDecline() {
    if (busy) return;
    clearErrors();
    $('accept-form').hidden = true;
    $('decline-confirm').hidden = false;
    $('decline-question').focus();
  }

  function cancelDecline() {
    if (busy) return;
    $('decline-confirm').hidden = true;
    $('accept-form').hidden = false;
    $('decline-button').focus();
  }

  async function decline() {
    if (busy || !found) return;
    $('decline-error').textContent = '';
    setBusy(true, $('decline-yes'), t('accept-declining'));
    const r = await post('/v1/invitations/decline', { token });
    setBusy(false, $('decline-yes'));
    if (r.status === 200) {
      $('declined-text').textContent = t('accept-declined-text', {
        account: found.account.name,
        inviter: fullName(found.inviter) || t('accept-declined-inviter'),
      });
      found = null;
      token = '';
      return show('declined');
    }
    if (r.status === 404) return showInvalid();
    if (r.status === 410) return showExpired();
    $('decline-error').textContent = r.status === 429
      ? waitText(r)
      : r.status >= 400 && r.status < 500 && r.data && r.data.detail ? sentence(r.data.detail) : troubleText(r);
    $('decline-yes').focus();
  }

  // ---- start ----

  function togglePassword() {
    const input = $('password');
    const showing = input.type === 'text';
    input.type = showing ? 'password' : 'text';
    $('toggle-password').textContent = t(showing ? 'show' : 'hide');
    $('toggle-password').setAttribute('aria-label', t(showing ? 'show-password' : 'hide-password'));
  }

  function start() {
    $('accept-form').addEventListener('submit', accept);
    $('decline-button').addEventListener('click', askDecline);
    $('decline-no').addEventListener('click', cancelDecline);
    $('decline-yes').addEventListener('click', decline);
    $('toggle-password').addEventListener('click', togglePassword);
    $('retry-button').addEventListener('click', () => {
      if (retryAction) retryAction();
    });
    // The switcher keeps the token, which the address bar no longer shows.
    window.I18N.keep(() => (token ? '#token=' + encodeURIComponent(token) : ''));

    // Another link pasted into this tab changes only the fragment: the page starts again.
    window.addEventListener('hashchange', () => {
      if (!busy && location.hash) readLink();
    });
    readLink();
  }

  function readLink() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    token = (params.get('token') || '').trim();
    found = null;
    if (location.hash) {
      // The token must not stay in the address bar or the history.
      history.replaceState(history.state, '', location.pathname + location.search);
    }
    if (!token) {
      return problem(t('accept-incomplete-title'), t('accept-incomplete-text'), t('accept-incomplete-next'));
    }
    lookup();
  }

  start();
})();
