//! A small WebDriver client for browser tests: Debian's chromium driven by chromedriver, over
//! the W3C WebDriver protocol (JSON over HTTP), with no extra async runtime.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Where the browser binaries are (Debian's packages `chromium` and `chromium-driver`).
fn tool(env: &str, default: &str) -> PathBuf {
    let path = PathBuf::from(std::env::var(env).unwrap_or_else(|_| default.into()));
    assert!(
        path.exists(),
        "{} not found: browser tests need Debian's chromium and chromium-driver \
         (apt-get install -y chromium chromium-driver), or {env} pointing at the binary",
        path.display()
    );
    path
}

/// A headless chromium session at a given window size, closed on drop.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::blocking::Client,
    /// The browser's profile (its storage: IndexedDB, the service worker's caches), kept when
    /// the browser is restarted.
    profile: PathBuf,
    viewport: (u32, u32),
}

/// A phone-sized viewport (CSS pixels).
pub const PHONE: (u32, u32) = (360, 780);
/// A desktop viewport.
pub const DESKTOP: (u32, u32) = (1280, 900);

impl Browser {
    /// Starts chromedriver and a headless chromium with a `width`×`height` window.
    ///
    /// # Panics
    /// When chromium or chromedriver is missing or does not start.
    #[must_use]
    pub fn start(viewport: (u32, u32)) -> Self {
        let profile = tempfile::tempdir().expect("a profile directory").keep();
        Self::start_in(viewport, profile)
    }

    /// Closes the browser and starts it again on the same profile: what a phone keeps across
    /// a restart (IndexedDB, the service worker and its caches) is still there.
    #[must_use]
    pub fn restart(self) -> Self {
        let viewport = self.viewport;
        let profile = self.profile.clone();
        drop(self);
        Self::start_in(viewport, profile)
    }

