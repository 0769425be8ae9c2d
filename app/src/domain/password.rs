/// A password that meets SPEC §3: 10 to 256 characters and not one of the
/// 1,000 most common passwords. Never serialized, never printed.
#[derive(Clone)]
pub struct Password(String);

const COMMON: &str = include_str!("common_passwords.txt");

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(format!("Use at least {} characters.", Self::MIN_CHARS));
        }
        if n > Self::MAX_CHARS {
            return Err(format!("Use at most {} characters.", Self::MAX_CHARS));
        }
        let lower = raw.to_lowercase();
        if COMMON
            .lines()
            .any(|common| !common.starts_with('#') && common == lower)
        {
            return Err("This password is too common. Choose another.".into());
        }
        Ok(Password(raw.to_owned()))
    }

    /// The common passwords long enough to pass the length rule: the ones
    /// the API document lists as refused.
    pub fn common_at_least_min() -> impl Iterator<Item = &'static str> {
        COMMON
            .lines()
            .filter(|c| !c.starts_with('#') && c.chars().count() >= Self::MIN_CHARS)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::Password;

    #[test]
    fn length_limits_are_enforced() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        assert!(Password::parse("correct horse battery").is_ok());
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        assert!(Password::parse("qwertyuiop").is_err());
        assert!(Password::parse("Password123").is_err());
    }

    #[test]
    fn the_list_holds_a_thousand_passwords() {
        assert_eq!(
            super::COMMON
                .lines()
                .filter(|l| !l.starts_with('#'))
                .count(),
            1000
        );
    }

    #[test]
    fn debug_output_hides_the_password() {
        let p = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }
}
