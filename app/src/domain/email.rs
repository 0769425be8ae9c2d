use serde::{Deserialize, Serialize};

/// An email address, trimmed and lower-cased: the form stored and compared.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address.".into());
        }
        if email.chars().count() > 254 {
            return Err("An email address has at most 254 characters.".into());
        }
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !email
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c))
            }
            None => false,
        };
        if !valid {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The mailbox an address delivers to, as far as Portico can tell: the
/// local part without its `+tag`, at the same domain, lower-cased (SPEC §2,
/// "a removal sticks to the person": `bob+back@bigcorp.com` is `bob`'s).
pub fn mailbox_of(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(base, _)| base);
            format!("{local}@{domain}").to_lowercase()
        }
        None => email.to_lowercase(),
    }
}

#[cfg(test)]
mod mailbox_tests {
    #[test]
    fn a_plus_tag_is_the_same_mailbox() {
        assert_eq!(super::mailbox_of("bob+back@bigcorp.com"), "bob@bigcorp.com");
        assert_eq!(super::mailbox_of("bob+1+2@bigcorp.com"), "bob@bigcorp.com");
        assert_eq!(super::mailbox_of("Bob@BigCorp.com"), "bob@bigcorp.com");
        assert_ne!(super::mailbox_of("bob@bigcorp.org"), "bob@bigcorp.com");
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A DNS name as Portico writes them in URLs and policies: two or more
/// dot-separated labels of lower-case letters, digits and inner hyphens
/// (1–63 each), the last one letters only (2–63). The API document's
/// patterns say the same.
pub fn is_dns_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && labels.iter().all(|l| label_ok(l))
        && (2..=63).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@example..com",
            "<a>@x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
