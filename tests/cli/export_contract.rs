//! The export contract (schema_version 2) end to end against the sandbox: exact money, one
//! shape per entity with every key present, foreign keys that join, the shipped schema.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::common::{Home, Sandbox, assert_success, export_document, require_keychain};

/// A home with `acme` connected to the sandbox's HubSpot and Stripe, fetched.
fn fetched(sandbox: &Sandbox) -> Home {
    let home = Home::new();
    home.connect(sandbox, "acme");
    let (stripe_url, stripe_key, _) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    assert_success(&home.run(&["fetch"]));
    home
}

fn rows<'a>(document: &'a Value, entity: &str) -> &'a Vec<Value> {
    document[entity]
        .as_array()
        .unwrap_or_else(|| panic!("`{entity}` is an array"))
}

/// Every money object in a row: (key, value).
fn money_fields(row: &Value) -> Vec<(String, Value)> {
    row.as_object()
        .expect("row object")
        .iter()
        .filter(|(_, value)| value.get("minor_units").is_some())
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// The provider's record as the cache keeps it.
fn raw(home: &Home, connection: &str, stream: &str, record_id: &str) -> Value {
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    let text: String = conn
        .query_row(
            "SELECT raw FROM records WHERE connection_id = ?1 AND stream = ?2 AND record_id = ?3",
            [connection, stream, record_id],
            |row| row.get(0),
        )
        .expect("raw record");
    serde_json::from_str(&text).expect("raw JSON")
}

/// `"2739.7"` as hundredths, exactly, by string arithmetic (the test's own, not inlet's).
fn hundredths(text: &str) -> i64 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let fraction = format!("{fraction:0<2}");
    assert_eq!(
        fraction.len(),
        2,
        "the sandbox writes at most cents: {text}"
    );
    format!("{whole}{fraction}").parse().expect("digits")
}

