use serde::{Deserialize, Serialize};

/// Trims `raw` and checks it is a 1–`max` character line of text.
fn parse_line(raw: &str, what: &str, max: usize) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if value.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    if value.chars().any(char::is_control) {
        return Err("Use letters, digits and punctuation only.".into());
    }
    Ok(value.to_owned())
}

macro_rules! line_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, String> {
                parse_line(raw, $what, $max).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> Self {
                v.0
            }
        }
    };
}

line_type!(
    /// A first or last name.
    PersonName, "a name", 100
);
line_type!(
    /// The name of a tenant.
    TenantName, "a tenant name", 100
);
line_type!(
    /// The name of a project.
    ProjectName, "a project name", 100
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_must_not_be_blank() {
        assert_eq!(PersonName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert_eq!(
            TenantName::parse("   ").unwrap_err(),
            "Enter a tenant name."
        );
        assert!(ProjectName::parse(&"p".repeat(101)).is_err());
        assert!(PersonName::parse("Ada\u{0}").is_err());
    }
}
