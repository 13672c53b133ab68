//! Validation of a stream's `normalize` mapping against its entity's Rust type: every key must
//! be a field of the entity, with a conversion that yields that field's kind.

use crate::entities::{FieldKind, RESERVED};

use super::model::{FieldSpec, FieldType, Provider, Stream};

/// Problems of one stream's mapping: (key path, message, hint).
pub(super) fn check(
    provider: &Provider,
    stream: &Stream,
    path: &str,
) -> Vec<(String, String, Option<String>)> {
    let mut problems = Vec::new();
    let Some(fields) = stream.entity.fields() else {
        return problems;
    };
    let entity = stream.entity.as_str();
    for (field, spec) in &stream.normalize {
        let at = format!("{path}.normalize.{field}");
        let mut problem = |message: String, hint: Option<String>| {
            problems.push((at.clone(), message, hint));
        };
        if RESERVED.contains(&field.as_str()) {
            problem(
                format!("`{field}` is written by inlet and cannot be mapped"),
                None,
            );
            continue;
        }
        let Some((_, kind)) = fields.iter().find(|(name, _)| name == field) else {
            let known: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
            problem(
                format!("`{entity}` has no field `{field}`"),
                Some(format!("its fields: {}", known.join(", "))),
            );
            continue;
        };
        match spec {
            FieldSpec::Pointer(_) if *kind == FieldKind::Text => {}
            FieldSpec::Pointer(_) => problem(
                format!("`{field}` is {}; give it a `type`", describe(*kind)),
                Some(format!(
                    "e.g. {field} = {{ from = \"/…\", type = \"{}\" }}",
                    type_for(*kind)
                )),
            ),
            FieldSpec::Constant { constant } => {
                let mut row = serde_json::Map::new();
                row.insert("id".into(), "x".into());
                row.insert(
                    "source".into(),
                    serde_json::json!({"connection": "x", "provider": "x", "stream": "x",
                                       "record_id": "x"}),
                );
                row.insert(field.clone(), constant.clone());
                if stream.entity.shape(row).is_err() {
                    problem(
                        format!(
                            "the constant does not fit `{field}`, which is {}",
                            describe(*kind)
                        ),
                        None,
                    );
                }
            }
            FieldSpec::Typed {
                kind: field_type,
                currency,
                default_currency,
                default,
                units,
                stream: target,
                id,
                scale,
                ..
            } => {
                let inputs: Vec<&str> = provider
                    .inputs
                    .iter()
                    .filter(|input| !input.secret)
                    .map(|input| input.name.as_str())
                    .collect();
                for (key, template) in
                    [("default", default), ("default_currency", default_currency)]
                {
                    let Some(template) = template else { continue };
                    for name in template_names(template) {
                        if !inputs.contains(&name) {
                            problem(
                                format!(
                                    "`{key}`: `{{{name}}}` is not a non-secret input of `{}`",
                                    provider.id
                                ),
                                Some(format!("its inputs: {}", inputs.join(", "))),
                            );
                        }
                    }
                }
                if default_currency.is_some() && *field_type != FieldType::Money {
                    problem("`default_currency` is only for money".into(), None);
                }
                if scale.is_some() {
                    problem(
                        "`scale` is no longer read: money is exact".into(),
                        Some(
                            "write `units = \"minor\"` for integer minor units (cents), and \
                             `currency = \"/pointer\"`"
                                .into(),
                        ),
                    );
                }
                if *field_type == FieldType::Json {
                    problem(
                        format!(
                            "`{field}` is {}; `type = \"json\"` is only for `metrics` streams",
                            describe(*kind)
                        ),
                        Some(format!("use `type = \"{}\"`", type_for(*kind))),
                    );
                } else if kind_of(*field_type) != *kind {
                    problem(
                        format!(
                            "`{field}` is {}, but `type = \"{}\"` gives {}",
                            describe(*kind),
                            type_name(*field_type),
                            describe(kind_of(*field_type))
                        ),
                        Some(format!("use `type = \"{}\"`", type_for(*kind))),
                    );
                }
                let money = *field_type == FieldType::Money;
                match currency {
                    None if money && default_currency.is_none() => problem(
                        "money needs `currency`, a JSON pointer to its ISO currency code, or \
                         `default_currency`"
                            .into(),
                        None,
                    ),
                    Some(pointer) if money && !pointer.starts_with('/') => problem(
                        format!("`currency`: `{pointer}` is not a JSON pointer"),
                        None,
                    ),
                    Some(_) if !money => problem("`currency` is only for money".into(), None),
                    _ => {}
                }
                if units.is_some() && !money {
                    problem("`units` is only for money".into(), None);
                }
                let reference = matches!(field_type, FieldType::Reference | FieldType::References);
                match target {
                    None if reference => problem(
                        format!(
                            "a {} needs `stream`, the stream it points to",
                            type_name(*field_type)
                        ),
                        None,
                    ),
                    Some(name) if reference && provider.stream(name).is_none() => problem(
                        format!("`stream`: `{}` has no stream `{name}`", provider.id),
                        None,
                    ),
                    Some(_) if !reference => {
                        problem("`stream` is only for references".into(), None);
                    }
                    _ => {}
                }
                if id.is_some() && *field_type != FieldType::References {
                    problem("`id` is only for references".into(), None);
                }
            }
        }
    }
    problems
}

