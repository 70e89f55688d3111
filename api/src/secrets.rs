//! Invitation tokens: 256 random bits, shown only to the invitee (in the message), stored only
//! as a SHA-256 hash. Between the request and the delivery the token rests in the outbox
//! sealed (ChaCha20-Poly1305 under a key derived from `EXTRANET_JWT_SECRET`), so no database
//! column ever holds it in clear, and a message written before a crash is still delivered
//! after the restart.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use persistence::invitations::IssuedToken;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// SHA-256 of a token, hex: what the storage keeps and looks invitations up by.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes tokens and seals them for the outbox.
pub struct TokenSealer {
    cipher: ChaCha20Poly1305,
}

impl TokenSealer {
    /// With no configured secret the key is random: messages still unsent when the process
    /// ends cannot be opened by the next one (they fail, and the invitation can be resent).
    pub fn new(secret: Option<&SecretString>) -> Self {
        let key: [u8; 32] = match secret {
            Some(s) => {
                let mut h = Sha256::new();
                h.update(b"extranet/outbox-seal/v1\0");
                h.update(s.expose_secret().as_bytes());
                h.finalize().into()
            }
            None => {
                let mut k = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut k);
                k
            }
        };
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
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

    fn seal(&self, token: &str) -> Result<String, String> {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), token.as_bytes())
            .map_err(|_| "sealing a token failed".to_owned())?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(URL_SAFE_NO_PAD.encode(out))
    }

    /// The token inside a sealed one; `None` when it was sealed under another key.
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

    #[test]
    fn tokens_are_random_hashed_and_sealed() {
        let secret = SecretString::from("a-secret-that-is-long-enough-0123456789");
        let sealer = TokenSealer::new(Some(&secret));
        let a = sealer.issue().unwrap();
        let b = sealer.issue().unwrap();
        assert_ne!(a.hash, b.hash);
        let token = sealer.open(&a.sealed).unwrap();
        assert_eq!(token.len(), 43, "256 bits in base64url");
        assert_eq!(token_hash(&token), a.hash);
        assert!(!a.sealed.contains(&token));
        // Another key (another secret, or a random one) cannot open it.
        assert_eq!(TokenSealer::new(None).open(&a.sealed), None);
        // The same secret can: a restarted process delivers what its predecessor wrote.
        assert_eq!(TokenSealer::new(Some(&secret)).open(&a.sealed), Some(token));
    }
}
