//! What the server's own pages share — the accept page and the reset-password page: plain
//! HTML, one stylesheet and a script each, compiled into the binary (nothing is fetched from
//! anywhere else), served under a strict Content-Security-Policy; and the frontend's address
//! (`EXTRANET_APP_URL`), written into a page's `<meta name="extranet-app-url">` for its
//! script to link to when it says where to go next.
//!
//! Each page is served in one of the six languages (`?lang=`, else the browser's
//! `Accept-Language`, else English; `domain::locale::for_page`): `<html lang>`, its strings
//! from the catalogue (`domain/locales/<locale>/pages.ftl`) as a JSON data block that the
//! shared script `i18n.js` reads, and the few texts shown before any script runs (`{{t:key}}`:
//! the title, `<noscript>`) written in by the server.

use actix_web::body::MessageBody;
use actix_web::http::header::{self, CacheControl, CacheDirective, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalogue::{page_strings, PageString};
use domain::locale::{self, Locale};
use std::collections::{BTreeMap, HashMap};

/// The pages' stylesheet.
pub const STYLE: &str = include_str!("../../web/pages.css");

/// The pages' shared script: their strings, the language switcher.
pub const I18N_SCRIPT: &str = include_str!("../../web/i18n.js");

/// Which page: its strings are the catalogue's with its prefix, and those of no page's.
#[derive(Debug, Clone, Copy)]
pub enum Page {
    Accept,
    ResetPassword,
    Join,
    DevInbox,
}

impl Page {
    const PREFIXES: [&'static str; 4] = ["accept-", "reset-", "join-", "inbox-"];

    fn prefix(self) -> &'static str {
        match self {
            Self::Accept => "accept-",
            Self::ResetPassword => "reset-",
            Self::Join => "join-",
            Self::DevInbox => "inbox-",
        }
    }

    fn shows(self, key: &str) -> bool {
        key.starts_with(self.prefix()) || !Self::PREFIXES.iter().any(|p| key.starts_with(p))
    }
}

/// The language `req` asks a page in: `?lang=` (one of ours), else `Accept-Language`.
pub fn page_locale(req: &HttpRequest) -> Locale {
    let query = web::Query::<HashMap<String, String>>::from_query(req.query_string()).ok();
    let asked = query
        .as_ref()
        .and_then(|q| q.get("lang"))
        .and_then(|l| Locale::parse(l));
    locale::for_page(asked, crate::language::requested(req))
}

/// `template` as `page` in the language `req` asks for, with the frontend's address.
pub fn localized(
    template: &str,
    page: Page,
    req: &HttpRequest,
    app_url: Option<&str>,
) -> HttpResponse {
    let locale = page_locale(req);
    let strings: BTreeMap<String, PageString> = page_strings(locale)
        .into_iter()
        .filter(|(key, _)| page.shows(key))
        .collect();
    // In a `<script>` element: a `<` could end it; JSON may write it as `\u003c`.
    let json = serde_json::to_string(&strings)
        .unwrap_or_else(|_| "{}".to_owned())
        .replace('<', "\\u003c");
    let html = with_texts(&with_app_url(template, app_url), &strings)
        .replace("{{switcher}}", SWITCHER)
        .replace("{{lang}}", locale.as_str())
        .replace("{{strings}}", &json);
    let mut res = asset("text/html; charset=utf-8", html);
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(locale.as_str()),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    res
}

/// The language switcher every page has (`{{switcher}}`): each language by its own name;
/// `i18n.js` selects the page's and reloads with `?lang=` on a change.
const SWITCHER: &str = r#"<nav class="language" aria-label="Language" data-i18n-label="language-label">
  <label for="language" data-i18n="language-label">Language</label>
  <select id="language" data-testid="language">
    <option value="en" lang="en">English</option>
    <option value="de" lang="de">Deutsch</option>
    <option value="es" lang="es">Español</option>
    <option value="fr" lang="fr">Français</option>
    <option value="pt-BR" lang="pt-BR">Português (Brasil)</option>
    <option value="ru" lang="ru">Русский</option>
  </select>
</nav>"#;

/// `page` with each `{{t:key}}` slot replaced by that string, HTML-escaped.
fn with_texts(page: &str, strings: &BTreeMap<String, PageString>) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(start) = rest.find("{{t:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 4..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        match strings.get(key) {
            Some(PageString::Text(text)) => out.push_str(&escape(text)),
            _ => out.push_str(key),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// `text` safe in HTML text and attribute values.
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// What the pages may do: their own script and stylesheet, calls to this server, nothing
/// else — no inline script, no frames, no form posts elsewhere, no other origin. (A link to
/// the frontend is a navigation the person chooses, not something the page loads.)
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; \
    frame-ancestors 'none'; base-uri 'none'";

/// A page or one of its assets, with the headers every one of them has.
pub fn asset(content_type: &'static str, body: impl MessageBody + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(body)
}

/// Where a page's HTML holds the frontend's address.
const APP_URL_SLOT: &str = "{{app_url}}";

/// `page` with the frontend's address in its slot (HTML-escaped; empty when there is none).
pub fn with_app_url(page: &str, app_url: Option<&str>) -> String {
    page.replace(APP_URL_SLOT, &escape(app_url.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_url_is_written_escaped_or_left_empty() {
        let page = r#"<meta name="extranet-app-url" content="{{app_url}}">"#;
        assert_eq!(
            with_app_url(page, Some("https://app.example/?a=1&b=\"2\"")),
            r#"<meta name="extranet-app-url" content="https://app.example/?a=1&amp;b=&quot;2&quot;">"#
        );
        assert_eq!(
            with_app_url(page, None),
            r#"<meta name="extranet-app-url" content="">"#
        );
    }

    #[test]
    fn texts_are_written_escaped_and_unknown_keys_left_as_their_key() {
        let mut strings = BTreeMap::new();
        strings.insert("a".to_owned(), PageString::Text("1 < 2 & \"x\"".to_owned()));
        assert_eq!(
            with_texts("<p>{{t:a}}</p><p>{{t:b}}</p>{{t:", &strings),
            "<p>1 &lt; 2 &amp; &quot;x&quot;</p><p>b</p>{{t:"
        );
    }

    #[test]
    fn the_switcher_offers_every_language_and_only_those() {
        let offered: Vec<&str> = SWITCHER
            .split("<option value=\"")
            .skip(1)
            .filter_map(|option| option.split('"').next())
            .collect();
        let all: Vec<&str> = Locale::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(offered, all);
    }

    #[test]
    fn a_page_reads_lang_first_then_the_browser() {
        use actix_web::test::TestRequest;
        let req = |uri: &str, header: Option<&str>| {
            let mut r = TestRequest::get().uri(uri);
            if let Some(h) = header {
                r = r.insert_header((header::ACCEPT_LANGUAGE, h));
            }
            r.to_http_request()
        };
        assert_eq!(page_locale(&req("/accept?lang=fr", Some("de"))), Locale::Fr);
        assert_eq!(page_locale(&req("/accept?lang=xx", Some("de"))), Locale::De);
        assert_eq!(page_locale(&req("/accept", Some("pt-PT"))), Locale::PtBr);
        assert_eq!(page_locale(&req("/accept", None)), Locale::En);
    }
}
