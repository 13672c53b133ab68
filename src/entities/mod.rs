//! The normalized entities: one Rust type per entity is the one shape of its rows in the export
//! document, the NDJSON and CSV layouts, the SQL views and the JSON Schema in `schemas/`.
//!
//! Every key is always present (`null` when unknown); every row carries `id`, `source`,
//! `created_at` and `updated_at`; foreign keys (`*_id`, `*_ids`) are written exactly as the
//! `id` of the row they point to (`CONNECTION:STREAM:RECORD_ID`); money is [`Money`]. A
//! provider feeds an entity through its definition's `normalize` mapping, whose keys must be
//! fields listed by [`fields`] with a matching [`FieldKind`]. This module depends on nothing
//! else in inlet, so the catalog, the normalizer and the export all build on it.

pub mod money;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use money::{Date, Instant, Money};

/// Where a row came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The connection id, `CLIENT/NAME`.
    pub connection: String,
    /// The provider id (`hubspot`, `stripe`, …).
    pub provider: String,
    /// The provider stream the record came from.
    pub stream: String,
    /// The record's id at the provider.
    pub record_id: String,
}

/// What a mapped field holds; each is `null` when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A string.
    Text,
    /// An ISO 4217 code, upper case.
    Currency,
    /// An integer.
    Integer,
    /// A number that is not money (a probability, a ratio).
    Number,
    /// `true` or `false`.
    Boolean,
    /// A calendar date.
    Date,
    /// An instant.
    Instant,
    /// Exact money: [`Money`].
    Money,
    /// The `id` of one row of another entity.
    Reference,
    /// The `id`s of rows of another entity (`[]` when known to be none).
    References,
}

/// The Rust type of each [`FieldKind`], as the entity types spell their fields.
pub mod kind {
    pub type Text = Option<String>;
    pub type Currency = Option<String>;
    pub type Integer = Option<i64>;
    pub type Number = Option<f64>;
    pub type Boolean = Option<bool>;
    pub type Date = Option<super::Date>;
    pub type Instant = Option<super::Instant>;
    pub type Money = Option<super::Money>;
    pub type Reference = Option<String>;
    pub type References = Option<Vec<String>>;
}

/// The version of the entity shapes; rows cached under another one are normalized again.
pub const SHAPE_VERSION: u32 = 2;

/// Keys every row has, which a mapping may not set: the normalizer writes them.
pub const RESERVED: [&str; 3] = ["id", "source", "updated_at"];

