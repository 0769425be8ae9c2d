//! Shared pieces of the OpenAPI document: the role catalogue and the
//! statuses as enums, and the exact shapes of fields the Rust types keep
//! lenient (so a bad value gets the field-by-field 400, while the document
//! states the contract).

use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, Ref, RefOr};

/// A role of the catalogue (SPEC §2), the component `Role`: its values are
/// `app::domain::Role::ALL`, so the document cannot drift from the code.
pub struct Role;

impl utoipa::PartialSchema for Role {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A role of the catalogue: tenant-wide `extractor-*`, or `organisation-*` inside \
                 the member's organisation; viewer < user < manager.",
            ))
            .enum_values(Some(app::domain::Role::ALL.map(app::domain::Role::as_str)))
            .build()
            .into()
    }
}

impl ToSchema for Role {}

/// What the invitation list filters by: a status, or `expiring` (pending
/// and expiring within 48 hours). Values from `invites::LISTED_STATUSES`.
pub struct InviteFilter;

impl utoipa::PartialSchema for InviteFilter {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(app::backend::onboarding::invites::LISTED_STATUSES))
            .build()
            .into()
    }
}

impl ToSchema for InviteFilter {}

/// An event type of SPEC §8, the component `EventTypeName`: values from
/// `app::backend::delivery::events::EventType::ALL`.
pub struct EventTypeName;

impl utoipa::PartialSchema for EventTypeName {
    fn schema() -> RefOr<Schema> {
        use app::backend::delivery::events::EventType;
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(EventType::ALL.map(EventType::as_str)))
            .build()
            .into()
    }
}

impl ToSchema for EventTypeName {}

/// Exactly what `invite_links::parse_domain` accepts.
pub const EMAIL_DOMAIN_PATTERN: &str = "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$";

/// An email domain (the part after `@`), lower-case.
pub fn email_domain() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(253))
        .pattern(Some(EMAIL_DOMAIN_PATTERN))
        .examples([serde_json::json!("example.com")])
        .build()
        .into()
}

/// An email domain, or null.
pub fn email_domain_or_null() -> RefOr<Schema> {
    or_null(email_domain())
}

pub fn join_policy_or_null() -> RefOr<Schema> {
    or_null(Ref::from_schema_name("JoinPolicy").into())
}

/// Tenant-wide roles (`extractor-*`), each once, at least one.
pub fn tenant_role_list_or_null() -> RefOr<Schema> {
    use app::domain::{Role, RoleScope};
    let tenant_roles: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|r| r.scope() == RoleScope::Tenant)
        .map(Role::as_str)
        .collect();
    or_null(
        ArrayBuilder::new()
            .items(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(tenant_roles)),
            )
            .min_items(Some(1))
            .unique_items(true)
            .build()
            .into(),
    )
}

/// Event types, each once (empty: all of them).
pub fn event_type_list() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("EventTypeName"))
        .unique_items(true)
        .build()
        .into()
}

pub fn event_type_list_or_null() -> RefOr<Schema> {
    or_null(event_type_list())
}

/// Why an endpoint is disabled, or null.
pub fn disabled_reason() -> RefOr<Schema> {
    or_null(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["manual", "failing"]))
            .build()
            .into(),
    )
}

/// An endpoint's description: up to 200 characters, no control characters.
pub fn description_or_null() -> RefOr<Schema> {
    or_null(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(
                app::backend::tenant_admin::webhooks::DESCRIPTION_MAX_CHARS,
            ))
            .pattern(Some(r"^[^\u0000-\u001f\u007f-\u009f]*$"))
            .build()
            .into(),
    )
}

/// The placeholder pattern of webhook URLs in the built document; the
/// served document states the instance's rule ([`webhook_url_pattern`]).
pub const ANY_WEBHOOK_URL: &str = "^https://[!-~]+$";

