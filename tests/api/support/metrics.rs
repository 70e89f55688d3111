//! `/metrics` as the tests read it: a scrape, parsed, and scraping until a condition holds.

use crate::support::helpers::TestApp;
use reqwest::{Method, StatusCode};
use std::collections::BTreeMap;
use std::time::Instant;

/// One sample of a scrape.
#[derive(Debug)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// A scrape of `/metrics`, parsed.
#[derive(Debug)]
pub struct Scrape {
    pub text: String,
    samples: Vec<Sample>,
}

impl Scrape {
    /// The value of the sample `name` with exactly `labels`.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels == wanted)
            .map(|s| s.value)
    }

    /// As [`Scrape::value`], which must be there.
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels)
            .unwrap_or_else(|| panic!("no {name}{labels:?} in\n{}", self.text))
    }

    /// Every sample of `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Sample> {
        self.samples.iter().filter(move |s| s.name == name)
    }
}

/// Parses the text format 0.0.4: `name{label="value",…} value`, comments skipped.
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (series, value) = line.rsplit_once(' ').expect("a value");
        let (name, mut rest) = match series.split_once('{') {
            Some((name, rest)) => (name, rest),
            None => (series, "}"),
        };
        let mut labels = BTreeMap::new();
        while !rest.starts_with('}') {
            let (key, after) = rest.split_once("=\"").expect("a label");
            let mut value = String::new();
            let mut chars = after.char_indices();
            let end = loop {
                match chars.next().expect("a closing quote") {
                    (_, '\\') => value.push(chars.next().expect("an escaped character").1),
                    (i, '"') => break i,
                    (_, c) => value.push(c),
                }
            };
            labels.insert(key.to_owned(), value);
            rest = after[end + 1..].trim_start_matches(',');
        }
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value: value.parse().expect("a number"),
        });
    }
    samples
}

/// Scrapes the server.
pub async fn scrape(app: &TestApp) -> Scrape {
    let res = app.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = res.text().await.unwrap();
    Scrape {
        samples: parse(&text),
        text,
    }
}

/// Scrapes until `done` holds (the delivery worker works on its own time).
pub async fn scrape_until(app: &TestApp, what: &str, done: impl Fn(&Scrape) -> bool) -> Scrape {
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let scraped = scrape(app).await;
        if done(&scraped) {
            return scraped;
        }
        assert!(Instant::now() < deadline, "never {what}:\n{}", scraped.text);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
