use crate::i18n::Lang;
use crate::tl;
use serde::{Deserialize, Serialize};

/// Where a role applies: the whole tenant or the member's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleScope {
    Tenant,
    Organisation,
}

/// The fixed role catalogue of SPEC §2; the strings are part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Role {
    ExtractorViewer,
    ExtractorUser,
    ExtractorManager,
    OrganisationViewer,
    OrganisationUser,
    OrganisationManager,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::ExtractorViewer,
        Role::ExtractorUser,
        Role::ExtractorManager,
        Role::OrganisationViewer,
        Role::OrganisationUser,
        Role::OrganisationManager,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::ExtractorViewer => "extractor-viewer",
            Role::ExtractorUser => "extractor-user",
            Role::ExtractorManager => "extractor-manager",
            Role::OrganisationViewer => "organisation-viewer",
            Role::OrganisationUser => "organisation-user",
            Role::OrganisationManager => "organisation-manager",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| format!("Unknown role {raw:?}."))
    }

    pub fn scope(self) -> RoleScope {
        match self {
            Role::ExtractorViewer | Role::ExtractorUser | Role::ExtractorManager => {
                RoleScope::Tenant
            }
            _ => RoleScope::Organisation,
        }
    }

    /// The name people read (pages and mail); the API keeps `as_str`.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Role::ExtractorViewer => tl!(lang, "role-viewer"),
            Role::ExtractorUser => tl!(lang, "role-member"),
            Role::ExtractorManager => tl!(lang, "role-manager"),
            Role::OrganisationViewer => tl!(lang, "role-organisation-viewer"),
            Role::OrganisationUser => tl!(lang, "role-organisation-member"),
            Role::OrganisationManager => tl!(lang, "role-organisation-manager"),
        }
    }

    /// What the role lets a person do, in one line.
    pub fn description(self, lang: Lang) -> String {
        match self {
            Role::ExtractorViewer => tl!(lang, "role-viewer-can"),
            Role::ExtractorUser => tl!(lang, "role-member-can"),
            Role::ExtractorManager => tl!(lang, "role-manager-can"),
            Role::OrganisationViewer => tl!(lang, "role-organisation-viewer-can"),
            Role::OrganisationUser => tl!(lang, "role-organisation-member-can"),
            Role::OrganisationManager => tl!(lang, "role-organisation-manager-can"),
        }
    }

    /// "Member — can see the tenant and work in projects"; an organisation
    /// role names its organisation when known ("Organisation member in Acme — …").
    pub fn describe(self, lang: Lang, organisation: Option<&str>) -> String {
        let label = match (self.scope(), organisation) {
            (RoleScope::Organisation, Some(org)) => {
                tl!(
                    lang,
                    "role-in-organisation",
                    role = self.label(lang),
                    organisation = org
                )
            }
            _ => self.label(lang),
        };
        format!("{label} — {}", self.description(lang))
    }

    /// The label of a catalogue string; anything else is shown as it is.
    pub fn label_of(lang: Lang, raw: &str) -> String {
        Role::parse(raw).map_or_else(|_| raw.to_owned(), |r| r.label(lang))
    }

    /// viewer 1 < user 2 < manager 3, within a scope.
    pub fn level(self) -> u8 {
        match self {
            Role::ExtractorViewer | Role::OrganisationViewer => 1,
            Role::ExtractorUser | Role::OrganisationUser => 2,
            Role::ExtractorManager | Role::OrganisationManager => 3,
        }
    }
}

impl Role {
    /// The roles a page's form chose: one level per scope, a scope left at
    /// "none" sending an empty value, which is skipped.
    pub fn parse_choices<S: AsRef<str>>(raw: &[S]) -> Result<Vec<Role>, String> {
        let chosen: Vec<&str> = raw
            .iter()
            .map(|r| r.as_ref())
            .filter(|r| !r.trim().is_empty())
            .collect();
        Role::parse_list(&chosen)
    }

    /// Parses a list of role names: one or more, each from the catalogue,
    /// no duplicates.
    pub fn parse_list<S: AsRef<str>>(raw: &[S]) -> Result<Vec<Role>, String> {
        if raw.is_empty() {
            return Err("Choose at least one role.".into());
        }
        let mut roles = Vec::with_capacity(raw.len());
        for r in raw {
            let role = Role::parse(r.as_ref())?;
            if roles.contains(&role) {
                return Err(format!("The role {role} is listed twice."));
            }
            roles.push(role);
        }
        Ok(roles)
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Role::parse(&value)
    }
}

impl From<Role> for String {
    fn from(r: Role) -> Self {
        r.as_str().to_owned()
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn roles_read_as_names_with_what_they_allow() {
        assert_eq!(
            Role::ExtractorUser.describe(Lang::En, None),
            "Member — can see the tenant and work in projects"
        );
        assert_eq!(
            Role::OrganisationManager.describe(Lang::En, Some("Acme")),
            "Organisation manager in Acme — can invite people to the organisation and manage them"
        );
        assert_eq!(Role::label_of(Lang::En, "extractor-viewer"), "Viewer");
        assert_eq!(Role::label_of(Lang::Es, "extractor-viewer"), "Observador");
        assert_eq!(Role::label_of(Lang::En, "something-else"), "something-else");
    }

    #[test]
    fn every_role_round_trips_through_its_string() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert!(Role::parse("admin").is_err());
    }

    #[test]
    fn role_lists_are_non_empty_known_and_unique() {
        assert_eq!(
            Role::parse_list(&["extractor-user"]),
            Ok(vec![Role::ExtractorUser])
        );
        assert!(Role::parse_list::<&str>(&[]).is_err());
        assert!(Role::parse_list(&["extractor-user", "extractor-user"]).is_err());
        assert!(Role::parse_list(&["owner"]).is_err());
    }

    #[test]
    fn levels_order_viewer_user_manager() {
        assert!(Role::ExtractorViewer.level() < Role::ExtractorUser.level());
        assert!(Role::OrganisationUser.level() < Role::OrganisationManager.level());
        assert_eq!(Role::OrganisationManager.scope(), RoleScope::Organisation);
    }
}
