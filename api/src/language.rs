//! The language a request asks for: its `Accept-Language` header (every line of it, read as
//! one list), as one of our locales. Decides only which of our fixed texts a message or a page
//! is written in; the API's own answers (problem+json) stay English, for programs.

use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::HttpRequest;
use domain::locale::{Locale, MAX_ACCEPT_LANGUAGE};

/// The locale `req`'s `Accept-Language` asks for, if it names one of ours.
pub fn requested(req: &HttpRequest) -> Option<Locale> {
    let mut header = String::new();
    for value in req.headers().get_all(ACCEPT_LANGUAGE) {
        let Ok(value) = value.to_str() else {
            continue;
        };
        if header.len() + value.len() > MAX_ACCEPT_LANGUAGE {
            break;
        }
        if !header.is_empty() {
            header.push(',');
        }
        header.push_str(value);
    }
    Locale::negotiate(&header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn every_line_of_the_header_counts() {
        let req = TestRequest::default()
            .insert_header((ACCEPT_LANGUAGE, "ja"))
            .append_header((ACCEPT_LANGUAGE, "fr-CA;q=0.8"))
            .to_http_request();
        assert_eq!(requested(&req), Some(Locale::Fr));
        assert_eq!(requested(&TestRequest::default().to_http_request()), None);
    }
}