/// A webhook endpoint URL (`url_policy::check_webhook_url`).
pub fn webhook_url() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::Custom("uri".into())))
        .min_length(Some(1))
        .max_length(Some(app::backend::url_policy::WEBHOOK_URL_MAX_CHARS))
        .pattern(Some(ANY_WEBHOOK_URL))
        .examples([serde_json::json!("https://hooks.example.com/portico")])
        .build()
        .into()
}

pub fn webhook_url_or_null() -> RefOr<Schema> {
    or_null(webhook_url())
}

/// `pattern` matching exactly the webhook URLs `url_policy::check_webhook_url`
/// accepts: `https://` and a lower-case domain name (letters-only last
/// label), an optional port 1–9999, or one of `http_origins` as written;
/// then a path, query and fragment of RFC 3986 characters.
pub fn webhook_url_pattern(http_origins: &[String]) -> String {
    const LABEL: &str = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    let https = format!("https://(?:{LABEL}\\.)+[a-z]{{2,63}}(?::[1-9][0-9]{{0,3}})?");
    let alternatives: Vec<String> = std::iter::once(https)
        .chain(http_origins.iter().map(|o| regex_escape(o)))
        .collect();
    format!("^(?:{}){TAIL}$", alternatives.join("|"))
}

/// A path and query, then a fragment, of RFC 3986 characters.
const TAIL: &str = "(?:[/?](?:[A-Za-z0-9._~:/?@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*)?(?:#(?:[A-Za-z0-9._~:/?@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*)?";

/// The statuses a manager may set: disable or re-enable.
pub fn settable_member_status() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["ACTIVE", "DISABLED"]))
        .build()
        .into()
}

/// DoiT's `organizationId`: a number, a numeric string, empty or null.
pub fn doit_organization_id() -> RefOr<Schema> {
    use utoipa::openapi::schema::OneOfBuilder;
    let one_of = OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(1)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^([1-9][0-9]{0,17})?$")),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build();
    RefOr::T(Schema::OneOf(one_of))
}

/// One or more roles of the catalogue, each once.
pub fn role_list() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("Role"))
        .min_items(Some(1))
        .unique_items(true)
        .build()
        .into()
}

/// A string of `min..=max` characters holding at least one that is not
/// white space, and no control character: what the name parsers accept.
pub fn line(min: usize, max: usize, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some(LINE_PATTERN))
        .examples([serde_json::json!(example)])
        .build()
        .into()
}

/// A first or last name.
pub fn person_name() -> RefOr<Schema> {
    line(1, 100, "Ada")
}

/// A tenant's name.
pub fn tenant_name() -> RefOr<Schema> {
    line(1, 100, "Acme")
}

/// An OpenID client's name.
pub fn client_name() -> RefOr<Schema> {
    line(1, 100, "Acme CRM")
}

/// A directory token's name.
pub fn scim_token_name() -> RefOr<Schema> {
    line(1, 100, "Okta")
}

/// An SSO connection's client ID at the provider.
pub fn sso_client_id() -> RefOr<Schema> {
    line(1, 255, "0oa1b2c3d4")
}

/// An SSO connection's client secret (stored sealed, never returned).
pub fn sso_client_secret() -> RefOr<Schema> {
    line(1, 1000, "the-client-secret")
}

/// The DNS-proven email domains an SSO connection signs in.
pub fn email_domain_list() -> RefOr<Schema> {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(email_domain())
        .min_items(Some(1))
        .max_items(Some(100))
        .build()
        .into()
}

/// A project's name.
pub fn project_name() -> RefOr<Schema> {
    line(1, 100, "Launch")
}

/// No control characters (C0, DEL, C1) and something besides white space.
pub const LINE_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$";

/// An email address as the parser accepts it.
pub fn email() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(254))
        .examples([serde_json::json!("bob@example.com")])
        .build()
        .into()
}

/// A language Portico speaks (SPEC §12), the component `Locale`: its
/// values are `app::i18n::Lang::CHOSEN`.
pub struct Locale;