/// The `{name}` placeholders of a template.
fn template_names(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        names.push(&rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
    }
    names
}

/// The kind a conversion yields.
fn kind_of(field_type: FieldType) -> FieldKind {
    match field_type {
        FieldType::String => FieldKind::Text,
        FieldType::Number => FieldKind::Number,
        FieldType::Integer => FieldKind::Integer,
        FieldType::Boolean => FieldKind::Boolean,
        FieldType::Date => FieldKind::Date,
        FieldType::Datetime => FieldKind::Instant,
        FieldType::Money => FieldKind::Money,
        FieldType::Currency => FieldKind::Currency,
        FieldType::Reference => FieldKind::Reference,
        FieldType::References => FieldKind::References,
        // Only `metrics` rows keep values as they are; no typed field takes them.
        FieldType::Json => FieldKind::Text,
    }
}

fn type_name(field_type: FieldType) -> &'static str {
    type_for(kind_of(field_type))
}

/// The `type` that yields a kind.
fn type_for(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "string",
        FieldKind::Currency => "currency",
        FieldKind::Integer => "integer",
        FieldKind::Number => "number",
        FieldKind::Boolean => "boolean",
        FieldKind::Date => "date",
        FieldKind::Instant => "datetime",
        FieldKind::Money => "money",
        FieldKind::Reference => "reference",
        FieldKind::References => "references",
    }
}

fn describe(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Currency => "a currency code",
        FieldKind::Integer => "an integer",
        FieldKind::Number => "a number",
        FieldKind::Boolean => "a boolean",
        FieldKind::Date => "a date",
        FieldKind::Instant => "an instant",
        FieldKind::Money => "money",
        FieldKind::Reference => "a reference to another row",
        FieldKind::References => "a list of references",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mappings_must_fit_the_entity_type() {
        let text = include_str!("../../providers/stripe.toml")
            .replace(
                "amount_due = { from = \"/amount_due\", type = \"money\", currency = \"/currency\", units = \"minor\" }",
                "amount_due = { from = \"/amount_due\", type = \"money\", scale = 100 }\nsurprise = \"/x\"",
            );
        let problems = super::super::parse(&text).err().unwrap_or_default();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|line| line.contains("amount_due") && line.contains("scale")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|line| line.contains("amount_due") && line.contains("currency")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|line| line.contains("has no field `surprise`")),
            "{text:?}"
        );
    }
}
