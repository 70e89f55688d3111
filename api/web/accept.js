// The accept page: reads the invitation's token from the link's fragment (#token=…), shows
// what POST /v1/invitations/lookup returns, then accepts or declines. The token and the
// access token that accepting returns live in this script's memory only: nothing is stored.
'use strict';
(() => {
  // The server's limits (domain/src/password.rs, domain/src/names.rs).
  const PASSWORD_MIN = 8;
  const PASSWORD_MAX = 128;
  const NAME_MAX = 100;
  const VIEWS = ['loading', 'invitation', 'welcome', 'declined', 'problem'];
  const TITLES = {
    loading: 'Checking your invitation',
    invitation: 'Your invitation',
    welcome: 'Welcome',
    declined: 'Invitation declined',
    problem: 'Invitation link',
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

  const chars = (s) => [...s].length;
  const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
  // A server's message as a sentence: capital first letter, a full stop, `code` as “code”.
  const sentence = (s) => {
    const t = capital(String(s || '').trim().replace(/`([^`]*)`/g, '“$1”'));
    return t && !/[.!?]$/.test(t) ? t + '.' : t;
  };
  const fullName = (p) => [p.first_name, p.last_name].filter(Boolean).join(' ');
  const kindWord = (kind) => (kind === 'project' ? 'project' : 'workgroup');

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

  const ASK_AGAIN = 'Ask the person who invited you to send the invitation again.';
  const showInvalid = () =>
    problem(
      'This invitation link is no longer valid',
      'It may have been used already, declined or withdrawn, or a newer link has replaced it.',
      ASK_AGAIN + ' If you already accepted, sign in with your email or phone and password.'
    );
  const showExpired = () =>
    problem('This invitation has expired', 'Invitations are valid for a limited time only.', ASK_AGAIN);
  const waitText = (r) => {
    const s = parseInt(r.retryAfter, 10);
    return 'Too many attempts. Please wait ' +
      (s > 0 ? s + (s === 1 ? ' second' : ' seconds') : 'a moment') + ', then try again.';
  };
  const troubleText = (r) =>
    r.network
      ? 'We could not reach the server. Check your internet connection, then try again.'
      : 'Something went wrong on our side. Your invitation is unchanged: please try again in a moment.';

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
    if (r.status === 429) return problem('Please wait a moment', waitText(r), '', lookup);
    return problem('We could not open your invitation', troubleText(r), '', lookup);
  }

  function showInvitation(data) {
    found = data;
    const inv = data.invitation;
    const inviter = fullName(data.inviter) || 'Someone';
    const wg = data.workgroup;
    $('account-name').textContent = data.account.name;
    $('decline-account').textContent = data.account.name;
    let summary = inviter + ' invites you to join ' + data.account.name;
    if (wg) summary += ' and its ' + kindWord(wg.kind) + ' “' + wg.name + '”';
    summary += '.';
    if (inv.type === 'extranet') {
      summary += ' You will join as an external user: you will see only the workgroups and projects you are invited to.';
    }
    $('invitation-summary').textContent = summary;
    $('fact-workgroup').hidden = !wg;
    if (wg) {
      $('workgroup-kind').textContent = capital(kindWord(wg.kind));
      $('workgroup-name').textContent = wg.name;
    }
    $('inviter-name').textContent = inviter;
    $('invitee-name').textContent = fullName(inv);
    $('invitee-login').textContent = inv.email || inv.phone || '';
    const expires = new Date(inv.expires_at);
    $('expires-at').dateTime = inv.expires_at;
    $('expires-at').textContent = isNaN(expires)
      ? inv.expires_at
      : new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' }).format(expires);
    $('message-box').hidden = !inv.message;
    $('message-caption').textContent = 'A message from ' + inviter + ':';
    $('inviter-message').textContent = inv.message || '';

    const existing = data.profile_exists === true;
    const loginWord = inv.email ? 'email' : 'phone number';
    $('name-fields').hidden = existing;
    $('first-name').value = inv.first_name || '';
    $('last-name').value = inv.last_name || '';
    $('password').value = '';
    $('password').type = 'password';
    $('toggle-password').textContent = 'Show';
    $('toggle-password').setAttribute('aria-label', 'Show password');
    $('password').autocomplete = existing ? 'current-password' : 'new-password';
    $('form-title').textContent = existing ? 'Sign in to join' : 'Set a password to join';
    $('form-hint').textContent = existing
      ? 'You already have a profile with the ' + loginWord + ' ' + (inv.email || inv.phone) +
        '. Enter its password to add ' + data.account.name + ' to it.'
      : 'Check your name, and choose the password you will sign in with.';
    $('password-label').textContent = existing ? 'Password of your existing profile' : 'Choose a password';
    $('password-help').textContent = existing
      ? 'The password you already sign in with.'
      : 'At least ' + PASSWORD_MIN + ' characters.';
    clearErrors();
    $('accept-form').hidden = false;
    $('decline-confirm').hidden = true;
    show('invitation');
  }

  // ---- errors next to fields ----

  const FIELDS = { password: 'password', first_name: 'first-name', last_name: 'last-name' };

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
      if (!first.trim()) errors.push({ field: 'first_name', message: 'Enter your first name.' });
      else if (chars(first.trim()) > NAME_MAX) errors.push({ field: 'first_name', message: 'A name has at most ' + NAME_MAX + ' characters.' });
      if (!last.trim()) errors.push({ field: 'last_name', message: 'Enter your last name.' });
      else if (chars(last.trim()) > NAME_MAX) errors.push({ field: 'last_name', message: 'A name has at most ' + NAME_MAX + ' characters.' });
    }
    if (!password) {
      errors.push({ field: 'password', message: existing ? 'Enter the password of your existing profile.' : 'Choose a password.' });
    } else if (!existing && chars(password) < PASSWORD_MIN) {
      errors.push({ field: 'password', message: 'A password needs at least ' + PASSWORD_MIN + ' characters.' });
    } else if (chars(password) > PASSWORD_MAX) {
      errors.push({ field: 'password', message: 'A password has at most ' + PASSWORD_MAX + ' characters.' });
    }
    return errors;
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
    if (local.length) return reportFields(local, 'Please correct what is marked above.');
    const body = { token, password };
    if (!existing) {
      body.first_name = first.trim();
      body.last_name = last.trim();
    }
    setBusy(true, $('accept-button'), 'Joining…');
    const r = await post('/v1/invitations/accept', body);
    setBusy(false, $('accept-button'));
    if (r.status === 201 && r.data) return welcome(r.data, existing);
    if (r.status === 404) return showInvalid();
    if (r.status === 410) return showExpired();
    const code = r.data && r.data.code;
    if (r.status === 401 && code === 'invalid_credentials') {
      return reportFields(
        [{ field: 'password', message: 'This is not the password of your existing profile. Check it and try again.' }],
        'The password is not right.'
      );
    }
    if (r.status === 422 && r.data && Array.isArray(r.data.errors) && r.data.errors.length) {
      if (r.data.errors.some((e) => e.field === 'token')) return showInvalid();
      return reportFields(r.data.errors, 'Please correct what is marked above.');
    }
    if (r.status === 429) {
      $('form-error').textContent = waitText(r);
    } else if (r.status === 409 || (r.status >= 400 && r.status < 500 && r.data && r.data.detail)) {
      $('form-error').textContent = sentence(r.data && r.data.detail) || 'The invitation cannot be accepted right now.';
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
    $('welcome-title').textContent = 'Welcome, ' + name + '!';
    let text = 'You joined ' + account;
    if (wg) text += ' and you are now a member of its ' + kindWord(wg.kind) + ' “' + wg.name + '”';
    $('welcome-text').textContent = text + '.';
    const login = user.email || user.phone || found.invitation.email || found.invitation.phone;
    $('welcome-next').textContent = 'To work in ' + account + ', sign in with ' + login + ' and ' +
      (existing ? 'the password of your profile' : 'the password you just chose') + '.' +
      (existing ? ' The same profile now gives you access to ' + account + ' and to your other accounts.' : '');
    const app = $('welcome-app');
    app.textContent = '';
    if (APP_URL) {
      const link = document.createElement('a');
      link.href = APP_URL;
      link.id = 'app-link';
      link.dataset.testid = 'app-link';
      link.textContent = APP_URL;
      app.append('Sign in at ', link, '.');
    } else {
      app.textContent = 'This server does not know the address of the app you sign in to: ' +
        'ask the person who invited you where to sign in.';
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
    setBusy(true, $('decline-yes'), 'Declining…');
    const r = await post('/v1/invitations/decline', { token });
    setBusy(false, $('decline-yes'));
    if (r.status === 200) {
      $('declined-text').textContent = 'You will not join ' + found.account.name + '. The invitation is marked as declined, so ' +
        (fullName(found.inviter) || 'the person who invited you') + ' can see your answer.';
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
    $('toggle-password').textContent = showing ? 'Show' : 'Hide';
    $('toggle-password').setAttribute('aria-label', showing ? 'Show password' : 'Hide password');
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
      return problem(
        'This invitation link is incomplete',
        'The link you opened does not contain the invitation code.',
        'Copy the whole link from your invitation message (it ends with “#token=” and a long code) and open it again. ' +
          'If you reloaded this page, open the link from your message again.'
      );
    }
    lookup();
  }

  start();
})();