impl utoipa::PartialSchema for Locale {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(app::i18n::Lang::CHOSEN.map(app::i18n::Lang::code)))
            .build()
            .into()
    }
}

impl ToSchema for Locale {}

/// A BCP 47 language tag as `languages::check_tag` accepts it (SPEC §12).
pub const LOCALE_PATTERN: &str = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$";

/// An invitation's language: a BCP 47 tag; `en`, `de` and `es` (with any
/// region) are spoken, another tag counts as not given.
pub fn locale() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(35))
        .pattern(Some(LOCALE_PATTERN))
        .description(Some(
            "The invitation's language (BCP 47): `en`, `de` or `es`, with any region. \
             Absent, or a language Portico does not speak: the invitee's account preference, \
             else the tenant's default language, else the instance's.",
        ))
        .examples([serde_json::json!("de")])
        .build()
        .into()
}

/// The placeholder pattern of URL fields in the document built from the
/// code; the served document replaces it with the origins this instance
/// allows (`with_allowed_origins`), so the pattern states the origin rule.
pub const ANY_HTTP_URL: &str = "^https?://[!-~]+$";

/// The example URL in the document built from the code; the served
/// document puts this instance's own acceptance page there.
pub const EXAMPLE_URL: &str = "https://portico.example/invite";

/// A URL whose origin must be Portico's own or an allowed one.
pub fn url() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::Custom("uri".into())))
        .min_length(Some(1))
        .max_length(Some(2000))
        .pattern(Some(ANY_HTTP_URL))
        .examples([serde_json::json!(EXAMPLE_URL)])
        .build()
        .into()
}

/// `pattern` matching exactly the URLs `url_policy::check_allowed_url` accepts: one of
/// `origins` as written, then nothing or a path and query, and a fragment,
/// of RFC 3986 characters.
pub fn origin_pattern(origins: &[String]) -> String {
    let alternatives: Vec<String> = origins.iter().map(|o| regex_escape(o)).collect();
    format!("^(?:{}){TAIL}$", alternatives.join("|"))
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A new password: 10 to 256 characters, not one of the common passwords
/// that long (compared without case).
pub fn new_password() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(app::domain::Password::MIN_CHARS))
        .max_length(Some(app::domain::Password::MAX_CHARS))
        .pattern(Some(not_common_pattern()))
        .examples([serde_json::json!("correct horse battery")])
        .build()
        .into()
}

/// `^(?!(?:a|b|…)$)`: none of the common passwords of at least the minimum
/// length, each letter matched in either case.
fn not_common_pattern() -> String {
    let alternatives: Vec<String> = app::domain::Password::common_at_least_min()
        .map(|p| {
            p.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else {
                        regex_escape(&c.to_string())
                    }
                })
                .collect()
        })
        .collect();
    format!("^(?!(?:{})$)", alternatives.join("|"))
}

/// Any non-empty string (a credential or token, checked by the server).
pub fn secret(max: usize) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .build()
        .into()
}

/// `schema` or `null`: an optional field the server also takes as null.
fn or_null(schema: RefOr<Schema>) -> RefOr<Schema> {
    use utoipa::openapi::schema::OneOfBuilder;
    RefOr::T(Schema::OneOf(
        OneOfBuilder::new()
            .item(schema)
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .build(),
    ))
}

pub fn person_name_or_null() -> RefOr<Schema> {
    or_null(person_name())
}

pub fn tenant_name_or_null() -> RefOr<Schema> {
    or_null(tenant_name())
}

pub fn project_name_or_null() -> RefOr<Schema> {
    or_null(project_name())
}

pub fn new_password_or_null() -> RefOr<Schema> {
    or_null(new_password())
}

pub fn url_or_null() -> RefOr<Schema> {
    or_null(url())
}

pub fn role_list_or_null() -> RefOr<Schema> {
    or_null(role_list())
}

pub fn settable_member_status_or_null() -> RefOr<Schema> {
    or_null(settable_member_status())
}
