//! Languages (SPEC §12): an invitation's language decided once and used
//! by its mail, reminder, resend and page; the account's preference and
//! `Accept-Language` for other pages; `<html lang>` and `Content-Language`;
//! and a pseudo-locale that finds any English left in a translated page or
//! mail.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Person, TestApp, new_client, spawn_app, spawn_app_with};
use crate::smtp_sink::{decode_quoted_printable, link_in};

/// The newest mail to `to`, raw (headers as sent) and decoded: quoted-
/// printable undone, and base64 parts (lettre's choice for text that is
/// mostly not ASCII) decoded in place.
async fn newest_mail_to(app: &TestApp, to: &str) -> (String, String) {
    use base64::Engine;
    app.deliver_mail().await;
    let raw = app
        .smtp
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.contains(&format!("To: {to}")))
        .unwrap_or_else(|| panic!("no mail to {to}"));
    let mut decoded = String::new();
    for (i, part) in raw.split("Content-Transfer-Encoding: base64").enumerate() {
        if i == 0 {
            decoded.push_str(part);
            continue;
        }
        let body_start = part.find("\r\n\r\n").map_or(0, |p| p + 4);
        let body_end = part[body_start..]
            .find("\r\n--")
            .map_or(part.len(), |e| body_start + e);
        let b64: String = part[body_start..body_end].split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap_or_default();
        decoded.push_str(&part[..body_start]);
        decoded.push_str(&String::from_utf8_lossy(&bytes));
        decoded.push_str(&part[body_end..]);
    }
    (raw, decode_quoted_printable(&decoded))
}

/// The mail's `Content-Language` header.
fn content_language(raw: &str) -> Option<String> {
    raw.lines()
        .find_map(|l| l.strip_prefix("Content-Language: "))
        .map(|v| v.trim().to_owned())
}

async fn invite(
    app: &TestApp,
    by: &Person,
    tenant: i64,
    email: &str,
    locale: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut body = json!({
        "email": email,
        "roles": ["extractor-user"],
        "url": format!("{}/invite", app.state.config.base_url),
        "tenantId": tenant,
    });
    if let Some(l) = locale {
        body["locale"] = json!(l);
    }
    by.api(app, Method::POST, "/api/v1/registration/invite", Some(body))
        .await
}

async fn stored_locale(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query_scalar("SELECT locale FROM invites WHERE email = $1")
        .bind(email)
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap()
}

