//! A resource's attributes as the directory sent them: a JSON object whose
//! attribute names match case-insensitively (RFC 7643 §2.1), and the PATCH
//! operations on it (RFC 7644 §3.5.2). The path grammar is `scim_v2`'s.
//!
//! Besides the RFC's forms this accepts what the two big directories send:
//! Entra ID's capitalised `"op": "Replace"` and `"Add"`, operations without
//! a path whose value holds dotted paths (`{"name.givenName": "Ann"}`), and
//! a value path on an attribute not there yet
//! (`emails[type eq "work"].value` creates the work email).

use std::str::FromStr;

use scim_v2::filter::{AttrExp, AttrPath, CompValue, CompareOp, PatchPath, ValFilter};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::ScimError;

pub type Doc = Map<String, Value>;

/// The key under which `name` is stored, matched without case.
pub fn key_of(map: &Doc, name: &str) -> Option<String> {
    map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

pub fn get<'a>(map: &'a Doc, name: &str) -> Option<&'a Value> {
    key_of(map, name).and_then(|k| map.get(&k))
}

pub fn get_mut<'a>(map: &'a mut Doc, name: &str) -> Option<&'a mut Value> {
    key_of(map, name).and_then(move |k| map.get_mut(&k))
}

pub fn remove_key(map: &mut Doc, name: &str) {
    if let Some(k) = key_of(map, name) {
        map.remove(&k);
    }
}

/// Sets `name`; a value stored under another case of it is replaced
/// under its stored key.
pub fn set(map: &mut Doc, name: &str, value: Value) {
    let key = key_of(map, name).unwrap_or_else(|| name.to_string());
    map.insert(key, value);
}

/// Stores the schema's attributes under their schema spelling
/// (`USERNAME` → `userName`), so answers use the schema's names.
pub fn canonical_names(map: &mut Doc, names: &[&str]) {
    for name in names {
        if let Some(k) = key_of(map, name)
            && k != *name
            && let Some(v) = map.remove(&k)
        {
            map.insert((*name).to_string(), v);
        }
    }
}

/// A PATCH request body (RFC 7644 §3.5.2).
#[derive(Debug, Deserialize)]
pub struct PatchRequest {
    #[serde(default)]
    pub schemas: Vec<String>,
    #[serde(rename = "Operations", alias = "operations")]
    pub operations: Vec<Operation>,
}

pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    pub op: String,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Replace,
    Remove,
}

impl Op {
    pub fn parse(op: &str) -> Result<Op, ScimError> {
        match op.to_ascii_lowercase().as_str() {
            "add" => Ok(Op::Add),
            "replace" => Ok(Op::Replace),
            "remove" => Ok(Op::Remove),
            _ => Err(ScimError::invalid_syntax(format!(
                "Unknown PATCH op {op:?}: use add, replace or remove."
            ))),
        }
    }
}

/// Where an operation points: an attribute (in an extension schema when
/// `schema` is set), optionally narrowed by a filter on its values and
/// optionally one sub-attribute.
#[derive(Debug, Clone)]
pub struct Target {
    pub schema: Option<String>,
    pub attr: String,
    pub filter: Option<ValFilter>,
    pub sub: Option<String>,
}

impl Target {
    pub fn parse(raw: &str) -> Result<Target, ScimError> {
        let bad =
            || ScimError::invalid_path(format!("The path {raw:?} is not a SCIM attribute path."));
        let path = PatchPath::from_str(raw.trim()).map_err(|_| bad())?;
        let (attr, filter, sub) = match path {
            PatchPath::Attr(AttrPath {
                uri,
                name,
                sub_attr,
            }) => (uri.map(|u| (u, name.clone())), name, (None, sub_attr)),
            PatchPath::Value(v) => {
                let AttrPath {
                    uri,
                    name,
                    sub_attr,
                } = v.attr;
                if sub_attr.is_some() {
                    return Err(bad());
                }
                (
                    uri.map(|u| (u, name.clone())),
                    name,
                    (Some(v.filter), v.sub_attr),
                )
            }
        };
        let schema = attr
            .map(|(uri, _)| uri)
            .filter(|uri| !super::discovery::is_core_schema(uri));
        Ok(Target {
            schema,
            attr: filter,
            filter: sub.0,
            sub: sub.1,
        })
    }

