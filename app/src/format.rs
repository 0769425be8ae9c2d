//! Formatting shared by pages and mails.

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM UTC`.
pub fn format_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// How far `ms` is from `now`, as people say it: "in 7 days", "2 hours
/// ago", "just now". In the largest unit that fits, rounded to the nearest
/// (an invitation made a moment ago "expires in 7 days", not 6).
pub fn relative_ms(ms: i64, now: i64) -> String {
    const UNITS: [(u64, &str, u64); 5] = [
        (60, "minute", 60),
        (3_600, "hour", 24),
        (86_400, "day", 30),
        (2_592_000, "month", 12),
        (31_536_000, "year", u64::MAX),
    ];
    let delta = ms - now;
    let secs = delta.unsigned_abs() / 1000;
    if secs < 60 {
        return "just now".to_owned();
    }
    let mut i = UNITS
        .iter()
        .rposition(|(size, ..)| secs >= *size)
        .unwrap_or(0);
    let mut n = (secs + UNITS[i].0 / 2) / UNITS[i].0;
    // 59.6 minutes is "1 hour", not "60 minutes".
    if n >= UNITS[i].2 && i + 1 < UNITS.len() {
        i += 1;
        n = 1;
    }
    let unit = UNITS[i].1;
    let plural = if n == 1 { "" } else { "s" };
    if delta > 0 {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

/// Milliseconds since the epoch as RFC 3339 (`2026-11-22T10:00:00Z`), for
/// `<time datetime>`.
pub fn iso_ms(ms: i64) -> String {
    let utc = format_ms(ms);
    let secs = ms.div_euclid(1000).rem_euclid(60);
    format!("{}T{}:{secs:02}Z", &utc[..10], &utc[11..16])
}

/// Role strings of the catalogue as people read them: "Viewer, Member".
pub fn role_names(roles: &[String]) -> String {
    roles
        .iter()
        .map(|r| crate::domain::Role::label_of(r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `value` percent-encoded for a URL's query: every byte but the
/// unreserved ones (letters, digits, `-._~`).
pub fn query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_format_as_utc_dates() {
        assert_eq!(super::format_ms(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::format_ms(1_700_000_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(super::iso_ms(1_700_000_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn times_read_relative_to_now() {
        use super::relative_ms;
        const MIN: i64 = 60_000;
        const DAY: i64 = 1_440 * MIN;
        assert_eq!(relative_ms(7 * DAY + MIN, 0), "in 7 days");
        assert_eq!(relative_ms(7 * DAY - 5, 0), "in 7 days");
        assert_eq!(relative_ms(0, 60 * MIN - 1_000), "1 hour ago");
        assert_eq!(relative_ms(0, 90 * MIN), "2 hours ago");
        assert_eq!(relative_ms(0, 2 * 60 * MIN + 5), "2 hours ago");
        assert_eq!(relative_ms(0, MIN), "1 minute ago");
        assert_eq!(relative_ms(30_000, 0), "just now");
        assert_eq!(relative_ms(0, 400 * DAY), "1 year ago");
    }

    #[test]
    fn roles_are_named_for_people() {
        let roles = [
            "extractor-viewer".to_owned(),
            "organisation-manager".to_owned(),
        ];
        assert_eq!(super::role_names(&roles), "Viewer, Organisation manager");
    }

    #[test]
    fn query_values_keep_only_unreserved_bytes() {
        assert_eq!(super::query_value("aZ9-_.~"), "aZ9-_.~");
        assert_eq!(
            super::query_value("/join?code=a&b c"),
            "%2Fjoin%3Fcode%3Da%26b%20c"
        );
        assert_eq!(super::query_value("é"), "%C3%A9");
    }
}
