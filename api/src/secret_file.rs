//! The master secret when `EXTRANET_JWT_SECRET` is not set: on SQLite in a file, a generated
//! one kept beside the database (`data/extranet.db` → `data/extranet.db.secret`), so that a
//! development server (`make run`) keeps its tokens, and what it sealed, across restarts. On
//! PostgreSQL, or SQLite in memory, there is no such place: the key is random per start, with
//! an error-level warning (several processes on one PostgreSQL must share a configured secret).
//!
//! The file holds 256 random bits (base64url, one line), readable by its owner only (0600). It
//! is written whole under another name and linked into place, which fails if the file exists:
//! a crash leaves no half-written secret, and two processes starting together on one database
//! end up with the same one. An existing file is read; one that other users of the machine may
//! read is refused (whoever can read it can sign tokens for anyone), as is one too short to be
//! a secret. The log says where the file is, never what it holds.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use persistence::Backend;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// What the file name of a database gets to name its secret's.
pub const SUFFIX: &str = ".secret";

/// The fewest characters a secret may have (as `EXTRANET_JWT_SECRET`).
const MIN_LEN: usize = 32;

/// The master secret the server derives its keys from: the configured one, the one kept beside
/// a SQLite file, or `None` (random per start). Logs which, once.
pub fn master_secret(
    configured: Option<&SecretString>,
    backend: &Backend,
) -> Result<Option<SecretString>, String> {
    if let Some(secret) = configured {
        return Ok(Some(secret.clone()));
    }
    let Some(path) = beside(backend) else {
        tracing::error!(
            "EXTRANET_JWT_SECRET is not set: using a random key, so access tokens stop working \
             when the server restarts and different server processes refuse each other's; set it"
        );
        return Ok(None);
    };
    let (secret, created) = keep(&path)?;
    tracing::warn!(
        file = %path.display(),
        created,
        "EXTRANET_JWT_SECRET is not set: keys come from the development secret kept beside the \
         database, so tokens survive a restart; set EXTRANET_JWT_SECRET in production"
    );
    Ok(Some(secret))
}

/// Where the secret of a SQLite database in a file is kept; `None` for PostgreSQL and for
/// SQLite in memory.
pub fn beside(backend: &Backend) -> Option<PathBuf> {
    let Backend::Sqlite { path } = backend else {
        return None;
    };
    // SQLite's URI file names: `file:PATH?…`, in memory with `mode=memory` or `:memory:`.
    let file = match path.strip_prefix("file:") {
        Some(uri) => {
            let (file, query) = uri.split_once('?').unwrap_or((uri, ""));
            if query.split('&').any(|p| p == "mode=memory") {
                return None;
            }
            file
        }
        None => path.as_str(),
    };
    if file.is_empty() || file == ":memory:" {
        return None;
    }
    Some(PathBuf::from(format!("{file}{SUFFIX}")))
}

/// The secret in `path`, made first when there is none; and whether it was made now.
pub fn keep(path: &Path) -> Result<(SecretString, bool), String> {
    match read(path) {
        Ok(secret) => return Ok((secret, false)),
        Err(Missing::No) => {}
        Err(Missing::Unusable(why)) => return Err(why),
    }
    match create(path) {
        Ok(secret) => Ok((secret, true)),
        // Another process made it meanwhile: theirs is the one.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => match read(path) {
            Ok(secret) => Ok((secret, false)),
            Err(Missing::No) => Err(format!("{} vanished as it was made", path.display())),
            Err(Missing::Unusable(why)) => Err(why),
        },
        Err(e) => Err(format!(
            "cannot keep the development secret in {}: {e} (or set EXTRANET_JWT_SECRET)",
            path.display()
        )),
    }
}

enum Missing {
    /// There is no file.
    No,
    /// There is one, and it must not be used: why.
    Unusable(String),
}