    /// The plain attribute `name`.
    pub fn attr(name: &str) -> Target {
        Target {
            schema: None,
            attr: name.to_string(),
            filter: None,
            sub: None,
        }
    }

    pub fn names(&self, attr: &str) -> bool {
        self.schema.is_none() && self.attr.eq_ignore_ascii_case(attr)
    }
}

/// Applies one operation to `doc`.
pub fn apply(
    doc: &mut Doc,
    op: Op,
    path: Option<&str>,
    value: Option<Value>,
) -> Result<(), ScimError> {
    match path.map(str::trim).filter(|p| !p.is_empty()) {
        Some(path) => apply_at(doc, op, &Target::parse(path)?, value),
        None => {
            if op == Op::Remove {
                return Err(ScimError::no_target("A remove operation needs a path."));
            }
            let Some(Value::Object(values)) = value else {
                return Err(ScimError::invalid_syntax(
                    "An operation without a path needs an object of attributes as its value.",
                ));
            };
            for (name, v) in values {
                let target = if name.contains(['.', '[', ':']) {
                    Target::parse(&name)?
                } else {
                    Target::attr(&name)
                };
                apply_at(doc, op, &target, Some(v))?;
            }
            Ok(())
        }
    }
}

/// Applies one operation at a parsed target.
pub fn apply_at(
    doc: &mut Doc,
    op: Op,
    target: &Target,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let container = match &target.schema {
        None => doc,
        Some(uri) => {
            if get(doc, uri).is_none() {
                set(doc, uri, Value::Object(Map::new()));
            }
            match get_mut(doc, uri) {
                Some(Value::Object(inner)) => inner,
                _ => return Err(ScimError::invalid_path(format!("{uri} is not an object."))),
            }
        }
    };
    let needs_value =
        || ScimError::invalid_syntax(format!("The {} operation needs a value.", op_name(op)));
    match (&target.filter, &target.sub) {
        (None, None) => match op {
            Op::Remove => remove_key(container, &target.attr),
            Op::Replace => match value.ok_or_else(needs_value)? {
                Value::Null => remove_key(container, &target.attr),
                v => set(container, &target.attr, v),
            },
            Op::Add => add(container, &target.attr, value.ok_or_else(needs_value)?),
        },
        (None, Some(sub)) => match op {
            Op::Remove => {
                if let Some(Value::Object(inner)) = get_mut(container, &target.attr) {
                    remove_key(inner, sub);
                    if inner.is_empty() {
                        remove_key(container, &target.attr);
                    }
                }
            }
            Op::Add | Op::Replace => {
                let v = value.ok_or_else(needs_value)?;
                if get(container, &target.attr).is_none() {
                    set(container, &target.attr, Value::Object(Map::new()));
                }
                match get_mut(container, &target.attr) {
                    Some(Value::Object(inner)) => set(inner, sub, v),
                    _ => {
                        return Err(ScimError::invalid_path(format!(
                            "{} has no sub-attributes.",
                            target.attr
                        )));
                    }
                }
            }
        },
        (Some(filter), sub) => {
            apply_filtered(container, op, target, filter, sub.as_deref(), value)?
        }
    }
    Ok(())
}

fn op_name(op: Op) -> &'static str {
    match op {
        Op::Add => "add",
        Op::Replace => "replace",
        Op::Remove => "remove",
    }
}

/// `add` without a filter: values join a multi-valued attribute (each
/// once), attributes join a complex one, anything else is set.
fn add(container: &mut Doc, attr: &str, value: Value) {
    match (get_mut(container, attr), value) {
        (Some(Value::Array(existing)), Value::Array(new)) => {
            for v in new {
                if !existing.contains(&v) {
                    existing.push(v);
                }
            }
        }
        (Some(Value::Array(existing)), v @ Value::Object(_)) => {
            if !existing.contains(&v) {
                existing.push(v);
            }
        }
        (Some(Value::Object(existing)), Value::Object(new)) => {
            for (k, v) in new {
                set(existing, &k, v);
            }
        }
        (_, v) => set(container, attr, v),
    }
}

