//! Keys and secrets. Every key comes from `EXTRANET_JWT_SECRET` through HKDF-SHA256, each with
//! its own label, so that no key serves two purposes (a leaked signing key opens no sealed
//! token, and the other way round). Without a configured secret the master key is the one kept
//! beside a SQLite database file (`secret_file`), or else random, and then everything derived
//! from it dies with the process.
//!
//! Invitation tokens: 256 random bits, shown only to the invitee (in the message), stored only
//! as a SHA-256 hash. Between the request and the delivery the token rests in the outbox
//! sealed (ChaCha20-Poly1305), so no database column ever holds it in clear, and a message
//! written before a crash is still delivered after the restart. Confirmation codes (sign-up,
//! login changes) are short, so the database keeps only their HMAC under a key of their own:
//! a stolen database does not give them away to a brute force.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use persistence::models::invitations::IssuedToken;
use rand::{Rng, RngCore};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// The keys the server uses, each derived under its own label.
pub struct Keys {
    /// Signs access tokens (HS256).
    pub jwt: [u8; 32],
    /// Seals invitation tokens and codes in the outbox.
    pub outbox_seal: [u8; 32],
    /// Hashes confirmation codes for storage.
    pub codes: [u8; 32],
}

impl Keys {
    /// Derives every key from the configured secret, or from a random one.
    pub fn derive(secret: Option<&SecretString>) -> Self {
        let mut random = [0u8; 32];
        let master: &[u8] = match secret {
            Some(s) => s.expose_secret().as_bytes(),
            None => {
                rand::thread_rng().fill_bytes(&mut random);
                &random
            }
        };
        let hkdf = Hkdf::<Sha256>::new(Some(b"extranet"), master);
        let key = |label: &str| {
            let mut out = [0u8; 32];
            // 32 bytes is far below HKDF-SHA256's limit (255 × 32): this cannot fail.
            let _ = hkdf.expand(label.as_bytes(), &mut out);
            out
        };
        Self {
            jwt: key("extranet/jwt-hs256/v1"),
            outbox_seal: key("extranet/outbox-seal/v2"),
            codes: key("extranet/confirmation-code/v1"),
        }
    }
}

/// What every API token secret starts with: a bearer token with it is an API token, and
/// secret scanners can recognise a leaked one.
pub const API_TOKEN_PREFIX: &str = "ext_";

/// What every refresh token starts with (never a bearer token: it is only ever sent to
/// `POST /v1/auth/refresh`).
pub const REFRESH_TOKEN_PREFIX: &str = "exr_";

