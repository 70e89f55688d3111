// The page's words, in the language the server chose for it (`<html lang>`: `?lang=`, else the
// browser's `Accept-Language`, else English), read from the JSON block it embedded
// (`<script type="application/json" id="strings">`: data, never run, so the strict policy
// holds). Every element marked `data-i18n="key"` shows that string, `data-i18n-label="key"`
// sets an aria-label. A string's `{name}` is filled in by name; a string that is a choice by a
// number comes as its forms by CLDR plural category, picked with the browser's
// `Intl.PluralRules`. The language switcher (`<select id="language">`) reloads the page with
// `?lang=`, keeping the fragment the page says to keep (the accept page's token).
'use strict';
window.I18N = (() => {
  const lang = document.documentElement.lang || 'en';
  let strings = {};
  try {
    strings = JSON.parse(document.getElementById('strings').textContent) || {};
  } catch (_) {
    strings = {};
  }
  const plurals = new Intl.PluralRules(lang);
  const SLOT = /\{([a-z_]+)\}/g;
  const fill = (text, vars) =>
    text.replace(SLOT, (slot, name) => (vars && name in vars ? String(vars[name]) : slot));

  // The string `key` with `vars` filled in (the key itself if the catalogue lacks it).
  function t(key, vars) {
    const s = strings[key];
    if (s === undefined) return key;
    if (typeof s === 'string') return fill(s, vars);
    const n = Number(vars && vars[s.on]);
    const form = s.forms[plurals.select(n)] || s.forms[s.other];
    return fill(form, vars);
  }

  // Writes `key` into `el`, each `{name}` replaced by `nodes[name]` (an element, kept as it is,
  // or a text).
  function into(el, key, nodes) {
    const text = t(key);
    el.textContent = '';
    let last = 0;
    for (const m of text.matchAll(SLOT)) {
      el.append(text.slice(last, m.index));
      const node = nodes[m[1]];
      el.append(node === undefined ? m[0] : node);
      last = m.index + m[0].length;
    }
    el.append(text.slice(last));
  }

  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  }

  // Whether the address chose the language (`?lang=`): then nothing overrides it.
  const chosen = new URLSearchParams(location.search).has('lang');
  let fragment = () => location.hash;

  // The page again in `locale`, with the fragment to keep; `replace`: no new history entry.
  function go(locale, replace) {
    const url = new URL(location.href);
    url.searchParams.set('lang', locale);
    url.hash = fragment().replace(/^#/, '');
    if (replace) location.replace(url.href);
    else location.assign(url.href);
  }

  const select = document.getElementById('language');
  if (select) {
    select.value = lang;
    select.addEventListener('change', () => go(select.value));
  }

  return {
    t,
    into,
    lang,
    chosen,
    go,
    keep(f) {
      fragment = f;
    },
  };
})();
