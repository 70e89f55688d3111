// The development inbox: lists GET /dev/messages (newest first) and moves the server's clock
// (POST /dev/clock). Everything a message holds is shown as text; only its link becomes a
// link, and only an http(s) one.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const when = (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  };
  const ahead = (seconds) => {
    if (!seconds) return 'on time';
    const days = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const parts = [];
    if (days) parts.push(days + (days === 1 ? ' day' : ' days'));
    if (hours) parts.push(hours + (hours === 1 ? ' hour' : ' hours'));
    if (minutes || !parts.length) parts.push(minutes + (minutes === 1 ? ' minute' : ' minutes'));
    return parts.join(' ') + ' ahead';
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
    fact('To', m.to, 'to');
    fact('Channel', m.channel === 'sms' ? 'Text message' : 'Email');
    if (m.subject) fact('Subject', m.subject, 'subject');
    fact('Sent', when(m.sent_at));
    if (m.code) fact('Code', m.code, 'code');
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
      $('messages-error').textContent = `Could not load the messages: ${e.message}. Try again.`;
    }
  }

  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener('click', async () => {
      $('clock-error').textContent = '';
      button.disabled = true;
      try {
        showClock(await call('POST', '/dev/clock', { advance_seconds: Number(button.dataset.advance) }));
      } catch (e) {
        $('clock-error').textContent = `The clock did not move: ${e.message}.`;
      } finally {
        button.disabled = false;
      }
    });
  }
  $('refresh').addEventListener('click', refresh);
  refresh();
  // New messages appear by themselves while the page is open.
  setInterval(() => {
    if (document.visibilityState === 'visible') refresh();
  }, 3000);
})();
