//! README's signature checks for integrators (Python, Node, Rust), each run as written on a
//! real delivery from the server — and on the same delivery with its body changed, and with
//! another secret, which each must refuse.

use super::signature_check::verify;
use crate::support::webhook_receiver::Receiver;
use crate::support::webhooks::{subscribe, webhook_app};
use reqwest::{Method, StatusCode};
use std::path::Path;

const README: &str = include_str!("../../../README.md");

/// The code block of README between `<!-- name -->` and `<!-- /name -->`.
fn snippet(name: &str) -> String {
    let start = README
        .find(&format!("<!-- {name} -->\n"))
        .unwrap_or_else(|| panic!("README has no <!-- {name} -->"));
    let end = README[start..]
        .find(&format!("<!-- /{name} -->"))
        .map(|i| start + i)
        .unwrap();
    let block = &README[start..end];
    let code_start = block.find('\n').unwrap() + 1;
    let code = &block[code_start..];
    let first_line_end = code.find('\n').unwrap() + 1;
    code[first_line_end..]
        .trim_end()
        .trim_end_matches("```")
        .to_owned()
}

/// What a script prints for (secret, header, body file) cases, one `True`/`False` a line.
fn run(program: &str, args: &[&str], dir: &Path) -> Vec<String> {
    let output = std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim().to_lowercase())
        .collect()
}

#[tokio::test]
async fn the_readme_signature_checks_accept_a_real_delivery_and_refuse_a_changed_one() {
    let app = webhook_app().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let receiver = Receiver::start().await;
    let hook = subscribe(&app, &admin.token, &receiver.url, &["invitation.created"]).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let id = hook["id"].as_str().unwrap();
    let (status, _) = app
        .json(
            Method::POST,
            &format!("/v1/webhooks/{id}/ping"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let got = receiver.wait_for("ping", 1).await;
    let header = got[0]["headers"]["x-extranet-signature"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = got[0]["raw"].as_str().unwrap().as_bytes().to_vec();
    let changed = String::from_utf8_lossy(&body)
        .replace("ping", "pong")
        .into_bytes();
    assert_ne!(body, changed);

    // Rust: README's block is this crate's `signature_check.rs`, word for word.
    assert_eq!(
        snippet("signature-rust").trim(),
        include_str!("signature_check.rs").trim()
    );
    let now = chrono::Utc::now().timestamp();
    assert!(verify(&secret, &header, &body, now));
    assert!(!verify(&secret, &header, &changed, now));
    assert!(!verify("whsec_another", &header, &body, now));
    assert!(!verify(&secret, &header, &body, now + 3600));

    // Python and Node: the block in a file of its own, called on the same three cases.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("body"), &body).unwrap();
    std::fs::write(dir.path().join("changed"), &changed).unwrap();
    let expected = ["true", "false", "false"];
    let python = format!(
        "{}\n\nimport sys\nfor secret, body in [(sys.argv[1], 'body'), (sys.argv[1], 'changed'), ('whsec_another', 'body')]:\n    print(verify(secret, sys.argv[2], open(body, 'rb').read()))\n",
        snippet("signature-python")
    );
    std::fs::write(dir.path().join("check.py"), python).unwrap();
    assert_eq!(
        run("python3", &["check.py", &secret, &header], dir.path()),
        expected
    );
    let node = format!(
        "{}\n\nimport {{ readFileSync }} from 'node:fs';\nconst [secret, header] = process.argv.slice(2);\nfor (const [s, b] of [[secret, 'body'], [secret, 'changed'], ['whsec_another', 'body']]) console.log(verify(s, header, readFileSync(b)));\n",
        snippet("signature-node")
    );
    std::fs::write(dir.path().join("check.mjs"), node).unwrap();
    assert_eq!(
        run("node", &["check.mjs", &secret, &header], dir.path()),
        expected
    );
}