fn apply_filtered(
    container: &mut Doc,
    op: Op,
    target: &Target,
    filter: &ValFilter,
    sub: Option<&str>,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let attr = &target.attr;
    let matched: Vec<usize> = match get(container, attr) {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter(|(_, item)| matches!(item, Value::Object(o) if holds(o, filter)))
            .map(|(i, _)| i)
            .collect(),
        Some(_) => {
            return Err(ScimError::invalid_path(format!(
                "{attr} is not multi-valued."
            )));
        }
        None => Vec::new(),
    };
    if op == Op::Remove {
        if let Some(Value::Array(items)) = get_mut(container, attr) {
            for i in matched.into_iter().rev() {
                match sub {
                    None => {
                        items.remove(i);
                    }
                    Some(sub) => {
                        if let Value::Object(o) = &mut items[i] {
                            remove_key(o, sub);
                        }
                    }
                }
            }
            if items.is_empty() {
                remove_key(container, attr);
            }
        }
        return Ok(());
    }
    let value = value.ok_or_else(|| ScimError::invalid_syntax("The operation needs a value."))?;
    let matched = if matched.is_empty() {
        // Entra ID replaces `emails[type eq "work"].value` when there is no
        // work email yet: the filter's equality makes the new value.
        let Some((key, seed)) = simple_equality(filter) else {
            return Err(ScimError::no_target(format!(
                "No value of {attr} matches the filter."
            )));
        };
        let mut item = Map::new();
        item.insert(key, seed);
        if get(container, attr).is_none() {
            set(container, attr, Value::Array(Vec::new()));
        }
        match get_mut(container, attr) {
            Some(Value::Array(items)) => {
                items.push(Value::Object(item));
                vec![items.len() - 1]
            }
            _ => {
                return Err(ScimError::invalid_path(format!(
                    "{attr} is not multi-valued."
                )));
            }
        }
    } else {
        matched
    };
    if let Some(Value::Array(items)) = get_mut(container, attr) {
        for i in matched {
            match (sub, &mut items[i], &value) {
                (Some(sub), Value::Object(o), v) => set(o, sub, v.clone()),
                (None, Value::Object(o), Value::Object(new)) => {
                    if op == Op::Replace {
                        o.clear();
                    }
                    for (k, v) in new {
                        set(o, k, v.clone());
                    }
                }
                _ => {
                    return Err(ScimError::invalid_value(format!(
                        "A value of {attr} must be an object."
                    )));
                }
            }
        }
    }
    Ok(())
}

/// `attr eq "x"`: the attribute and value a new item starts with.
fn simple_equality(filter: &ValFilter) -> Option<(String, Value)> {
    match filter {
        ValFilter::Attr(AttrExp::Comparison(path, CompareOp::Eq, v)) if path.sub_attr.is_none() => {
            Some((path.name.clone(), comp_json(v)))
        }
        _ => None,
    }
}

fn comp_json(v: &CompValue) -> Value {
    match v {
        CompValue::False => Value::Bool(false),
        CompValue::True => Value::Bool(true),
        CompValue::Null => Value::Null,
        CompValue::Number(n) => Value::Number(n.clone()),
        CompValue::Str(s) => Value::String(s.clone()),
    }
}

/// Whether a value of a multi-valued attribute satisfies the filter.
/// Strings compare without case (the attributes these filters name are
/// `caseExact: false`, and ids are lower-case hex).
pub fn holds(item: &Doc, filter: &ValFilter) -> bool {
    match filter {
        ValFilter::Not(inner) => !holds(item, inner),
        ValFilter::And(a, b) => holds(item, a) && holds(item, b),
        ValFilter::Or(a, b) => holds(item, a) || holds(item, b),
        ValFilter::Attr(AttrExp::Present(path)) => {
            get(item, &path.name).is_some_and(|v| !v.is_null())
        }
        ValFilter::Attr(AttrExp::Comparison(path, op, expected)) => {
            compare(get(item, &path.name), op, expected)
        }
    }
}