#[test]
fn money_is_exact_minor_units_with_currency_and_never_summed_across_currencies() {
    require_keychain();
    let sandbox = Sandbox::start(300, 0);
    let home = fetched(&sandbox);
    let document = export_document(&home, "acme");

    let mut checked = 0;
    for entity in ["deals", "invoices", "payments"] {
        for row in rows(&document, entity) {
            for (key, money) in money_fields(row) {
                let minor = money["minor_units"].as_i64().expect("integer minor units");
                let exponent = money["exponent"].as_u64().expect("exponent");
                let currency = money["currency"].as_str().expect("currency");
                assert_eq!(Some(currency), row["currency"].as_str(), "{row}");
                assert_eq!(exponent, 2, "the sandbox's currencies have cents: {row}");
                let expected = format!("{}.{:02}", minor / 100, minor % 100);
                assert_eq!(money["decimal"], expected.as_str(), "{entity}.{key}: {row}");
                // The amount is exactly what the provider sent.
                let source = &row["source"];
                let record = raw(
                    &home,
                    source["connection"].as_str().expect("connection"),
                    source["stream"].as_str().expect("stream"),
                    source["record_id"].as_str().expect("record id"),
                );
                let sent = if entity == "deals" {
                    hundredths(
                        record["properties"]["amount"]
                            .as_str()
                            .expect("amount text"),
                    )
                } else {
                    record[&key].as_i64().expect("Stripe amounts are integers")
                };
                assert_eq!(minor, sent, "{entity}.{key}: {row}");
                assert_eq!(currency, record_currency(entity, &record), "{row}");
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "money was checked ({checked})");
    // No amount anywhere is a bare (float) number.
    for (entity, keys) in [
        ("deals", &["amount"][..]),
        (
            "invoices",
            &["amount_due", "amount_paid", "amount_remaining", "total"][..],
        ),
        ("payments", &["amount", "amount_refunded"][..]),
    ] {
        for row in rows(&document, entity) {
            for key in keys {
                assert!(
                    row[key].is_object() || row[key].is_null(),
                    "{entity}.{key}: {row}"
                );
            }
        }
    }

    // The dashboard example adds amounts only within a currency: its totals are per currency
    // and equal the test's own integer sums.
    let path = home.path().join("acme.json");
    std::fs::write(&path, serde_json::to_vec(&document).expect("json")).expect("write");
    let kpis = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dashboard_input.py"))
        .arg(&path)
        .output()
        .expect("python3");
    assert_success(&kpis);
    let kpis: Value = serde_json::from_slice(&kpis.stdout).expect("kpis json");
    let mut won: BTreeMap<String, i64> = BTreeMap::new();
    for deal in rows(&document, "deals") {
        if deal["stage_id"] == "closedwon" && deal["amount"].is_object() {
            *won.entry(
                deal["amount"]["currency"]
                    .as_str()
                    .expect("currency")
                    .to_owned(),
            )
            .or_default() += deal["amount"]["minor_units"].as_i64().expect("minor");
        }
    }
    assert!(
        won.len() > 1,
        "the sandbox's deals use several currencies: {won:?}"
    );
    let reported: BTreeMap<String, i64> = kpis["deals"]["won_amount"]
        .as_array()
        .expect("won per currency")
        .iter()
        .map(|total| {
            (
                total["currency"].as_str().expect("currency").to_owned(),
                total["minor_units"].as_i64().expect("minor units"),
            )
        })
        .collect();
    assert_eq!(reported, won);
    let months = kpis["revenue_by_month"].as_array().expect("revenue");
    assert!(months.iter().all(|month| month["currency"].is_string()));
    assert!(
        months
            .iter()
            .map(|month| month["currency"].as_str())
            .collect::<BTreeSet<_>>()
            .len()
            > 1
    );
}

fn record_currency(entity: &str, record: &Value) -> String {
    let text = if entity == "deals" {
        record["properties"]["deal_currency_code"].as_str()
    } else {
        record["currency"].as_str()
    };
    text.expect("currency").to_ascii_uppercase()
}

#[test]
fn each_entity_has_one_shape_its_own_array_and_foreign_keys_that_join() {
    require_keychain();
    let sandbox = Sandbox::start(200, 0);
    let home = fetched(&sandbox);
    let document = export_document(&home, "acme");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/export.schema.json"),
        )
        .expect("schema"),
    )
    .expect("schema JSON");

    let (_, _, stripe_counts) = sandbox.provider("stripe");
    let stripe = |stream: &str| {
        stripe_counts
            .iter()
            .find(|(name, _)| name == stream)
            .map_or(0, |(_, count)| *count as usize)
    };
    // Stripe customers are customers, apart from HubSpot's contacts.
    assert_eq!(
        rows(&document, "contacts").len(),
        sandbox.count("contacts") as usize
    );
    assert_eq!(rows(&document, "customers").len(), stripe("customers"));
    assert!(
        rows(&document, "contacts")
            .iter()
            .all(|contact| contact["source"]["provider"] == "hubspot")
    );

    // Every row of an entity has exactly the keys of its type, in the same order, whatever
    // its provider sent (null when unknown).
    for (entity, definition) in [
        ("contacts", "Contact"),
        ("companies", "Company"),
        ("deals", "Deal"),
        ("customers", "Customer"),
        ("invoices", "Invoice"),
        ("payments", "Payment"),
    ] {
        let expected: Vec<&str> = schema["$defs"][definition]["required"]
            .as_array()
            .expect("required keys")
            .iter()
            .map(|key| key.as_str().expect("key"))
            .collect();
        assert!(expected.contains(&"id") && expected.contains(&"source"));
        let all = rows(&document, entity);
        assert!(!all.is_empty(), "{entity}");
        for row in all {
            let keys: Vec<&str> = row
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, expected, "{entity}: {row}");
        }
    }
    // Some keys the sandbox leaves out are there as null, not absent.
    assert!(
        rows(&document, "contacts")
            .iter()
            .any(|contact| contact["phone"].is_null())
    );

    // Foreign keys are ids: every invoice and payment joins its customer by equality.
    let customers: BTreeSet<&str> = rows(&document, "customers")
        .iter()
        .map(|customer| customer["id"].as_str().expect("id"))
        .collect();
    for entity in ["invoices", "payments"] {
        let all = rows(&document, entity);
        let joined = all
            .iter()
            .filter(|row| {
                row["customer_id"]
                    .as_str()
                    .is_some_and(|id| customers.contains(id))
            })
            .count();
        assert_eq!(joined, all.len(), "every {entity} row joins its customer");
    }
    let ids: BTreeSet<&str> = [
        "contacts",
        "companies",
        "deals",
        "stages",
        "owners",
        "customers",
        "invoices",
        "payments",
    ]
    .iter()
    .flat_map(|entity| rows(&document, entity))
    .map(|row| row["id"].as_str().expect("id"))
    .collect();
    let total: usize = [
        "contacts",
        "companies",
        "deals",
        "stages",
        "owners",
        "customers",
        "invoices",
        "payments",
    ]
    .iter()
    .map(|entity| rows(&document, entity).len())
    .sum();
    assert_eq!(ids.len(), total, "ids are unique across the document");
}