    fn start_in((width, height): (u32, u32), profile: PathBuf) -> Self {
        let chromium = tool("CANVASS_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = tool("CANVASS_CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = http
                .get(format!("{base}/status"))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--disable-extensions",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}"),
                    "--lang=zh-CN",
                ],
                // a phone set up in Chinese, as the respondents' are
                "prefs": {"intl.accept_languages": "zh-CN,zh"}
            }
        }}});
        let response: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .expect("create a WebDriver session")
            .json()
            .expect("session answer");
        let session = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {response}"))
            .to_string();
        let mut browser = Self {
            driver,
            base,
            session,
            http,
            profile,
            viewport: (width, height),
        };
        browser.set_viewport(width, height);
        // element lookups wait for the element to appear (a page that is still loading after a
        // form post), instead of racing the navigation
        let _ = browser.cmd("POST", "timeouts", &json!({"implicit": 10_000}));
        browser
    }

    /// Polls `condition` until it holds, for at most ten seconds: navigation after a click can
    /// still be in flight (a POST answered by a redirect) when the click command returns.
    ///
    /// # Panics
    /// When the condition does not hold in time; `what` names it in the message.
    pub fn wait_until(&self, what: &str, condition: impl Fn(&Self) -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !condition(self) {
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}; at {}",
                self.url()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Waits until the element matching `css` exists and its text contains `needle`.
    pub fn wait_for_text(&self, css: &str, needle: &str) {
        self.wait_until(&format!("{css} to contain {needle:?}"), |b| {
            b.count(css) > 0 && b.text(css).contains(needle)
        });
    }

    fn set_viewport(&mut self, width: u32, height: u32) {
        // --window-size sets the outer window; make the page's layout width exact
        let _ = self.cmd(
            "POST",
            "window/rect",
            &json!({"width": width, "height": height}),
        );
        let inner: f64 = self
            .script("return window.innerWidth", &[])
            .as_f64()
            .unwrap_or(f64::from(width));
        let extra = (f64::from(width) - inner).max(0.0);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let adjusted = width + extra as u32;
        let _ = self.cmd(
            "POST",
            "window/rect",
            &json!({"width": adjusted, "height": height}),
        );
    }

    fn cmd(&self, method: &str, path: &str, body: &Value) -> Value {
        let url = format!("{}/session/{}/{path}", self.base, self.session);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(body),
        };
        let value: Value = request
            .send()
            .expect("WebDriver request")
            .json()
            .expect("WebDriver answer");
        value["value"].clone()
    }

    /// Opens `url` and waits for the page to load.
    pub fn goto(&self, url: &str) {
        let v = self.cmd("POST", "url", &json!({"url": url}));
        assert!(v.get("error").is_none(), "navigation failed: {v}");
    }

    /// The element matching a CSS selector.
    ///
    /// # Panics
    /// When no element matches.
    #[must_use]
    pub fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "element",
            &json!({"using": "css selector", "value": css}),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    /// How many elements match a CSS selector.
    #[must_use]
    pub fn count(&self, css: &str) -> usize {
        let v = self.cmd(
            "POST",
            "elements",
            &json!({"using": "css selector", "value": css}),
        );
        v.as_array().map_or(0, Vec::len)
    }

    /// Clicks the element matching `css` (scrolling it into view first).
    pub fn click(&self, css: &str) {
        let id = self.find(css);
        let v = self.cmd("POST", &format!("element/{id}/click"), &json!({}));
        assert!(v.get("error").is_none(), "click on {css} failed: {v}");
    }

    /// Types `text` into the element matching `css` after clearing it.
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        let _ = self.cmd("POST", &format!("element/{id}/clear"), &json!({}));
        let v = self.cmd(
            "POST",
            &format!("element/{id}/value"),
            &json!({"text": text}),
        );
        assert!(v.get("error").is_none(), "typing into {css} failed: {v}");
    }

    /// The visible text of the element matching `css`.
    #[must_use]
    pub fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.cmd("GET", &format!("element/{id}/text"), &json!({}))
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// A property of the element matching `css` (`value`, `checked`, ...).
    #[must_use]
    pub fn property(&self, css: &str, name: &str) -> Value {
        let id = self.find(css);
        self.cmd("GET", &format!("element/{id}/property/{name}"), &json!({}))
    }

    /// The current URL.
    #[must_use]
    pub fn url(&self) -> String {
        self.cmd("GET", "url", &json!({}))
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The page's HTML as the browser holds it.
    #[must_use]
    pub fn source(&self) -> String {
        self.cmd("GET", "source", &json!({}))
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Runs a script in the page and returns its result.
    pub fn script(&self, script: &str, args: &[Value]) -> Value {
        self.cmd(
            "POST",
            "execute/sync",
            &json!({"script": script, "args": args}),
        )
    }

    /// Accepts the open `alert`/`confirm` dialog; false when none is open.
    pub fn accept_alert(&self) -> bool {
        let v = self.cmd("POST", "alert/accept", &json!({}));
        v.get("error").is_none()
    }

    /// Runs an asynchronous script in the page (its last argument is the callback to call with
    /// the result) and returns its result.
    pub fn script_async(&self, script: &str, args: &[Value]) -> Value {
        let _ = self.cmd("POST", "timeouts", &json!({"script": 60_000}));
        self.cmd(
            "POST",
            "execute/async",
            &json!({"script": script, "args": args}),
        )
    }

    /// Runs a Chrome DevTools Protocol command in the page through chromedriver.
    pub fn cdp(&self, cmd: &str, params: &Value) -> Value {
        self.cmd(
            "POST",
            "goog/cdp/execute",
            &json!({"cmd": cmd, "params": params}),
        )
    }

    /// Cuts the page off the network, or gives it back (DevTools
    /// `Network.emulateNetworkConditions`).
    pub fn set_offline(&self, offline: bool) {
        let _ = self.cdp("Network.enable", &json!({}));
        let v = self.cdp(
            "Network.emulateNetworkConditions",
            &json!({"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        );
        assert!(v.get("error").is_none(), "network emulation failed: {v}");
    }

    /// Saves a PNG screenshot as `test-output/<name>.png` in the workspace and returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        use base64::Engine;
        let data = self.cmd("GET", "screenshot", &json!({}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or(""))
            .expect("a base64 screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-output");
        std::fs::create_dir_all(&dir).expect("create test-output");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Prints the page to an A4 PDF as the browser's print dialog would (WebDriver's print
    /// command, DevTools' `Page.printToPDF`), keeps it as `test-output/{name}.pdf`, and reads
    /// it back with poppler-utils.
    ///
    /// # Panics
    /// When printing fails or `pdftotext`/`pdfinfo` are missing.
    pub fn print_pdf(&self, name: &str) -> Printed {
        use base64::Engine;
        let data = self.cmd(
            "POST",
            "print",
            &json!({"page": {"width": 21.0, "height": 29.7}, "background": true}),
        );
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_else(|| panic!("no PDF: {data}")))
            .expect("a base64 PDF");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-output");
        std::fs::create_dir_all(&dir).expect("create test-output");
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, &pdf).expect("write the PDF");
        let run = |tool: &str, args: &[&str]| {
            let out = Command::new(tool)
                .args(args)
                .arg(&path)
                .args(if tool == "pdftotext" {
                    &["-"][..]
                } else {
                    &[][..]
                })
                .output()
                .unwrap_or_else(|e| {
                    panic!("{tool} (apt-get install -y poppler-utils) did not run: {e}")
                });
            assert!(out.status.success(), "{tool} failed on {}", path.display());
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let info = run("pdfinfo", &[]);
        let pages = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no page count in {info}"));
        Printed {
            pages,
            text: run("pdftotext", &["-layout"]),
            path,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A page printed to PDF: how many A4 pages, and their text as `pdftotext -layout` reads it.
#[derive(Debug)]
pub struct Printed {
    pub pages: usize,
    pub text: String,
    pub path: PathBuf,
}
