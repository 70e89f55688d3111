// The development inbox: lists GET /dev/messages (newest first) and moves the server's clock
// (POST /dev/clock). Everything a message holds is shown as text; only its link becomes a
// link, and only an http(s) one.
'use strict';
(() => {
  const { t, into } = window.I18N;
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const when = (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(window.I18N.lang);
  };
  const ahead = (seconds) => {
    if (!seconds) return t('inbox-on-time');
    const days = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const parts = [];
    if (days) parts.push(t('inbox-days', { count: days }));
    if (hours) parts.push(t('inbox-hours', { count: hours }));
    if (minutes || !parts.length) parts.push(t('inbox-minutes', { count: minutes }));
    return t('inbox-ahead', { time: parts.join(' ') });
  };

  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.detail || `the server answered ${res.status}`);
    return data;
  }

  function showClock(c) {
    $('clock-now').textContent = when(c.now);
    $('clock-offset').textContent = ahead(c.offset_seconds);
  }

  function card(m) {
    const item = el('article', { class: 'message', 'data-testid': 'message', 'data-channel': m.channel });
    const facts = el('dl', { class: 'facts' });
    const fact = (label, value, testid) => {
      const row = el('div');
      row.append(el('dt', {}, label), el('dd', testid ? { 'data-testid': testid } : {}, value));
      facts.append(row);
    };
    fact(t('inbox-to'), m.to, 'to');
    fact(t('inbox-channel'), t(m.channel === 'sms' ? 'inbox-sms' : 'inbox-email'));
    if (m.subject) fact(t('inbox-subject'), m.subject, 'subject');
    fact(t('inbox-sent'), when(m.sent_at));
    if (m.code) fact(t('inbox-code'), m.code, 'code');
    item.append(facts);
    if (m.link && /^https?:\/\//i.test(m.link)) {
      const p = el('p');
      p.append(el('a', { href: m.link, 'data-testid': 'link', rel: 'noreferrer' }, m.link));
      item.append(p);
    }
    const text = el('blockquote', { 'data-testid': 'text' });
    text.textContent = m.text;
    text.style.whiteSpace = 'pre-wrap';
    item.append(text);
    return item;
  }

  async function refresh() {
    $('messages-error').textContent = '';
    try {
      const [page, clock] = await Promise.all([call('GET', '/dev/messages?limit=100'), call('GET', '/dev/clock')]);
      showClock(clock);
      $('messages').replaceChildren(...page.items.map(card));
      $('empty').hidden = page.items.length > 0;
    } catch (e) {
      $('messages-error').textContent = t('inbox-load-failed', { error: e.message });
    }
  }

  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener('click', async () => {
      $('clock-error').textContent = '';
      button.disabled = true;
      try {
        showClock(await call('POST', '/dev/clock', { advance_seconds: Number(button.dataset.advance) }));
      } catch (e) {
        $('clock-error').textContent = t('inbox-clock-failed', { error: e.message });
      } finally {
        button.disabled = false;
      }
    });
  }
  into($('server-time'), 'inbox-server-time', { now: $('clock-now'), offset: $('clock-offset') });
  $('refresh').addEventListener('click', refresh);
  refresh();
  // New messages appear by themselves while the page is open.
  setInterval(() => {
    if (document.visibilityState === 'visible') refresh();
  }, 3000);
})();
