//! Where a webhook may send (SSRF): only `http`/`https` URLs without credentials, and only to
//! public addresses. Loopback, private, shared, link-local (cloud metadata lives there),
//! multicast, unspecified and reserved addresses are refused, for IPv4, IPv6 and IPv4 written
//! as IPv6 (mapped, NAT64, 6to4, Teredo: judged by the IPv4 address inside; NAT64's local-use
//! prefix is refused whole). The URL is checked when a webhook is saved, and every address its host resolves to
//! is checked again before each delivery.

use crate::error::DomainError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The longest webhook URL.
pub const MAX_URL_CHARS: usize = 2048;

/// A webhook URL that passed the checks that need no name resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    url: url::Url,
}

/// What the host of a URL is: a name to resolve, or an address already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Name(String),
    Address(IpAddr),
}

fn refused(why: impl Into<String>) -> DomainError {
    DomainError::WebhookUrlNotAllowed(why.into())
}

/// What [`WebhookUrl::parse`] takes, as a JSON Schema pattern for the OpenAPI document:
/// `http` or `https`, a host name (a name whose last label starts with a letter: a number
/// there would be read as an IPv4 address), an optional port, a path and query, no user name
/// and no fragment. Whether the name resolves to an address that may receive webhooks is known
/// only when it is resolved.
pub const URL_PATTERN: &str = r"^[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*(:[0-9]{1,4})?([/?][^#\s]*)?$";

impl WebhookUrl {
    /// Parses `s`: `http` or `https`, a host, no user name or password (whoever may read the
    /// webhook would read them; use the signing secret), no fragment, at most
    /// [`MAX_URL_CHARS`]. An address host is checked at once.
    pub fn parse(s: &str, allow_loopback: bool) -> Result<Self, DomainError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DomainError::invalid("url", "required", "the URL is empty"));
        }
        if s.chars().count() > MAX_URL_CHARS {
            return Err(DomainError::invalid(
                "url",
                "too_long",
                format!("at most {MAX_URL_CHARS} characters"),
            ));
        }
        let url = url::Url::parse(s)
            .map_err(|e| DomainError::invalid("url", "invalid_url", format!("not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refused(format!(
                "only http:// and https:// URLs receive webhooks, not {}://",
                url.scheme()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refused(
                "a webhook URL carries no user name or password: everyone who can read the webhook would see them; receivers check the signature instead",
            ));
        }
        if url.fragment().is_some() {
            return Err(DomainError::invalid(
                "url",
                "invalid_url",
                "a webhook URL has no #fragment",
            ));
        }
        let parsed = Self { url };
        match parsed.host() {
            Some(Host::Address(ip)) => check_address(ip, allow_loopback)?,
            Some(Host::Name(_)) => {}
            None => {
                return Err(DomainError::invalid(
                    "url",
                    "invalid_url",
                    "the URL has no host",
                ))
            }
        }
        Ok(parsed)
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    pub fn host(&self) -> Option<Host> {
        match self.url.host()? {
            url::Host::Domain(name) => Some(Host::Name(name.to_owned())),
            url::Host::Ipv4(ip) => Some(Host::Address(IpAddr::V4(ip))),
            url::Host::Ipv6(ip) => Some(Host::Address(IpAddr::V6(ip))),
        }
    }

    /// The port the URL names, or its scheme's.
    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(80)
    }
}

