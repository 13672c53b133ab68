//! Deletions end to end against the sandbox: records the provider deleted (HubSpot's archived
//! objects, Stripe's `customer.deleted` events) leave the cache, the export and the views after
//! the next fetch, whatever the fetch mode; the fetch report, `status` and the export manifest
//! count them; an id listed again, or never cached, removes nothing.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{
    Home, Sandbox, assert_success, assert_valid_export, export_document, require_keychain,
};

fn ids_of<'a>(document: &'a Value, entity: &str, connection: &str) -> BTreeSet<&'a str> {
    document[entity]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["source"]["connection"] == connection)
        .map(|row| row["source"]["record_id"].as_str().expect("record id"))
        .collect()
}

fn deleted(tick: &Value, provider: &str, stream: &str) -> Vec<String> {
    tick["deleted"][provider][stream]
        .as_array()
        .expect("deleted ids")
        .iter()
        .map(|id| id.as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn deleted_records_leave_the_cache_and_the_export_and_are_counted() {
    require_keychain();
    let sandbox =
        Sandbox::start_args(&["--records", "300", "--churn", "2", "--churn-deletes", "3"]);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let (stripe_url, stripe_key, stripe_counts) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    assert_success(&home.run(&["fetch"]));
    let before = export_document(&home, "acme");

    let tick = sandbox.tick();
    let gone = [
        ("hubspot", "contacts", "contacts", "acme/hubspot"),
        ("hubspot", "companies", "companies", "acme/hubspot"),
        ("hubspot", "deals", "deals", "acme/hubspot"),
        ("stripe", "customers", "customers", "acme/stripe"),
    ];
    for (provider, stream, entity, connection) in gone {
        let ids = deleted(&tick, provider, stream);
        assert_eq!(ids.len(), 3, "{tick}");
        let cached = ids_of(&before, entity, connection);
        assert!(
            ids.iter().all(|id| cached.contains(id.as_str())),
            "{stream}"
        );
    }
    assert!(deleted(&tick, "stripe", "charges").is_empty());

    // An incremental fetch: the changed records come through search and `created` filters, the
    // deleted ones through the deletions listings.
    let fetched = home.json(&["fetch"], 0);
    let mut removed_total = 0;
    for run in fetched["runs"].as_array().expect("runs") {
        for stream in run["streams"].as_array().expect("streams") {
            let name = stream["stream"].as_str().expect("name");
            let expected = match (run["connection"].as_str(), name) {
                (Some("acme/hubspot"), "contacts" | "companies" | "deals")
                | (Some("acme/stripe"), "customers") => 3,
                _ => 0,
            };
            assert_eq!(stream["records_removed"], expected, "{name}: {stream}");
        }
        removed_total += run["records_removed"].as_u64().expect("run total");
    }
    assert_eq!(removed_total, 12);

    let after = export_document(&home, "acme");
    assert_valid_export(&after);
    for (provider, stream, entity, connection) in gone {
        let ids = deleted(&tick, provider, stream);
        let kept = ids_of(&after, entity, connection);
        assert!(ids.iter().all(|id| !kept.contains(id.as_str())), "{stream}");
        assert_eq!(
            kept.len() + 3,
            ids_of(&before, entity, connection).len(),
            "only the deleted ones left {entity}"
        );
    }
    // The manifest counts them per stream and per run; its counts agree with the arrays.
    let connections = after["manifest"]["connections"].as_array().expect("list");
    let hubspot = connections
        .iter()
        .find(|connection| connection["connection"] == "acme/hubspot")
        .expect("hubspot");
    assert_eq!(hubspot["last_run"]["records_removed"], 9);
    for stream in hubspot["streams"].as_array().expect("streams") {
        let expected = if ["contacts", "companies", "deals"]
            .contains(&stream["stream"].as_str().unwrap_or_default())
        {
            3
        } else {
            0
        };
        assert_eq!(stream["removed_last_run"], expected, "{stream}");
    }
    assert_eq!(
        after["manifest"]["counts"]["contacts"].as_u64(),
        after["contacts"].as_array().map(|rows| rows.len() as u64)
    );
    // The SQL views no longer have them either.
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    let in_view: u64 = conn
        .query_row(
            "SELECT COUNT(*) FROM inlet_customers WHERE client = 'acme'",
            [],
            |row| row.get(0),
        )
        .expect("count");
    let customers = stripe_counts
        .iter()
        .find(|(stream, _)| stream == "customers")
        .map(|(_, count)| *count)
        .expect("customers");
    assert_eq!(in_view, customers - 3);
    drop(conn);

    // Status shows the removals of the last run.
    let status = home.json(&["status", "acme/hubspot"], 0);
    assert_eq!(
        status["connections"][0]["last_run"]["records_removed"], 9,
        "{status}"
    );
    let table = String::from_utf8_lossy(&home.run(&["status"]).stdout).into_owned();
    assert!(table.contains("~6 -9"), "{table}");

    // The listings still name them: the next fetch removes nothing more; a full refresh
    // brings none of them back.
    let again = home.json(&["fetch"], 0);
    assert!(
        again["runs"]
            .as_array()
            .expect("runs")
            .iter()
            .all(|run| run["records_removed"] == 0),
        "{again}"
    );
    assert_success(&home.run(&["fetch", "--full-refresh"]));
    let refreshed = export_document(&home, "acme");
    for (_, _, entity, connection) in gone {
        assert_eq!(
            ids_of(&refreshed, entity, connection),
            ids_of(&after, entity, connection),
            "{entity}"
        );
    }
}