fn read(path: &Path) -> Result<SecretString, Missing> {
    let shown = path.display();
    let metadata = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(Missing::No),
        Err(e) => return Err(Missing::Unusable(format!("cannot read {shown}: {e}"))),
    };
    if !metadata.is_file() {
        return Err(Missing::Unusable(format!("{shown} is not a file")));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Missing::Unusable(format!(
                "{shown} may be read by other users of this machine (mode {mode:04o}), who could \
                 sign tokens with it: `chmod 600 {shown}`, or set EXTRANET_JWT_SECRET"
            )));
        }
    }
    let text = fs::read_to_string(path)
        .map_err(|e| Missing::Unusable(format!("cannot read {shown}: {e}")))?;
    let secret = text.trim();
    if secret.len() < MIN_LEN {
        return Err(Missing::Unusable(format!(
            "{shown} holds no secret of at least {MIN_LEN} characters: delete it to have a new \
             one made (tokens signed with the old one stop working), or set EXTRANET_JWT_SECRET"
        )));
    }
    Ok(SecretString::from(secret.to_owned()))
}

/// Writes a new secret whole under a name of its own, then links it to `path` (which fails
/// when `path` exists).
fn create(path: &Path) -> std::io::Result<SecretString> {
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let secret = SecretString::from(URL_SAFE_NO_PAD.encode(raw));
    let mut tag = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut tag);
    let draft = PathBuf::from(format!(
        "{}.{}-{}.tmp",
        path.display(),
        std::process::id(),
        hex::encode(tag)
    ));
    let written =
        write_new(&draft, secret.expose_secret()).and_then(|()| fs::hard_link(&draft, path));
    let _ = fs::remove_file(&draft);
    written?;
    // The new name itself is durable once the folder is synced.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(secret)
}

fn write_new(path: &Path, secret: &str) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(secret.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(path: &str) -> Backend {
        Backend::Sqlite { path: path.into() }
    }

    #[test]
    fn a_sqlite_file_keeps_its_secret_beside_it_and_nothing_else_does() {
        assert_eq!(
            beside(&sqlite("data/extranet.db")),
            Some(PathBuf::from("data/extranet.db.secret"))
        );
        assert_eq!(
            beside(&sqlite("file:/var/lib/x.db?mode=rwc")),
            Some(PathBuf::from("/var/lib/x.db.secret"))
        );
        for memory in [
            ":memory:",
            "file::memory:",
            "file:x?mode=memory&cache=shared",
        ] {
            assert_eq!(beside(&sqlite(memory)), None, "{memory}");
        }
        let postgres = Backend::Postgres {
            url: "postgres://localhost/x".into(),
        };
        assert_eq!(beside(&postgres), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_secret_is_made_once_owner_only_and_read_back_after() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extranet.db.secret");
        let (made, created) = keep(&path).unwrap();
        assert!(created);
        assert!(made.expose_secret().len() >= MIN_LEN);
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (again, created) = keep(&path).unwrap();
        assert!(!created);
        assert_eq!(again.expose_secret(), made.expose_secret());
        // Nothing but the secret is left in the folder (the draft is gone).
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["extranet.db.secret"]);
        // Another database's secret is another secret.
        let (other, _) = keep(&dir.path().join("other.db.secret")).unwrap();
        assert_ne!(other.expose_secret(), made.expose_secret());
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_others_may_read_or_too_short_is_refused_and_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extranet.db.secret");
        keep(&path).unwrap();
        let before = fs::read_to_string(&path).unwrap();
        for mode in [0o640, 0o604, 0o644] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let error = keep(&path).err().unwrap();
            assert!(error.contains("chmod 600"), "{mode:o}: {error}");
            assert!(!error.contains(before.trim()), "the error shows the secret");
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), before);
        fs::write(&path, "short\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(keep(&path).err().unwrap().contains("delete it"));
        fs::remove_file(&path).unwrap();
        fs::create_dir(&path).unwrap();
        assert!(keep(&path).err().unwrap().contains("is not a file"));
    }

    #[test]
    fn processes_starting_together_agree_on_one_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extranet.db.secret");
        let secrets: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| keep(&path).unwrap().0.expose_secret().to_owned()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(secrets.windows(2).all(|w| w[0] == w[1]), "{secrets:?}");
    }
}