/// Why an address may not receive webhooks, in words.
fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(if ip.is_loopback() {
        "a loopback address"
    } else if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) {
        "a cloud metadata address"
    } else if ip.is_private() {
        "a private address"
    } else if ip.is_link_local() {
        "a link-local address"
    } else if a == 100 && (64..128).contains(&b) {
        "a shared (carrier-grade NAT) address"
    } else if ip.is_multicast() {
        "a multicast address"
    } else if ip.is_broadcast() || ip.is_unspecified() || a == 0 {
        "an unspecified address"
    } else if a >= 240 || (a == 192 && b == 0 && c == 0) || (a == 198 && (18..20).contains(&b)) {
        "a reserved address"
    } else if ip.is_documentation() {
        "a documentation address"
    } else {
        return None;
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let segments = ip.segments();
    let first = segments[0];
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return forbidden_v4(v4(segments[6], segments[7]));
    }
    // NAT64's local-use prefix (RFC 8215) is a network's own: not public, and where the IPv4
    // address sits in it depends on the prefix length that network chose.
    if segments[..3] == [0x64, 0xff9b, 1] {
        return Some("a local-use NAT64 address");
    }
    // 6to4 (2002::/16) reaches the IPv4 address in bits 16 to 47.
    if first == 0x2002 {
        return forbidden_v4(v4(segments[1], segments[2]));
    }
    // Teredo (2001:0::/32) names its server's IPv4 address in bits 32 to 63 and its client's,
    // inverted, in the last 32: both must be public.
    if segments[..2] == [0x2001, 0] {
        return forbidden_v4(v4(segments[2], segments[3]))
            .or_else(|| forbidden_v4(v4(!segments[6], !segments[7])));
    }
    Some(if ip.is_loopback() {
        "a loopback address"
    } else if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        "a cloud metadata address"
    } else if ip.is_unspecified() {
        "an unspecified address"
    } else if ip.is_unique_local() {
        "a private address"
    } else if ip.is_unicast_link_local() || first & 0xffc0 == 0xfec0 {
        "a link-local address"
    } else if ip.is_multicast() {
        "a multicast address"
    } else if first == 0x2001 && ip.segments()[1] == 0x0db8 {
        "a documentation address"
    } else if ip.segments()[..6] == [0, 0, 0, 0, 0, 0] {
        // IPv4-compatible (deprecated) addresses.
        "a reserved address"
    } else {
        return None;
    })
}

fn reason(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    let why = match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    };
    why.filter(|w| !(allow_loopback && *w == "a loopback address"))
}

/// The setting that changes a refusal, named in its message: only a loopback address may be
/// allowed, on a development server.
fn setting_for(why: &str) -> &'static str {
    if why == "a loopback address" {
        " (a receiver on the server's own machine, in development: EXTRANET_WEBHOOK_ALLOW_LOOPBACK=true)"
    } else {
        ""
    }
}

/// Whether `ip` may receive webhooks; loopback too when `allow_loopback` (tests and local
/// development only).
pub fn check_address(ip: IpAddr, allow_loopback: bool) -> Result<(), DomainError> {
    match reason(ip, allow_loopback) {
        None => Ok(()),
        Some(why) => Err(refused(format!(
            "{ip} is {why}; webhooks are sent to public addresses only{}",
            setting_for(why)
        ))),
    }
}