/// A fresh refresh token: `exr_` and 256 random bits, and its SHA-256 hash (all the storage
/// keeps of it).
pub fn refresh_token() -> (String, String) {
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let token = format!("{REFRESH_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw));
    let hash = token_hash(&token);
    (token, hash)
}

/// A fresh join link code: 256 random bits, base64url (43 characters). The storage keeps only
/// its hash ([`token_hash`]); the code is in the link the creation answers with, and nowhere
/// else.
pub fn join_code() -> String {
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

/// SHA-256 of a token, hex: what the storage keeps and looks invitations up by.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes tokens and codes, seals them for the outbox, and hashes codes for storage.
pub struct TokenSealer {
    cipher: ChaCha20Poly1305,
    code_key: [u8; 32],
}

/// A fresh confirmation code: the code itself (for the message only), what the storage may
/// keep of it, and the code sealed for the outbox.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub hash: String,
    pub sealed: String,
}

impl TokenSealer {
    pub fn new(keys: &Keys) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&keys.outbox_seal)),
            code_key: keys.codes,
        }
    }

    /// A fresh token: what the storage may keep of it, and the token itself (for nobody but
    /// the message).
    pub fn issue(&self) -> Result<IssuedToken, String> {
        let mut raw = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut raw);
        let token = URL_SAFE_NO_PAD.encode(raw);
        Ok(IssuedToken {
            hash: token_hash(&token),
            sealed: self.seal(&token)?,
        })
    }

    /// A fresh API token secret: `ext_` and 256 random bits; what the storage keeps of it, the
    /// secret sealed (for a replay of its creation), and the secret itself (shown once).
    pub fn issue_api_secret(&self) -> Result<(String, IssuedToken), String> {
        let mut raw = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut raw);
        let secret = format!("{API_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw));
        let issued = IssuedToken {
            hash: token_hash(&secret),
            sealed: self.seal(&secret)?,
        };
        Ok((secret, issued))
    }

    /// A fresh six-digit code for `login`.
    pub fn issue_code(&self, login: &str) -> Result<IssuedCode, String> {
        let code = format!(
            "{:0width$}",
            rand::thread_rng().gen_range(0..10u32.pow(domain::sign_up::CODE_DIGITS)),
            width = domain::sign_up::CODE_DIGITS as usize
        );
        Ok(IssuedCode {
            hash: self.code_hash(login, &code)?,
            sealed: self.seal(&code)?,
        })
    }

    /// What the storage keeps of a code sent to `login`: its HMAC, bound to the login.
    pub fn code_hash(&self, login: &str, code: &str) -> Result<String, String> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.code_key)
            .map_err(|e| format!("code key: {e}"))?;
        mac.update(login.as_bytes());
        mac.update(b"\n");
        mac.update(code.as_bytes());
        Ok(hex::encode(mac.finalize().into_bytes()))
    }

    /// A fresh webhook signing secret: `whsec_` and 256 random bits.
    pub fn webhook_secret() -> String {
        let mut raw = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut raw);
        format!("whsec_{}", URL_SAFE_NO_PAD.encode(raw))
    }

    /// Seals a secret the server must read again later (a webhook's signing secret): no
    /// column holds it in clear.
    pub fn seal(&self, secret: &str) -> Result<String, String> {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), secret.as_bytes())
            .map_err(|_| "sealing a secret failed".to_owned())?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(URL_SAFE_NO_PAD.encode(out))
    }

    /// The token (or code) inside a sealed one; `None` when it was sealed under another key.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> SecretString {
        SecretString::from("a-secret-that-is-long-enough-0123456789")
    }

    #[test]
    fn tokens_are_random_hashed_and_sealed() {
        let sealer = TokenSealer::new(&Keys::derive(Some(&secret())));
        let a = sealer.issue().unwrap();
        let b = sealer.issue().unwrap();
        assert_ne!(a.hash, b.hash);
        let token = sealer.open(&a.sealed).unwrap();
        assert_eq!(token.len(), 43, "256 bits in base64url");
        assert_eq!(token_hash(&token), a.hash);
        assert!(!a.sealed.contains(&token));
        // Another key (another secret, or a random one) cannot open it.
        assert_eq!(TokenSealer::new(&Keys::derive(None)).open(&a.sealed), None);
        // The same secret can: a restarted process delivers what its predecessor wrote.
        let again = TokenSealer::new(&Keys::derive(Some(&secret())));
        assert_eq!(again.open(&a.sealed), Some(token));
    }

    #[test]
    fn every_key_has_its_own_label() {
        let keys = Keys::derive(Some(&secret()));
        assert_ne!(keys.jwt, keys.outbox_seal);
        assert_ne!(keys.jwt, keys.codes);
        assert_ne!(keys.outbox_seal, keys.codes);
        assert_ne!(&keys.jwt[..], secret().expose_secret().as_bytes());
        assert_eq!(keys.jwt, Keys::derive(Some(&secret())).jwt);
        assert_ne!(Keys::derive(None).jwt, Keys::derive(None).jwt);
    }

    #[test]
    fn codes_are_six_digits_bound_to_their_login_and_kept_only_as_a_keyed_hash() {
        let sealer = TokenSealer::new(&Keys::derive(Some(&secret())));
        let issued = sealer.issue_code("ann@client.example").unwrap();
        let code = sealer.open(&issued.sealed).unwrap();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let hash = |login: &str, s: &TokenSealer| s.code_hash(login, &code).unwrap();
        assert_eq!(hash("ann@client.example", &sealer), issued.hash);
        assert_ne!(hash("bo@client.example", &sealer), issued.hash);
        assert!(!issued.hash.contains(&code));
        let other = TokenSealer::new(&Keys::derive(None));
        assert_ne!(hash("ann@client.example", &other), issued.hash);
    }
}
