//! A real SMTP server on loopback for the tests: it speaks enough SMTP for
//! lettre (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every
//! message it receives, so tests read delivered mail and follow its links.
//! Like a real server it can refuse a recipient for good ("550 no such
//! user").

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    refused: Arc<Mutex<HashSet<String>>>,
    task: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// Listens on `port` (0: any free port).
    pub async fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let refused = Arc::new(Mutex::new(HashSet::new()));
        let (store, refusing) = (messages.clone(), refused.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, store.clone(), refusing.clone()));
            }
        });
        SmtpSink {
            port,
            messages,
            refused,
            task,
        }
    }

    /// From now on, answers `RCPT TO:<address>` with a permanent 550.
    pub fn refuse(&self, address: &str) {
        self.refused.lock().unwrap().insert(address.to_owned());
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }

    /// Waits up to 20 s until at least `n` messages have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} mails, got {}", self.messages().len());
    }

    /// The last message to `to` whose subject contains `subject`, decoded;
    /// `None` if none has arrived.
    pub fn find(&self, to: &str, subject: &str) -> Option<String> {
        self.messages()
            .into_iter()
            .rev()
            .find(|m| {
                m.contains(&format!("To: {to}"))
                    && m.lines()
                        .any(|l| l.starts_with("Subject: ") && l.contains(subject))
            })
            .map(|m| decode_quoted_printable(&m))
    }
}

async fn serve(
    stream: TcpStream,
    store: Arc<Mutex<Vec<String>>>,
    refused: Arc<Mutex<HashSet<String>>>,
) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    if write
        .write_all(b"220 sink.test ESMTP ready\r\n")
        .await
        .is_err()
    {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250 8BITMIME\r\n",
            "RCPT"
                if refused.lock().unwrap().iter().any(|a| {
                    line.to_ascii_lowercase()
                        .contains(&format!("<{}>", a.to_ascii_lowercase()))
                }) =>
            {
                b"550 5.1.1 No such user here\r\n"
            }
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
            "DATA" => {
                if write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let mut data = String::new();
                while let Ok(Some(l)) = lines.next_line().await {
                    if l == "." {
                        break;
                    }
                    data.push_str(
                        l.strip_prefix('.')
                            .filter(|_| l.starts_with(".."))
                            .unwrap_or(&l),
                    );
                    data.push_str("\r\n");
                }
                store.lock().unwrap().push(data);
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 Bye\r\n").await;
                return;
            }
            _ => b"502 Command not implemented\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// Decodes the parts of `raw` that declare `Content-Transfer-Encoding:
/// quoted-printable` (soft breaks and `=XX` bytes), so tests read the mail
/// as people do. Headers and other parts stay as they are: an `=` followed
/// by two hex digits in them (a token in a link) is text, not an escape.
pub fn decode_quoted_printable(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut boundaries: Vec<String> = Vec::new();
    let mut in_headers = true;
    let mut quoted = false;
    let mut body = String::new();
    for line in raw.split_inclusive("\r\n") {
        let text = line.trim_end_matches("\r\n");
        if boundaries
            .iter()
            .any(|b| text.starts_with(&format!("--{b}")))
        {
            out.push_str(&quoted_printable_bytes(&std::mem::take(&mut body)));
            in_headers = true;
            quoted = false;
            out.push_str(line);
            continue;
        }
        if in_headers {
            let lower = text.to_ascii_lowercase();
            if let Some(start) = text.find("boundary=\"") {
                let rest = &text[start + 10..];
                boundaries.push(rest[..rest.find('"').unwrap_or(rest.len())].to_owned());
            }
            if text.is_empty() {
                in_headers = false;
            } else if lower.starts_with("content-transfer-encoding:")
                && lower.contains("quoted-printable")
            {
                quoted = true;
            }
            out.push_str(line);
        } else if quoted {
            body.push_str(line);
        } else {
            out.push_str(line);
        }
    }
    out.push_str(&quoted_printable_bytes(&body));
    out
}

/// One quoted-printable body decoded.
fn quoted_printable_bytes(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first link in `mail` that starts with `prefix`, e.g. a base URL.
pub fn link_in(mail: &str, prefix: &str) -> String {
    let start = mail
        .find(prefix)
        .unwrap_or_else(|| panic!("no link {prefix} in:\n{mail}"));
    mail[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}