/// `actual op expected` for a stored JSON value and a filter's literal.
pub fn compare(actual: Option<&Value>, op: &CompareOp, expected: &CompValue) -> bool {
    match (actual, expected) {
        (Some(Value::String(a)), CompValue::Str(e)) => {
            let (a, e) = (a.to_lowercase(), e.to_lowercase());
            match op {
                CompareOp::Eq => a == e,
                CompareOp::Ne => a != e,
                CompareOp::Co => a.contains(&e),
                CompareOp::Sw => a.starts_with(&e),
                CompareOp::Ew => a.ends_with(&e),
                CompareOp::Gt => a > e,
                CompareOp::Lt => a < e,
                CompareOp::Ge => a >= e,
                CompareOp::Le => a <= e,
            }
        }
        (Some(Value::Bool(a)), CompValue::True | CompValue::False) => {
            let e = matches!(expected, CompValue::True);
            match op {
                CompareOp::Eq => *a == e,
                CompareOp::Ne => *a != e,
                _ => false,
            }
        }
        (Some(Value::Number(a)), CompValue::Number(e)) => {
            let (Some(a), Some(e)) = (a.as_f64(), e.as_f64()) else {
                return false;
            };
            match op {
                CompareOp::Eq => a == e,
                CompareOp::Ne => a != e,
                CompareOp::Gt => a > e,
                CompareOp::Lt => a < e,
                CompareOp::Ge => a >= e,
                CompareOp::Le => a <= e,
                _ => false,
            }
        }
        (None | Some(Value::Null), CompValue::Null) => *op == CompareOp::Eq,
        (Some(v), CompValue::Null) => *op == CompareOp::Ne && !v.is_null(),
        (None, _) => *op == CompareOp::Ne,
        _ => false,
    }
}

/// Entra ID sends booleans as strings (`"active": "False"`): turns the
/// strings `true`/`false` (any case) at `attr`, and at `sub` inside each
/// value of the multi-valued `attr`s, into booleans.
pub fn booleans_from_strings(doc: &mut Doc, attrs: &[&str], multi: &[(&str, &str)]) {
    fn fix(v: &mut Value) {
        if let Value::String(s) = v {
            if s.eq_ignore_ascii_case("true") {
                *v = Value::Bool(true);
            } else if s.eq_ignore_ascii_case("false") {
                *v = Value::Bool(false);
            }
        }
    }
    for attr in attrs {
        if let Some(v) = get_mut(doc, attr) {
            fix(v);
        }
    }
    for (attr, sub) in multi {
        if let Some(Value::Array(items)) = get_mut(doc, attr) {
            for item in items {
                if let Value::Object(o) = item
                    && let Some(v) = get_mut(o, sub)
                {
                    fix(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc(v: Value) -> Doc {
        match v {
            Value::Object(o) => o,
            _ => unreachable!(),
        }
    }

    #[test]
    fn entra_replace_without_path_and_string_booleans() {
        let mut d = doc(json!({"userName": "ann@corp.example", "active": true}));
        apply(
            &mut d,
            Op::parse("Replace").unwrap(),
            None,
            Some(json!({"active": "False", "name.givenName": "Ann"})),
        )
        .unwrap();
        booleans_from_strings(&mut d, &["active"], &[]);
        assert_eq!(
            Value::Object(d),
            json!({"userName": "ann@corp.example", "active": false, "name": {"givenName": "Ann"}})
        );
    }

    #[test]
    fn a_value_path_with_no_match_creates_the_value_on_add_and_replace_only() {
        let mut d = doc(json!({"emails": [{"type": "home", "value": "a@home.example"}]}));
        apply(
            &mut d,
            Op::Replace,
            Some(r#"emails[type eq "work"].value"#),
            Some(json!("a@corp.example")),
        )
        .unwrap();
        assert_eq!(
            d["emails"],
            json!([{"type": "home", "value": "a@home.example"}, {"type": "work", "value": "a@corp.example"}])
        );
        apply(&mut d, Op::Remove, Some(r#"emails[type eq "home"]"#), None).unwrap();
        assert_eq!(
            d["emails"],
            json!([{"type": "work", "value": "a@corp.example"}])
        );
        let err = apply(
            &mut d,
            Op::Replace,
            Some(r#"emails[type co "zz"].value"#),
            Some(json!("x")),
        )
        .unwrap_err();
        assert_eq!(err.scim_type, Some("noTarget"));
    }

    #[test]
    fn names_match_without_case_and_bad_paths_are_invalid_path() {
        let mut d = doc(json!({"displayName": "Ops"}));
        apply(
            &mut d,
            Op::Replace,
            Some("DISPLAYNAME"),
            Some(json!("Sales")),
        )
        .unwrap();
        assert_eq!(Value::Object(d.clone()), json!({"displayName": "Sales"}));
        let err = apply(&mut d, Op::Add, Some("emails[type eq"), Some(json!("x"))).unwrap_err();
        assert_eq!(err.scim_type, Some("invalidPath"));
        let err = apply(&mut d, Op::Remove, None, None).unwrap_err();
        assert_eq!(err.scim_type, Some("noTarget"));
    }
}