/// Checks every address a host name resolved to: one forbidden address refuses the URL (a name
/// that resolves to a public and a private address would reach the private one some of the
/// time), and a name that resolves to nothing is refused too.
pub fn check_resolved(
    host: &str,
    addresses: &[IpAddr],
    allow_loopback: bool,
) -> Result<(), DomainError> {
    if addresses.is_empty() {
        return Err(refused(format!("{host} does not resolve to any address")));
    }
    match addresses
        .iter()
        .find_map(|ip| reason(*ip, allow_loopback).map(|why| (ip, why)))
    {
        None => Ok(()),
        Some((ip, why)) => Err(refused(format!(
            "{host} resolves to {ip}, {why}; webhooks are sent to public addresses only{}",
            setting_for(why)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`URL_PATTERN`] takes what [`WebhookUrl::parse`] takes, and refuses what it refuses
    /// without resolving a name.
    #[test]
    fn the_url_pattern_takes_what_a_webhook_url_takes() {
        let url = regex::Regex::new(URL_PATTERN).unwrap();
        for input in [
            "https://crm.example.com/hooks/extranet",
            "HTTP://a.b:8080/x?y=1",
            "http://localhost",
        ] {
            assert!(url.is_match(input), "{input:?}");
            assert!(WebhookUrl::parse(input, true).is_ok(), "{input:?}");
        }
        for input in [
            "crm.example.com",
            "ftp://a.b/",
            "https://user:pw@a.b/",
            "https://a.b/#x",
            "http://",
            "/relative",
        ] {
            assert!(!url.is_match(input), "{input:?}");
            assert!(WebhookUrl::parse(input, true).is_err(), "{input:?}");
        }
    }

    fn code(r: Result<WebhookUrl, DomainError>) -> &'static str {
        r.map_or_else(|e| e.code(), |_| "ok")
    }

    #[test]
    fn only_public_http_urls_without_credentials() {
        for ok in [
            "https://hooks.example.com/extranet",
            "http://203.0.114.7:8080/x?y=1",
            "https://[2a00:1450:4001:82b::200e]/h",
            // The public IPv4 address inside 6to4 and Teredo addresses.
            "https://[2002:5db8:d70e::1]/h",
            "https://[2001:0:5db8:d70e::a247:28f1]/h",
        ] {
            assert_eq!(code(WebhookUrl::parse(ok, false)), "ok", "{ok}");
        }
        for refused in [
            "http://127.0.0.1/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1/",
            "http://192.168.1.20/",
            "http://172.16.5.4/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[64:ff9b:1::5db8:d70e]/",
            "http://[2002:7f00:1::]/",
            "http://[2002:a9fe:a9fe::1]/",
            "http://[2001:0:7f00:1::1]/",
            "http://[2001:0:5db8:d70e::80ff:fffe]/",
            "http://[fd00:ec2::254]/",
            "http://[fe80::1]/",
            "http://224.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "ftp://hooks.example.com/",
            "file:///etc/passwd",
            "gopher://hooks.example.com/",
            "https://user:pass@hooks.example.com/",
        ] {
            assert_eq!(
                code(WebhookUrl::parse(refused, false)),
                "webhook_url_not_allowed",
                "{refused}"
            );
        }
        for invalid in ["", "not a url", "https://hooks.example.com/#x"] {
            assert_eq!(code(WebhookUrl::parse(invalid, false)), "validation_failed");
        }
        let long = format!("https://hooks.example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert_eq!(code(WebhookUrl::parse(&long, false)), "validation_failed");
    }

    #[test]
    fn loopback_only_when_allowed_and_nothing_else_with_it() {
        assert_eq!(code(WebhookUrl::parse("http://127.0.0.1:9/", true)), "ok");
        assert_eq!(code(WebhookUrl::parse("http://[::1]:9/", true)), "ok");
        assert_eq!(
            code(WebhookUrl::parse("http://10.0.0.1/", true)),
            "webhook_url_not_allowed"
        );
        assert!(check_address("169.254.169.254".parse().unwrap(), true).is_err());
        // Refused, the loopback names the setting that allows it; no other refusal does.
        let loopback = check_address("127.0.0.1".parse().unwrap(), false).unwrap_err();
        assert!(
            matches!(loopback, DomainError::WebhookUrlNotAllowed(ref w) if w.contains("EXTRANET_WEBHOOK_ALLOW_LOOPBACK=true")),
            "{loopback:?}"
        );
        let private = check_address("10.0.0.1".parse().unwrap(), false).unwrap_err();
        assert!(
            matches!(private, DomainError::WebhookUrlNotAllowed(ref w) if !w.contains("EXTRANET_")),
            "{private:?}"
        );
    }

    #[test]
    fn a_name_is_judged_by_every_address_it_resolves_to() {
        let public: IpAddr = "93.184.215.14".parse().unwrap();
        let private: IpAddr = "10.1.2.3".parse().unwrap();
        assert!(check_resolved("h", &[public], false).is_ok());
        let e = check_resolved("h", &[public, private], false).unwrap_err();
        assert!(
            matches!(e, DomainError::WebhookUrlNotAllowed(ref w) if w.starts_with("h resolves to 10.1.2.3, a private address"))
        );
        assert!(check_resolved("h", &[], false).is_err());
        let url = WebhookUrl::parse("https://Hooks.Example.com/x", false).unwrap();
        assert_eq!(url.host(), Some(Host::Name("hooks.example.com".into())));
        assert_eq!(url.port(), 443);
    }
}