macro_rules! entities {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident => $variant:ident, $key:ident {
            $( $(#[doc = $field_doc:literal])* $field:ident : $kind:ident ),* $(,)?
        }
    )*) => {
        /// The normalized entities of the export contract, in export order.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            JsonSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum Entity {
            $( $(#[doc = $doc])* $variant, )*
            /// Reserved for time-series points (GA4, Search Console); not typed yet.
            Metrics,
        }

        impl Entity {
            /// All entities, in export order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)* Self::Metrics];

            /// The entity's name in the export document and the cache.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => stringify!($key), )*
                    Self::Metrics => "metrics",
                }
            }

            /// The entity with this name.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|entity| entity.as_str() == name)
            }

            /// The fields a mapping may set, with their kinds, in the row's order (the
            /// reserved keys excluded). `None` for an entity that has no typed shape yet.
            pub fn fields(self) -> Option<&'static [(&'static str, FieldKind)]> {
                match self {
                    $( Self::$variant => Some(&[ $( (stringify!($field), FieldKind::$kind), )* ]), )*
                    Self::Metrics => None,
                }
            }

            /// Checks a row against the entity's type and writes it in the type's key order,
            /// every key present: missing fields become `null`, unknown ones are an error.
            pub fn shape(
                self,
                row: serde_json::Map<String, serde_json::Value>,
            ) -> Result<String, serde_json::Error> {
                let row = serde_json::Value::Object(row);
                match self {
                    $( Self::$variant => serde_json::to_string(&serde_json::from_value::<$name>(row)?), )*
                    Self::Metrics => serde_json::to_string(&row),
                }
            }
        }

        $(
            $(#[doc = $doc])*
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
            #[serde(deny_unknown_fields)]
            pub struct $name {
                /// `CONNECTION:STREAM:RECORD_ID`: unique in the document, and the form every
                /// foreign key pointing here takes.
                pub id: String,
                $( $(#[doc = $field_doc])* pub $field: kind::$kind, )*
                /// Where the row came from.
                pub source: Source,
                /// When the record last changed at the provider.
                pub updated_at: kind::Instant,
            }
        )*

        /// The entity arrays of the export document, in order.
        #[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Entities {
            $( $(#[doc = $doc])* pub $key: Vec<$name>, )*
            /// Reserved for time-series points (GA4 sessions, Search Console clicks); empty
            /// until a provider feeds it, and typed in a later `schema_version`.
            pub metrics: Vec<serde_json::Map<String, serde_json::Value>>,
        }

        /// A number per entity, every entity present (zero when empty).
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Counts {
            $( pub $key: u64, )*
            pub metrics: u64,
        }

        impl Counts {
            /// The count of one entity.
            pub fn get(&self, entity: Entity) -> u64 {
                match entity {
                    $( Entity::$variant => self.$key, )*
                    Entity::Metrics => self.metrics,
                }
            }

            /// Sets the count of one entity.
            pub fn set(&mut self, entity: Entity, count: u64) {
                match entity {
                    $( Entity::$variant => self.$key = count, )*
                    Entity::Metrics => self.metrics = count,
                }
            }
        }
    };
}

entities! {
    /// People at a client's customers or prospects (CRM contacts, Salesforce contacts).
    Contact => Contacts, contacts {
        first_name: Text,
        last_name: Text,
        /// The full name, as the provider writes it.
        name: Text,
        email: Text,
        phone: Text,
        /// The company name as typed on the contact.
        company_name: Text,
        /// The contact's company, when the provider links it.
        company_id: Reference,
        lifecycle_stage: Text,
        owner_id: Reference,
        created_at: Instant,
    }
    /// Organisations (CRM companies, Salesforce accounts).
    Company => Companies, companies {
        name: Text,
        domain: Text,
        industry: Text,
        city: Text,
        country: Text,
        employees: Integer,
        owner_id: Reference,
        created_at: Instant,
    }
    /// Sales opportunities (CRM deals, Salesforce opportunities).
    Deal => Deals, deals {
        name: Text,
        amount: Money,
        currency: Currency,
        /// The pipeline's id at the provider.
        pipeline_id: Text,
        /// The pipeline's label.
        pipeline: Text,
        /// The stage's id at the provider (`appointmentscheduled`).
        stage_id: Text,
        /// The stage's label (`Appointment scheduled`).
        stage: Text,
        /// The stage's place in its pipeline, from 0.
        stage_order: Integer,
        /// The stage's win probability, 0 to 1.
        stage_probability: Number,
        /// `open`, `won` or `lost`.
        status: Text,
        close_date: Date,
        owner_id: Reference,
        owner_name: Text,
        owner_email: Text,
        company_ids: References,
        contact_ids: References,
        created_at: Instant,
    }
    /// The stages of a CRM's deal pipelines (HubSpot pipelines): a deal's `stage_id` is the
    /// `source.record_id` of its stage row, from which the export fills the deal's `stage`,
    /// `pipeline`, `stage_order`, `stage_probability` and `status`.
    Stage => Stages, stages {
        /// The pipeline's id at the provider.
        pipeline_id: Text,
        /// The pipeline's label.
        pipeline: Text,
        /// The stage's label (`Appointment scheduled`).
        label: Text,
        /// The stage's place in its pipeline, from 0.
        display_order: Integer,
        /// The win probability of a deal in this stage, 0 to 1.
        probability: Number,
        /// True for the stages that end a deal (won or lost).
        closed: Boolean,
        /// `open`, `won` or `lost` (from `closed` and `probability` when the provider does
        /// not say).
        status: Text,
        created_at: Instant,
    }
    /// The people who own records in a CRM (HubSpot owners): the `owner_id` of a deal points
    /// to one, and the export fills the deal's `owner_name` and `owner_email` from it.
    Owner => Owners, owners {
        first_name: Text,
        last_name: Text,
        /// The full name (first and last name, when the provider gives no full name).
        name: Text,
        email: Text,
        created_at: Instant,
    }
    /// Prospects not yet qualified (Salesforce leads).
    Lead => Leads, leads {
        first_name: Text,
        last_name: Text,
        name: Text,
        email: Text,
        phone: Text,
        company_name: Text,
        status: Text,
        /// Where the lead came from (web, referral, …).
        lead_source: Text,
        owner_id: Reference,
        converted: Boolean,
        created_at: Instant,
    }
    /// A client's paying customers in a billing system (Stripe customers).
    Customer => Customers, customers {
        name: Text,
        email: Text,
        phone: Text,
        /// The customer's default currency.
        currency: Currency,
        delinquent: Boolean,
        created_at: Instant,
    }
    /// Bills sent to customers.
    Invoice => Invoices, invoices {
        number: Text,
        customer_id: Reference,
        /// `draft`, `open`, `paid`, `uncollectible` or `void`.
        status: Text,
        currency: Currency,
        amount_due: Money,
        amount_paid: Money,
        amount_remaining: Money,
        total: Money,
        due_date: Date,
        period_start: Instant,
        period_end: Instant,
        created_at: Instant,
    }
    /// Money received (Stripe charges).
    Payment => Payments, payments {
        customer_id: Reference,
        /// `succeeded`, `pending` or `failed`.
        status: Text,
        currency: Currency,
        amount: Money,
        amount_refunded: Money,
        paid: Boolean,
        refunded: Boolean,
        created_at: Instant,
    }
}

/// Fills the fields of a row that the provider leaves to be derived: a stage's `status` from
/// `closed` and `probability`, an owner's `name` from the first and last names. Fields the
/// mapping set are kept.
pub fn derive(entity: Entity, row: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::Value;
    let unset =
        |row: &serde_json::Map<String, Value>, key: &str| row.get(key).is_none_or(Value::is_null);
    match entity {
        Entity::Stages if unset(row, "status") => {
            let status = match row.get("closed").and_then(Value::as_bool) {
                Some(false) => Some("open"),
                Some(true) => match row.get("probability").and_then(Value::as_f64) {
                    Some(probability) if probability >= 1.0 => Some("won"),
                    Some(_) => Some("lost"),
                    None => None,
                },
                None => None,
            };
            if let Some(status) = status {
                row.insert("status".into(), status.into());
            }
        }
        Entity::Owners if unset(row, "name") => {
            let part = |key: &str| row.get(key).and_then(Value::as_str).map(str::trim);
            let name = [part("first_name"), part("last_name")]
                .into_iter()
                .flatten()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if !name.is_empty() {
                row.insert("name".into(), name.into());
            }
        }
        _ => {}
    }
}

/// How a row finds the row it takes fields from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKey {
    /// The field holds the provider's id of the other row (`source.record_id`), in the same
    /// connection: a deal's `stage_id`.
    RecordId(&'static str),
    /// The field is a reference: the other row's `id`. A deal's `owner_id`.
    RowId(&'static str),
}

/// Fields a row takes from another row of its connection when its own mapping leaves them
/// `null`: a deal's stage label and status from its stage, its owner's name from its owner.
/// The export and the SQL views apply these at read time, so a renamed stage shows at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    /// The entity of the row looked up.
    pub entity: Entity,
    pub key: LookupKey,
    /// (field of this row, field of the looked-up row).
    pub fills: &'static [(&'static str, &'static str)],
}

impl Entity {
    /// The lookups of this entity's rows (none for most).
    pub fn lookups(self) -> &'static [Lookup] {
        const DEALS: &[Lookup] = &[
            Lookup {
                entity: Entity::Stages,
                key: LookupKey::RecordId("stage_id"),
                fills: &[
                    ("pipeline", "pipeline"),
                    ("stage", "label"),
                    ("stage_order", "display_order"),
                    ("stage_probability", "probability"),
                    ("status", "status"),
                ],
            },
            Lookup {
                entity: Entity::Owners,
                key: LookupKey::RowId("owner_id"),
                fills: &[("owner_name", "name"), ("owner_email", "email")],
            },
        ];
        match self {
            Entity::Deals => DEALS,
            _ => &[],
        }
    }
}

/// Applies one lookup: copies each filled field from `found` where `row` has `null`.
pub fn fill(
    row: &mut serde_json::Map<String, serde_json::Value>,
    lookup: &Lookup,
    found: &serde_json::Map<String, serde_json::Value>,
) {
    for (field, from) in lookup.fills {
        let missing = row.get(*field).is_none_or(serde_json::Value::is_null);
        if let Some(value) = found.get(*from).filter(|value| !value.is_null())
            && missing
        {
            row.insert((*field).to_owned(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_status_and_owner_names_are_derived_when_not_given() {
        let mut stage = serde_json::json!({"closed": true, "probability": 1.0})
            .as_object()
            .cloned()
            .unwrap_or_default();
        derive(Entity::Stages, &mut stage);
        assert_eq!(stage["status"], "won");
        let mut lost = serde_json::json!({"closed": true, "probability": 0.0, "status": null})
            .as_object()
            .cloned()
            .unwrap_or_default();
        derive(Entity::Stages, &mut lost);
        assert_eq!(lost["status"], "lost");
        let mut open = serde_json::json!({"closed": false, "probability": 0.0, "status": "mine"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        derive(Entity::Stages, &mut open);
        assert_eq!(open["status"], "mine", "a mapped status is kept");
        let mut owner = serde_json::json!({"first_name": "Ada", "last_name": " Lovelace "})
            .as_object()
            .cloned()
            .unwrap_or_default();
        derive(Entity::Owners, &mut owner);
        assert_eq!(owner["name"], "Ada Lovelace");
        let mut deal = serde_json::json!({"stage": "Mine", "pipeline": null})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let found = serde_json::json!({"label": "Theirs", "pipeline": "Sales", "status": null})
            .as_object()
            .cloned()
            .unwrap_or_default();
        fill(&mut deal, &Entity::Deals.lookups()[0], &found);
        assert_eq!(deal["stage"], "Mine", "the deal's own value wins");
        assert_eq!(deal["pipeline"], "Sales");
        assert!(!deal.contains_key("status"), "null is not copied");
    }

    #[test]
    fn every_key_is_written_and_unknown_keys_are_refused() -> anyhow::Result<()> {
        let mut row = serde_json::Map::new();
        row.insert("id".into(), "acme/hubspot:contacts:1".into());
        row.insert(
            "source".into(),
            serde_json::json!({"connection": "acme/hubspot", "provider": "hubspot",
                               "stream": "contacts", "record_id": "1"}),
        );
        row.insert("email".into(), "a@example.com".into());
        let text = Entity::Contacts.shape(row.clone())?;
        let value: serde_json::Value = serde_json::from_str(&text)?;
        let keys: Vec<&str> = value
            .as_object()
            .map(|object| object.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut expected = vec!["id"];
        expected.extend(
            Entity::Contacts
                .fields()
                .unwrap_or(&[])
                .iter()
                .map(|(name, _)| *name),
        );
        expected.extend(["source", "updated_at"]);
        assert_eq!(keys, expected);
        assert_eq!(value["first_name"], serde_json::Value::Null);
        row.insert("surprise".into(), 1.into());
        assert!(Entity::Contacts.shape(row).is_err());
        Ok(())
    }
}

/// One flat column of an entity: the CSV layout and the SQL views. Money takes four columns
/// (`amount_minor_units`, `amount_currency`, `amount_exponent`, `amount_decimal`), `source`
/// four (`source_connection`, …); a list of references is one column, space-separated in CSV
/// and a JSON array in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Where it is in the row: a key, or a key and a key within it.
    pub path: Vec<&'static str>,
    /// What it holds.
    pub kind: FieldKind,
}

impl Entity {
    /// The entity's flat columns, in the row's order; `None` when it has no typed shape yet.
    pub fn columns(self) -> Option<Vec<Column>> {
        let fields = self.fields()?;
        let column = |name: String, path: Vec<&'static str>, kind| Column { name, path, kind };
        let mut columns = vec![column("id".into(), vec!["id"], FieldKind::Text)];
        for (field, kind) in fields {
            if *kind == FieldKind::Money {
                for (part, part_kind) in [
                    ("minor_units", FieldKind::Integer),
                    ("currency", FieldKind::Currency),
                    ("exponent", FieldKind::Integer),
                    ("decimal", FieldKind::Text),
                ] {
                    columns.push(column(
                        format!("{field}_{part}"),
                        vec![field, part],
                        part_kind,
                    ));
                }
            } else {
                columns.push(column((*field).into(), vec![field], *kind));
            }
        }
        for part in ["connection", "provider", "stream", "record_id"] {
            columns.push(column(
                format!("source_{part}"),
                vec!["source", part],
                FieldKind::Text,
            ));
        }
        columns.push(column(
            "updated_at".into(),
            vec!["updated_at"],
            FieldKind::Instant,
        ));
        Some(columns)
    }
}
