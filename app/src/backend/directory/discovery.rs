//! What a directory reads to learn what Portico serves (RFC 7644 §4):
//! `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas`. The User and
//! Group schemas list only the attributes Portico keeps.

use serde_json::{Value, json};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// Whether `uri` is the User or Group core schema (a path prefixed with
/// it names a core attribute).
pub fn is_core_schema(uri: &str) -> bool {
    uri.eq_ignore_ascii_case(USER_SCHEMA) || uri.eq_ignore_ascii_case(GROUP_SCHEMA)
}

/// One attribute definition (RFC 7643 §7).
struct Attr {
    name: &'static str,
    kind: &'static str,
    multi: bool,
    required: bool,
    mutability: &'static str,
    uniqueness: &'static str,
    subs: Vec<Value>,
}

fn attr(name: &'static str, kind: &'static str) -> Attr {
    Attr {
        name,
        kind,
        multi: false,
        required: false,
        mutability: "readWrite",
        uniqueness: "none",
        subs: Vec::new(),
    }
}

impl Attr {
    fn multi(self) -> Self {
        Attr {
            multi: true,
            ..self
        }
    }
    fn required(self) -> Self {
        Attr {
            required: true,
            ..self
        }
    }
    fn mutability(self, mutability: &'static str) -> Self {
        Attr { mutability, ..self }
    }
    fn unique(self) -> Self {
        Attr {
            uniqueness: "server",
            ..self
        }
    }
    fn subs(self, subs: Vec<Attr>) -> Self {
        Attr {
            subs: subs.into_iter().map(Attr::json).collect(),
            ..self
        }
    }
    fn json(self) -> Value {
        let mut v = json!({
            "name": self.name,
            "type": self.kind,
            "multiValued": self.multi,
            "description": "",
            "required": self.required,
            "caseExact": false,
            "mutability": self.mutability,
            "returned": "default",
            "uniqueness": self.uniqueness,
        });
        if self.kind == "complex" {
            v["subAttributes"] = Value::Array(self.subs);
        }
        if self.kind == "reference" {
            v["referenceTypes"] = json!(["User"]);
        }
        v
    }
}

fn user_attributes() -> Vec<Value> {
    vec![
        attr("userName", "string").required().unique().json(),
        attr("name", "complex")
            .subs(vec![
                attr("formatted", "string"),
                attr("familyName", "string"),
                attr("givenName", "string"),
            ])
            .json(),
        attr("displayName", "string").json(),
        // Portico needs an address: userName when it is one, else the
        // primary (or first) of these.
        attr("emails", "complex")
            .multi()
            .required()
            .subs(vec![
                attr("value", "string").required(),
                attr("type", "string"),
                attr("primary", "boolean"),
            ])
            .json(),
        attr("active", "boolean").json(),
    ]
}

fn group_attributes() -> Vec<Value> {
    vec![
        attr("displayName", "string").required().json(),
        attr("members", "complex")
            .multi()
            .subs(vec![
                attr("value", "string").mutability("immutable"),
                attr("$ref", "reference").mutability("immutable"),
            ])
            .json(),
    ]
}

fn schema_json(
    base: &str,
    id: &str,
    name: &str,
    description: &str,
    attributes: Vec<Value>,
) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attributes,
        "meta": { "resourceType": "Schema", "location": format!("{base}/Schemas/{id}") },
    })
}

/// Every schema, in the order `/Schemas` lists them.
pub fn schemas(base: &str) -> Vec<Value> {
    vec![
        schema_json(
            base,
            USER_SCHEMA,
            "User",
            "A member of the tenant",
            user_attributes(),
        ),
        schema_json(
            base,
            GROUP_SCHEMA,
            "Group",
            "A group of the directory; a manager maps it to roles",
            group_attributes(),
        ),
        schema_json(
            base,
            SPC_SCHEMA,
            "ServiceProviderConfig",
            "What this service provider supports",
            Vec::new(),
        ),
        schema_json(
            base,
            RESOURCE_TYPE_SCHEMA,
            "ResourceType",
            "The types of resource served",
            Vec::new(),
        ),
        schema_json(
            base,
            SCHEMA_SCHEMA,
            "Schema",
            "The attributes of a resource type",
            Vec::new(),
        ),
    ]
}

/// The two resource types.
pub fn resource_types(base: &str) -> Vec<Value> {
    [("User", "/Users", USER_SCHEMA), ("Group", "/Groups", GROUP_SCHEMA)]
        .into_iter()
        .map(|(name, endpoint, schema)| {
            json!({
                "schemas": [RESOURCE_TYPE_SCHEMA],
                "id": name,
                "name": name,
                "endpoint": endpoint,
                "description": name,
                "schema": schema,
                "meta": { "resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{name}") },
            })
        })
        .collect()
}

pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": [SPC_SCHEMA],
        "patch": { "supported": true },
        "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
        "filter": { "supported": true, "maxResults": super::MAX_PAGE },
        "changePassword": { "supported": false },
        "sort": { "supported": false },
        "etag": { "supported": true },
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Directory token",
            "description": "A directory token of the tenant, made on /t/{tenantId}/directory, as a Bearer token",
            "primary": true,
        }],
        "meta": { "resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig") },
    })
}

/// A list answer (RFC 7644 §3.4.2).
pub fn list(resources: Vec<Value>, total: i64, start_index: i64) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}