/// The page's `<html lang>` and its `Content-Language`.
async fn page_language(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    accept: Option<&str>,
) -> (String, String, String) {
    let mut req = client.get(app.url(path));
    if let Some(a) = accept {
        req = req.header("accept-language", a);
    }
    let res = req.send().await.unwrap();
    let header = res.headers()["content-language"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = res.text().await.unwrap();
    let lang = html
        .split("<html lang=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_owned();
    (lang, header, html)
}

#[tokio::test]
async fn an_invitations_language_is_decided_once_and_its_mail_reminder_resend_and_page_use_it() {
    let app = spawn_app_with(&[("PORTICO_INVITE_REMINDER_HOURS", "24")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;

    // Asked for: German, with a region.
    let (status, body) = invite(&app, &ada, tenant, "bob@example.com", Some("de-AT")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        stored_locale(&app, "bob@example.com").await.as_deref(),
        Some("de")
    );
    let (raw, mail) = newest_mail_to(&app, "bob@example.com").await;
    assert_eq!(content_language(&raw).as_deref(), Some("de"), "{raw}");
    assert!(
        mail.contains("hat Sie eingeladen, Acme auf Portico beizutreten"),
        "{mail}"
    );
    assert!(
        mail.contains("Einladung annehmen") && mail.contains("Mitglied"),
        "{mail}"
    );
    assert!(mail.contains("<html lang=\"de\">"), "{mail}");
    assert!(!mail.contains("invited you"), "{mail}");

    // Its page is German; `?lang=en` switches it to English.
    let token = link_in(&mail, "/invite?token=")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_owned();
    let visitor = new_client();
    let (lang, header, html) = page_language(
        &visitor,
        &app,
        &format!("/invite?token={token}"),
        Some("en-US"),
    )
    .await;
    assert_eq!((lang.as_str(), header.as_str()), ("de", "de"));
    assert!(
        html.contains("Acme beitreten") && html.contains("Einladung annehmen"),
        "{html}"
    );
    assert!(
        html.contains("lang=en\""),
        "the switch to English is offered: {html}"
    );
    let (lang, header, html) = page_language(
        &visitor,
        &app,
        &format!("/invite?token={token}&lang=en"),
        None,
    )
    .await;
    assert_eq!((lang.as_str(), header.as_str()), ("en", "en"));
    assert!(
        html.contains("Join Acme") && html.contains("Accept invitation"),
        "{html}"
    );

    // Resending keeps the language.
    let id = body["id"].as_i64().unwrap();
    let (status, _) = ada
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{id}/resend"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (raw, mail) = newest_mail_to(&app, "bob@example.com").await;
    assert_eq!(content_language(&raw).as_deref(), Some("de"));
    assert!(mail.contains("Einladung annehmen"), "{mail}");

    // So does the reminder.
    sqlx::query("UPDATE invites SET expired_at = $1 WHERE email = 'bob@example.com'")
        .bind(app::backend::db::now_ms() + 20 * 3_600_000)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        app::backend::onboarding::invites::send_reminders(&app.state)
            .await
            .unwrap(),
        1
    );
    let (raw, mail) = newest_mail_to(&app, "bob@example.com").await;
    assert_eq!(content_language(&raw).as_deref(), Some("de"));
    assert!(mail.contains("Diese Einladung läuft bald ab"), "{mail}");
    assert!(mail.contains("läuft in 20 Stunden ab"), "{mail}");

    // Inviting again without a locale keeps the one decided.
    assert_eq!(
        invite(&app, &ada, tenant, "bob@example.com", None).await.0,
        200
    );
    assert_eq!(
        stored_locale(&app, "bob@example.com").await.as_deref(),
        Some("de")
    );
}

/// A manager who registered on an English page (the instance's language
/// being another): their account prefers English.
async fn manager_reading_english(app: &TestApp) -> (Person, i64) {
    let client = new_client();
    let res = client
        .post(app.url("/rpc/register"))
        .header("accept-language", "en")
        .form(&[
            ("email", "ada@example.com"),
            ("password", crate::helpers::PASSWORD),
            ("first_name", "Ada"),
            ("last_name", "Manager"),
            ("tenant_name", "Acme"),
            ("project_name", "Launch"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let tenant = res.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/t/")
        .parse()
        .unwrap();
    let (raw, _) = newest_mail_to(app, "ada@example.com").await;
    assert_eq!(
        content_language(&raw).as_deref(),
        Some("en"),
        "the page's language is kept"
    );
    app.verify_email_with(&client, "ada@example.com").await;
    let jwt = app.jwt("ada@example.com").await;
    (Person { client, jwt }, tenant)
}

#[tokio::test]
async fn without_a_locale_the_account_then_the_tenant_then_the_instance_decides() {
    let app = spawn_app_with(&[("PORTICO_DEFAULT_LOCALE", "es")]).await;
    let (ada, tenant) = manager_reading_english(&app).await;

    // An account that chose German gets German.
    let carol = app.verified_account("carol@example.com").await;
    sqlx::query("UPDATE accounts SET locale = 'de' WHERE id = $1")
        .bind(carol.id)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        invite(&app, &ada, tenant, "carol@example.com", None)
            .await
            .0,
        200
    );
    assert_eq!(
        stored_locale(&app, "carol@example.com").await.as_deref(),
        Some("de")
    );

    // Nobody known, no tenant default: the instance's (Spanish here).
    assert_eq!(
        invite(&app, &ada, tenant, "dan@example.com", None).await.0,
        200
    );
    assert_eq!(
        stored_locale(&app, "dan@example.com").await.as_deref(),
        Some("es")
    );
    let (raw, mail) = newest_mail_to(&app, "dan@example.com").await;
    assert_eq!(content_language(&raw).as_deref(), Some("es"));
    assert!(mail.contains("Aceptar la invitación"), "{mail}");

    // The tenant's default beats the instance's; a manager sets it.
    let (status, body) = ada
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/tenants/{tenant}"),
            Some(json!({"defaultLocale": "de"})),
        )
        .await;
    assert_eq!(
        (status, body["defaultLocale"].as_str()),
        (200, Some("de")),
        "{body}"
    );
    assert_eq!(
        invite(&app, &ada, tenant, "erin@example.com", None).await.0,
        200
    );
    assert_eq!(
        stored_locale(&app, "erin@example.com").await.as_deref(),
        Some("de")
    );
    // A language Portico does not speak counts as not given.
    assert_eq!(
        invite(&app, &ada, tenant, "fay@example.com", Some("fr-CA"))
            .await
            .0,
        200
    );
    assert_eq!(
        stored_locale(&app, "fay@example.com").await.as_deref(),
        Some("de")
    );
    // What is not a language tag is refused, naming the field.
    let (status, body) = invite(&app, &ada, tenant, "gus@example.com", Some("not a tag")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("locale"), "{body}");
    // Only managers set the default, and only to a language Portico speaks.
    let (status, _) = ada
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/tenants/{tenant}"),
            Some(json!({"defaultLocale": "fr"})),
        )
        .await;
    assert_eq!(status, 400);
    let (_, body) = ada.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(body["defaultLocale"], "de");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'tenant.language_changed'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_compatibility_endpoints_take_a_locale_too() {
    let app = spawn_app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let (status, body) = ada
        .api(
            &app,
            Method::POST,
            &format!("/auth/invite?workspaceId={tenant}"),
            Some(json!({"email": "bob@example.com", "locale": "es"})),
        )
        .await;
    assert!(status == 200 || status == 201, "{status} {body}");
    assert_eq!(
        stored_locale(&app, "bob@example.com").await.as_deref(),
        Some("es")
    );
    let (status, body) = ada
        .api(
            &app,
            Method::POST,
            "/api/v1/users/invite",
            Some(json!({"email": "carol@example.com", "locale": "de"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        stored_locale(&app, "carol@example.com").await.as_deref(),
        Some("de")
    );
}

#[tokio::test]
async fn pages_follow_the_accounts_preference_else_the_browser() {
    let app = spawn_app().await;
    let visitor = new_client();
    // Signed out: the browser's Accept-Language (with its weights).
    let (lang, header, html) =
        page_language(&visitor, &app, "/login", Some("fr, es;q=0.9, en;q=0.5")).await;
    assert_eq!((lang.as_str(), header.as_str()), ("es", "es"));
    assert!(html.contains("Iniciar sesión"), "{html}");
    let (lang, _, html) = page_language(&visitor, &app, "/login", Some("fr")).await;
    assert_eq!(lang, "en");
    assert!(html.contains("Forgot your password?"), "{html}");

    // A person who chose Spanish on /account reads Spanish whatever the
    // browser says, mails included.
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let res = ada
        .client
        .post(app.url("/rpc/set_language"))
        .form(&[("locale", "es")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for (path, words) in [
        ("/account".to_owned(), "Su cuenta"),
        (format!("/t/{tenant}"), "Sus roles"),
        (format!("/t/{tenant}/members"), "Buscar miembros"),
    ] {
        let (lang, header, html) = page_language(&ada.client, &app, &path, Some("de")).await;
        assert_eq!((lang.as_str(), header.as_str()), ("es", "es"), "{path}");
        assert!(html.contains(words), "{path}: {html}");
    }
    let (_, _, html) = page_language(&ada.client, &app, "/account", None).await;
    assert!(
        html.contains("Su cuenta") && html.contains("<option value=\"es\" selected"),
        "{html}"
    );
    let res = ada
        .client
        .post(app.url("/rpc/request_password_reset"))
        .form(&[("email", "ada@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (raw, mail) = newest_mail_to(&app, "ada@example.com").await;
    assert_eq!(content_language(&raw).as_deref(), Some("es"));
    assert!(mail.contains("Elegir una contraseña nueva"), "{mail}");
    // Back to the browser's.
    let res = ada
        .client
        .post(app.url("/rpc/set_language"))
        .form(&[("locale", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (lang, _, _) = page_language(&ada.client, &app, "/account", Some("de-DE")).await;
    assert_eq!(lang, "de");
    // Plurals: "1 seat used" in each language.
    let (_, _, html) =
        page_language(&ada.client, &app, &format!("/t/{tenant}?lang=en"), None).await;
    assert!(html.contains("1 seat used, 0 reserved, no limit"), "{html}");
    let (_, _, html) =
        page_language(&ada.client, &app, &format!("/t/{tenant}?lang=de"), None).await;
    assert!(
        html.contains("1 Platz belegt, 0 reserviert, ohne Grenze"),
        "{html}"
    );
}

// ---- The pseudo-locale: no English left in a translated page or mail ----

/// The text a person reads in `html`: element content and the attributes
/// people see or hear (`aria-label`, `title`, `placeholder`, `alt`,
/// `value` of buttons is not used), without scripts, styles and `<code>`
/// (identifiers, not words).
fn visible_text(html: &str) -> String {
    let mut out = html.to_owned();
    for skipped in ["script", "style", "code"] {
        let (open, close) = (format!("<{skipped}"), format!("</{skipped}>"));
        while let Some(start) = out.find(&open) {
            let end = out[start..]
                .find(&close)
                .map_or(out.len(), |e| start + e + close.len());
            out.replace_range(start..end, " ");
        }
    }
    let mut text = String::new();
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' {
            let mut tag = String::new();
            for c in chars.by_ref() {
                if c == '>' {
                    break;
                }
                tag.push(c);
            }
            for attr in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
                if let Some(v) = tag.split(attr).nth(1).and_then(|v| v.split('"').next()) {
                    text.push(' ');
                    text.push_str(v);
                }
            }
            text.push(' ');
        } else {
            text.push(c);
        }
    }
    text.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// Plain-ASCII words of three letters or more in `text` that are not
/// `data`: English the pseudo-locale did not accent.
fn english_left(text: &str, data: &[&str]) -> Vec<String> {
    let allowed = |w: &str| {
        data.iter().any(|d| {
            d.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|p| p == w)
        }) || [
            "Portico",
            "English",
            "Deutsch",
            "Español",
            "Standard",
            "Webhooks",
            "Bearer",
            "Authorization",
            "token",
            "UTC",
            "SCIM",
            "TXT",
            "URL",
            "DNS",
            "API",
            "REST",
            "OpenID",
            "Connect",
            "Okta",
            "Entra",
            "Google",
            "Workspace",
            "https",
            "http",
            "example",
            "com",
            "Pseudo",
        ]
        .contains(&w)
    };
    // Addresses are data (a link's path and token are not words).
    let text: String = text
        .split_whitespace()
        .filter(|w| !w.contains("://"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut left: Vec<String> = text
        .split_whitespace()
        // Dotted identifiers (`member.joined`) are codes, as in the API.
        .filter(|w| !w.trim_matches(|c: char| !c.is_alphanumeric()).contains('.'))
        .flat_map(|w| w.split(|c: char| !c.is_alphabetic()))
        .filter(|w| w.is_ascii() && w.len() >= 3 && !allowed(w))
        .map(str::to_owned)
        .collect();
    left.sort();
    left.dedup();
    left
}

/// The HTML part of `mail` has no English words.
fn assert_no_english_in_mail(mail: &str, data: &[&str]) {
    let body = mail
        .split("<body")
        .nth(1)
        .and_then(|b| b.split("</html>").next())
        .map(|b| format!("<body{b}"))
        .expect("an HTML part");
    let left = english_left(&visible_text(&body), data);
    assert!(left.is_empty(), "English left in a mail: {left:?}\n{body}");
}

#[tokio::test]
async fn the_pseudo_locale_finds_no_english_on_any_page_or_mail() {
    let app = spawn_app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let member = app
        .member(&ada, "member@example.com", &["extractor-user"], None)
        .await;
    drop(member);
    let org = app.organisation(tenant, "Labs").await;
    // Something on every list: an invitation (in the pseudo-locale, so its
    // mail and page are checked too), a link, a webhook, a domain.
    let (status, _) = invite(&app, &ada, tenant, "bob@example.com", Some("en-XA")).await;
    assert_eq!(status, 200);
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-viewer"], "maxUses": 5}),
        )
        .await;
    let data: &[&str] = &[
        "Ada",
        "Manager",
        "Acme",
        "Labs",
        "Launch",
        "Bob",
        "Invitee",
        "member@example.com",
        "ada@example.com",
        "bob@example.com",
        "Pat",
        "Joiner",
        &code,
        // The audit log's targets are recorded as they were ("link 1").
        "link",
    ];
    let _ = org;

    let (raw, mail) = newest_mail_to(&app, "bob@example.com").await;
    assert_eq!(content_language(&raw).as_deref(), Some("en-XA"));
    assert_no_english_in_mail(&mail, data);
    let token = link_in(&mail, "/invite?token=")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_owned();

    // The reminder, and the mails to a person whose language is the
    // pseudo-locale: password reset, ownership nomination.
    sqlx::query("UPDATE invites SET expired_at = $1 WHERE email = 'bob@example.com'")
        .bind(app::backend::db::now_ms() + 20 * 3_600_000)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    app::backend::onboarding::invites::send_reminders(&app.state)
        .await
        .unwrap();
    let (_, mail) = newest_mail_to(&app, "bob@example.com").await;
    assert_no_english_in_mail(&mail, data);
    sqlx::query("UPDATE accounts SET locale = 'en-XA' WHERE email = 'member@example.com'")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let res = new_client()
        .post(app.url("/rpc/request_password_reset"))
        .form(&[("email", "member@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (_, mail) = newest_mail_to(&app, "member@example.com").await;
    assert_no_english_in_mail(&mail, data);
    let member_id = app.member_id(tenant, "member@example.com").await;
    let (status, _) = ada
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/tenants/{tenant}/ownership-transfer"),
            Some(json!({"memberId": member_id})),
        )
        .await;
    assert_eq!(status, 201);
    let (_, mail) = newest_mail_to(&app, "member@example.com").await;
    assert!(mail.contains("/ownership?token"), "{mail}");
    assert_no_english_in_mail(&mail, data);

    let mut pages = vec![
        "/".to_owned(),
        "/account".to_owned(),
        format!("/join?code={code}"),
    ];
    for sub in [
        "",
        "/members",
        "/invites",
        "/links",
        "/requests",
        "/organisations",
        "/projects",
        "/audit",
        "/webhooks",
        "/domains",
        "/sso",
        "/directory",
    ] {
        pages.push(format!("/t/{tenant}{sub}"));
    }
    pages.push(format!(
        "/t/{tenant}/members?manage={member_id}&confirm=status"
    ));
    pages.push(format!("/t/{tenant}/members?transfer=1"));
    let mut failures = Vec::new();
    for path in &pages {
        let sep = if path.contains('?') { '&' } else { '?' };
        let html = app
            .page_of(&ada.client, &format!("{path}{sep}lang=en-XA"))
            .await;
        assert!(html.contains("<html lang=\"en-XA\">"), "{path}");
        let main = format!("<main{}", html.split("<main").nth(1).unwrap_or(&html));
        let text = visible_text(&main);
        let left = english_left(&text, data);
        if let Some(word) = left.first() {
            let at = text.find(word.as_str()).unwrap_or(0);
            let context: String = text[text.floor_char_boundary(at.saturating_sub(80))..]
                .chars()
                .take(160)
                .collect();
            failures.push(format!("{path}: {left:?} … {context}"));
        }
    }
    // Signed out: the sign-in, registration and invitation pages.
    let visitor = new_client();
    for path in [
        "/login".to_owned(),
        "/register".to_owned(),
        "/forgot-password".to_owned(),
        format!("/invite?token={token}"),
        format!("/join?code={code}"),
        "/nowhere".to_owned(),
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let html = app
            .page_of(&visitor, &format!("{path}{sep}lang=en-XA"))
            .await;
        let left = english_left(
            &visible_text(html.split("<body").nth(1).unwrap_or(&html)),
            data,
        );
        if !left.is_empty() {
            failures.push(format!("{path}: {left:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "English left in translated pages:\n{}",
        failures.join("\n")
    );
}
