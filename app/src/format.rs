//! Formatting shared by pages and mails.

use crate::i18n::Lang;
use crate::tl;

/// Milliseconds since the epoch as UTC (year, month, day, hour, minute,
/// second).
fn civil(ms: i64) -> (i64, i64, i64, i64, i64, i64) {
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
    (year, month, day, rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// Milliseconds since the epoch as the language writes a date and time, in
/// UTC: `2026-12-04 10:00 UTC`, `04.12.2026, 10:00 UTC`, `04/12/2026 10:00 UTC`.
pub fn format_ms(lang: Lang, ms: i64) -> String {
    let (year, month, day, hour, minute, _) = civil(ms);
    match lang {
        Lang::De => format!("{day:02}.{month:02}.{year:04}, {hour:02}:{minute:02} UTC"),
        Lang::Es => format!("{day:02}/{month:02}/{year:04} {hour:02}:{minute:02} UTC"),
        _ => format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC"),
    }
}

/// The date alone, as the language writes it: `2026-12-04`, `04.12.2026`,
/// `04/12/2026` (UTC).
pub fn format_date(lang: Lang, ms: i64) -> String {
    let (year, month, day, ..) = civil(ms);
    match lang {
        Lang::De => format!("{day:02}.{month:02}.{year:04}"),
        Lang::Es => format!("{day:02}/{month:02}/{year:04}"),
        _ => format!("{year:04}-{month:02}-{day:02}"),
    }
}

/// How far `ms` is from `now`, as people say it: "in 7 days", "2 hours
/// ago", "just now". In the largest unit that fits, rounded to the nearest
/// (an invitation made a moment ago "expires in 7 days", not 6).
pub fn relative_ms(lang: Lang, ms: i64, now: i64) -> String {
    // Size in seconds, and how many make the next unit.
    const UNITS: [(u64, u64); 5] = [
        (60, 60),
        (3_600, 24),
        (86_400, 30),
        (2_592_000, 12),
        (31_536_000, u64::MAX),
    ];
    let delta = ms - now;
    let secs = delta.unsigned_abs() / 1000;
    if secs < 60 {
        return tl!(lang, "time-just-now");
    }
    let mut i = UNITS
        .iter()
        .rposition(|(size, _)| secs >= *size)
        .unwrap_or(0);
    let mut n = (secs + UNITS[i].0 / 2) / UNITS[i].0;
    // 59.6 minutes is "1 hour", not "60 minutes".
    if n >= UNITS[i].1 && i + 1 < UNITS.len() {
        i += 1;
        n = 1;
    }
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    match (delta > 0, i) {
        (true, 0) => tl!(lang, "time-in-minutes", n = n),
        (true, 1) => tl!(lang, "time-in-hours", n = n),
        (true, 2) => tl!(lang, "time-in-days", n = n),
        (true, 3) => tl!(lang, "time-in-months", n = n),
        (true, _) => tl!(lang, "time-in-years", n = n),
        (false, 0) => tl!(lang, "time-minutes-ago", n = n),
        (false, 1) => tl!(lang, "time-hours-ago", n = n),
        (false, 2) => tl!(lang, "time-days-ago", n = n),
        (false, 3) => tl!(lang, "time-months-ago", n = n),
        (false, _) => tl!(lang, "time-years-ago", n = n),
    }
}

/// Milliseconds since the epoch as RFC 3339 (`2026-11-22T10:00:00Z`), for
/// `<time datetime>`.
pub fn iso_ms(ms: i64) -> String {
    let (year, month, day, hour, minute, second) = civil(ms);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// Role strings of the catalogue as people read them: "Viewer, Member".
pub fn role_names(lang: Lang, roles: &[String]) -> String {
    roles
        .iter()
        .map(|r| crate::domain::Role::label_of(lang, r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A member status as people read it ("Active"; the API says `ACTIVE`).
pub fn member_status(lang: Lang, status: crate::domain::MemberStatus) -> String {
    use crate::domain::MemberStatus;
    match status {
        MemberStatus::Active => tl!(lang, "status-active"),
        MemberStatus::Disabled => tl!(lang, "status-disabled"),
        MemberStatus::Deleted => tl!(lang, "status-deleted"),
    }
}

/// An invitation status as people read it ("Pending"; the API says
/// `pending`).
pub fn invite_status(lang: Lang, status: crate::domain::InviteStatus) -> String {
    use crate::domain::InviteStatus;
    match status {
        InviteStatus::Pending => tl!(lang, "invite-status-pending"),
        InviteStatus::Accepted => tl!(lang, "invite-status-accepted"),
        InviteStatus::Declined => tl!(lang, "invite-status-declined"),
        InviteStatus::Revoked => tl!(lang, "invite-status-revoked"),
        InviteStatus::Expired => tl!(lang, "invite-status-expired"),
    }
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn timestamps_format_as_utc_dates() {
        use crate::i18n::Lang;
        assert_eq!(super::format_ms(Lang::En, 0), "1970-01-01 00:00 UTC");
        assert_eq!(
            super::format_ms(Lang::En, 1_700_000_000_000),
            "2023-11-14 22:13 UTC"
        );
        assert_eq!(
            super::format_ms(Lang::De, 1_700_000_000_000),
            "14.11.2023, 22:13 UTC"
        );
        assert_eq!(
            super::format_ms(Lang::Es, 1_700_000_000_000),
            "14/11/2023 22:13 UTC"
        );
        assert_eq!(super::iso_ms(1_700_000_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn times_read_relative_to_now() {
        use crate::i18n::Lang;
        let relative_ms = |ms, now| super::relative_ms(Lang::En, ms, now);
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
        assert_eq!(super::relative_ms(Lang::De, 7 * DAY, 0), "in 7 Tagen");
        assert_eq!(super::relative_ms(Lang::De, 0, 60 * MIN), "vor 1 Stunde");
        assert_eq!(super::relative_ms(Lang::Es, 0, 2 * DAY), "hace 2 días");
    }

    #[test]
    fn roles_are_named_for_people() {
        let roles = [
            "extractor-viewer".to_owned(),
            "organisation-manager".to_owned(),
        ];
        assert_eq!(
            super::role_names(crate::i18n::Lang::En, &roles),
            "Viewer, Organisation manager"
        );
        assert_eq!(
            super::role_names(crate::i18n::Lang::De, &roles),
            "Betrachter, Organisationsmanager"
        );
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