#[test]
fn rows_cached_by_an_older_shape_are_rewritten_before_an_export() {
    require_keychain();
    let sandbox = Sandbox::start(40, 0);
    let home = fetched(&sandbox);
    let fresh = export_document(&home, "acme");
    // What schema 1 left in a cache: Stripe customers among contacts, other keys, no label.
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    conn.execute(
        "UPDATE records SET shape = '', normalized = '{\"id\":\"old\",\"amount\":27.5}',
                entity = CASE stream WHEN 'customers' THEN 'contacts' ELSE entity END",
        [],
    )
    .expect("age the rows");
    drop(conn);
    let rewritten = export_document(&home, "acme");
    for entity in [
        "contacts",
        "companies",
        "deals",
        "stages",
        "owners",
        "customers",
        "invoices",
        "payments",
    ] {
        assert_eq!(rewritten[entity], fresh[entity], "{entity}");
    }
}

/// Deals name their pipeline, stage, status and owner from the `stages` and `owners` streams,
/// in the export, the CSV and the SQL view alike; a stage renamed at the provider shows on
/// every deal at once (the lookup happens as the rows are read), and the dashboard and report
/// show labels, not stage ids.
#[test]
fn deals_carry_stage_labels_status_and_owner_names_from_reference_streams() {
    require_keychain();
    let sandbox = Sandbox::start(200, 0);
    let home = fetched(&sandbox);
    let document = export_document(&home, "acme");
    let stages = rows(&document, "stages");
    assert_eq!(stages.len() as u64, sandbox.count("stages"));
    let stage_of: BTreeMap<&str, &Value> = stages
        .iter()
        .map(|stage| (stage["source"]["record_id"].as_str().expect("id"), stage))
        .collect();
    assert_eq!(stage_of["closedwon"]["status"], "won");
    assert_eq!(stage_of["closedlost"]["status"], "lost");
    assert_eq!(stage_of["appointmentscheduled"]["status"], "open");
    assert_eq!(stage_of["appointmentscheduled"]["probability"], 0.2);
    assert_eq!(stage_of["contractsent"]["pipeline"], "Sales Pipeline");
    let owners = rows(&document, "owners");
    assert_eq!(owners.len() as u64, sandbox.count("owners"));
    let owner_of: BTreeMap<&str, &Value> = owners
        .iter()
        .map(|owner| (owner["id"].as_str().expect("id"), owner))
        .collect();
    assert!(owners.iter().all(|owner| owner["name"].is_string()));

    let deals: Vec<&Value> = rows(&document, "deals").iter().collect();
    assert_eq!(deals.len() as u64, sandbox.count("deals"));
    let mut owned = 0;
    for deal in &deals {
        let stage = stage_of[deal["stage_id"].as_str().expect("stage id")];
        assert_eq!(deal["stage"], stage["label"], "{deal}");
        assert_eq!(deal["status"], stage["status"], "{deal}");
        assert_eq!(deal["stage_order"], stage["display_order"]);
        assert_eq!(deal["stage_probability"], stage["probability"]);
        assert_eq!(deal["pipeline"], "Sales Pipeline");
        if let Some(owner_id) = deal["owner_id"].as_str() {
            let owner = owner_of
                .get(owner_id)
                .unwrap_or_else(|| panic!("{owner_id} joins an owner row"));
            assert_eq!(deal["owner_name"], owner["name"]);
            assert_eq!(deal["owner_email"], owner["email"]);
            owned += 1;
        } else {
            assert!(deal["owner_name"].is_null());
        }
    }
    assert!(owned > deals.len() / 2, "most deals have an owner: {owned}");

    // The SQL view reads the same labels.
    let view = |home: &Home| -> Vec<(String, String, Option<String>)> {
        let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
        let mut statement = conn
            .prepare("SELECT stage, status, owner_name FROM inlet_deals WHERE client = 'acme' ORDER BY id")
            .expect("the view");
        statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let mut sorted = deals.clone();
    sorted.sort_by_key(|deal| deal["id"].as_str().unwrap_or_default().to_owned());
    let from_export: Vec<(String, String, Option<String>)> = sorted
        .iter()
        .map(|deal| {
            (
                deal["stage"].as_str().unwrap_or_default().to_owned(),
                deal["status"].as_str().unwrap_or_default().to_owned(),
                deal["owner_name"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(view(&home), from_export);

    // A stage renamed at the provider, as the next fetch of `stages` writes it.
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    conn.execute(
        "UPDATE records SET normalized = json_set(normalized, '$.label', 'Won (signed)')
         WHERE entity = 'stages' AND record_id = 'closedwon'",
        [],
    )
    .expect("rename the stage");
    drop(conn);
    let renamed = export_document(&home, "acme");
    let won: Vec<&Value> = rows(&renamed, "deals")
        .iter()
        .filter(|deal| deal["stage_id"] == "closedwon")
        .collect();
    assert!(!won.is_empty());
    assert!(won.iter().all(|deal| deal["stage"] == "Won (signed)"));
    assert!(
        view(&home)
            .iter()
            .any(|(stage, ..)| stage == "Won (signed)")
    );

    // The report names stages by their labels.
    let report = home.run(&[
        "report", "--client", "acme", "--until", "latest", "--period", "3650d",
    ]);
    assert_success(&report);
    let brief = String::from_utf8_lossy(&report.stdout);
    assert!(
        !brief.contains("closedwon") && !brief.contains("appointmentscheduled"),
        "{brief}"
    );
    assert!(
        brief.contains("| stage | Won (signed) |") || brief.contains("| stage | Closed Lost |"),
        "{brief}"
    );
}

/// Deals link their company and contacts through HubSpot's associations (read in batches
/// after each pass, since search results carry none): every link is the `id` of a row in the
/// same document, the company is the one the deal is named for, the SQL view has the same
/// links, and an incremental fetch keeps them for unchanged deals and re-reads changed ones.
#[test]
fn deals_link_their_companies_and_contacts() {
    require_keychain();
    let sandbox = Sandbox::start_args(&["--records", "200", "--churn", "5"]);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    let check = |document: &Value| {
        let companies: BTreeMap<&str, &Value> = rows(document, "companies")
            .iter()
            .map(|row| (row["id"].as_str().expect("id"), row))
            .collect();
        let contacts: BTreeSet<&str> = rows(document, "contacts")
            .iter()
            .map(|row| row["id"].as_str().expect("id"))
            .collect();
        let deals = rows(document, "deals");
        assert_eq!(deals.len() as u64, sandbox.count("deals"));
        for deal in deals {
            let linked = deal["company_ids"]
                .as_array()
                .expect("company_ids is a list");
            assert_eq!(linked.len(), 1, "{deal}");
            let company = companies[linked[0].as_str().expect("an id")];
            let name = deal["name"].as_str().expect("name");
            assert!(
                name.starts_with(company["name"].as_str().expect("company name")),
                "{name} is for {company}"
            );
            let people = deal["contact_ids"]
                .as_array()
                .expect("contact_ids is a list");
            assert!(!people.is_empty(), "{deal}");
            assert!(
                people
                    .iter()
                    .all(|id| contacts.contains(id.as_str().unwrap_or_default()))
            );
        }
    };
    let first = export_document(&home, "acme");
    check(&first);
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    let in_view: Vec<(String, String)> = conn
        .prepare(
            "SELECT company_ids, contact_ids FROM inlet_deals WHERE client = 'acme' ORDER BY id",
        )
        .expect("the view")
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut deals: Vec<&Value> = rows(&first, "deals").iter().collect();
    deals.sort_by_key(|deal| deal["id"].as_str().unwrap_or_default().to_owned());
    let in_export: Vec<(String, String)> = deals
        .iter()
        .map(|deal| {
            (
                deal["company_ids"].to_string(),
                deal["contact_ids"].to_string(),
            )
        })
        .collect();
    let in_view: Vec<(String, String)> = in_view
        .into_iter()
        .map(|(companies, contacts)| {
            let parse = |text: &str| {
                serde_json::from_str::<Value>(text)
                    .expect("JSON")
                    .to_string()
            };
            (parse(&companies), parse(&contacts))
        })
        .collect();
    assert_eq!(in_view, in_export);
    drop(conn);

    sandbox.tick();
    let fetched = home.json(&["fetch"], 0);
    let deals_report = fetched["runs"][0]["streams"]
        .as_array()
        .and_then(|streams| streams.iter().find(|stream| stream["stream"] == "deals"))
        .expect("deals");
    assert_eq!(deals_report["mode"], "incremental");
    assert_eq!(deals_report["records_updated"], 5, "{deals_report}");
    let second = export_document(&home, "acme");
    check(&second);
    crate::common::assert_valid_export(&second);
}
