//! What the server's own pages share — the accept page and the reset-password page: plain
//! HTML, one stylesheet and a script each, compiled into the binary (nothing is fetched from
//! anywhere else), served under a strict Content-Security-Policy; and the frontend's address
//! (`EXTRANET_APP_URL`), written into a page's `<meta name="extranet-app-url">` for its
//! script to link to when it says where to go next.

use actix_web::body::MessageBody;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::HttpResponse;

/// The pages' stylesheet.
pub const STYLE: &str = include_str!("../../web/pages.css");

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
    let escaped: String = app_url
        .unwrap_or_default()
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            c => c.to_string(),
        })
        .collect();
    page.replace(APP_URL_SLOT, &escaped)
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
}
