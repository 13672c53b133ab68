//! Churn seen from a client: a tick reports exactly which records changed, a search from the
//! tick's clock finds exactly those, lists and retrievals show the new values, and nothing else
//! moves.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};

use super::super::dates::parse_iso_millis;
use super::{Running, SandboxConfig, start};

const OBJECTS: [(&str, &str); 3] = [
    ("contacts", "lastmodifieddate"),
    ("companies", "hs_lastmodifieddate"),
    ("deals", "hs_lastmodifieddate"),
];

async fn start_churning(records: u64, churn: u64) -> Running {
    start(SandboxConfig {
        records,
        churn,
        seed: 9,
        ..SandboxConfig::default()
    })
    .await
}

fn id_set(values: &Value) -> BTreeSet<String> {
    values
        .as_array()
        .expect("id list")
        .iter()
        .map(|id| id.as_str().expect("id string").to_owned())
        .collect()
}

/// The ids a search for records modified at or after `since` (any value HubSpot accepts)
/// returns, with their records.
async fn modified_since(run: &Running, object: &str, property: &str, since: Value) -> Vec<Value> {
    let (status, _, body) = run
        .search(
            object,
            &json!({
                "filterGroups": [{"filters": [
                    {"propertyName": property, "operator": "GTE", "value": since},
                ]}],
                "properties": ["lifecyclestage", "phone", "numberofemployees", "amount", "dealstage"],
                "limit": 200,
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("paging").is_none());
    body["results"].as_array().expect("results").clone()
}

/// Every record of a HubSpot object through the list endpoint, by id.
async fn listed(run: &Running, object: &str) -> BTreeMap<String, Value> {
    let properties = "lifecyclestage,phone,numberofemployees,amount,dealstage,lastmodifieddate,\
                      hs_lastmodifieddate";
    super::page_all(
        run,
        &format!("/crm/v3/objects/{object}"),
        Some(properties),
        100,
    )
    .await
    .into_iter()
    .map(|r| (r["id"].as_str().expect("id").to_owned(), r))
    .collect()
}

#[tokio::test]
async fn hubspot_ticks_are_found_by_date_searches_and_shown_by_lists() {
    let run = start_churning(2_000, 7).await;
    let before: Vec<BTreeMap<String, Value>> = {
        let mut all = Vec::new();
        for (object, _) in OBJECTS {
            all.push(listed(&run, object).await);
        }
        all
    };
    let tick = run.tick().await;
    assert_eq!(tick["tick"], 1);
    assert_eq!(tick["clock"], "2026-04-01T01:00:00.000Z");
    let clock = parse_iso_millis(tick["clock"].as_str().expect("clock")).expect("ISO");
    for ((object, property), before) in OBJECTS.into_iter().zip(&before) {
        let changed = id_set(&tick["changed"]["hubspot"][object]);
        assert_eq!(changed.len(), 7, "{object}");
        // Exactly the changed records are modified at or after the tick, by ms or ISO value.
        for since in [
            json!(clock.to_string()),
            tick["clock"].clone(),
            json!(clock),
        ] {
            let found = modified_since(&run, object, property, since).await;
            let ids: BTreeSet<String> = found
                .iter()
                .map(|r| r["id"].as_str().expect("id").to_owned())
                .collect();
            assert_eq!(ids, changed, "{object}");
            for record in &found {
                assert_eq!(record["updatedAt"], tick["clock"]);
                assert_eq!(record["properties"][property], tick["clock"]);
            }
        }
        let after = listed(&run, object).await;
        assert_eq!(
            after.len(),
            before.len(),
            "churn creates and deletes nothing"
        );
        for (id, record) in &after {
            let old = &before[id];
            if changed.contains(id) {
                assert_eq!(record["updatedAt"], tick["clock"]);
                assert_eq!(record["createdAt"], old["createdAt"]);
                let visible = ["lifecyclestage", "phone", "numberofemployees", "amount"]
                    .iter()
                    .any(|p| record["properties"][p] != old["properties"][p]);
                assert!(visible, "{object} {id}: {old} -> {record}");
            } else {
                assert_eq!(record, old, "{object} {id} did not change");
            }
        }
    }
    // A second tick: its own records at its own clock; a search from the first clock sees both.
    let second = run.tick().await;
    assert_eq!(second["clock"], "2026-04-01T02:00:00.000Z");
    let (object, property) = OBJECTS[0];
    let latest = modified_since(&run, object, property, second["clock"].clone()).await;
    let ids: BTreeSet<String> = latest
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, id_set(&second["changed"]["hubspot"][object]));
    let both = modified_since(&run, object, property, tick["clock"].clone()).await;
    let union: BTreeSet<String> = id_set(&tick["changed"]["hubspot"][object])
        .union(&id_set(&second["changed"]["hubspot"][object]))
        .cloned()
        .collect();
    assert_eq!(both.len(), union.len());
    run.stop().await;
}

#[tokio::test]
async fn stripe_ticks_change_objects_in_place() {
    let run = start_churning(300, 4).await;
    let tick = run.tick().await;
    for kind in ["customers", "charges", "invoices"] {
        let changed = id_set(&tick["changed"]["stripe"][kind]);
        assert_eq!(changed.len(), 4, "{kind}");
        let clean = start(SandboxConfig {
            records: 300,
            seed: 9,
            ..SandboxConfig::default()
        })
        .await;
        for id in &changed {
            let (status, now) = run.stripe_json(&format!("/v1/{kind}/{id}")).await;
            assert_eq!(status, 200);
            let (_, was) = clean.stripe_json(&format!("/v1/{kind}/{id}")).await;
            assert_eq!(now["metadata"]["sandbox_revision"], "1");
            assert_eq!(now["created"], was["created"], "created never changes");
            if kind == "customers" {
                assert_ne!(now["email"], was["email"]);
            }
        }
        // Lists show the same new values, in the same place (ordered by `created`).
        let (_, page) = run.stripe_json(&format!("/v1/{kind}?limit=100")).await;
        let (_, old_page) = clean.stripe_json(&format!("/v1/{kind}?limit=100")).await;
        let ids = |page: &Value| -> Vec<String> {
            page["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|o| o["id"].as_str().expect("id").to_owned())
                .collect()
        };
        assert_eq!(ids(&page), ids(&old_page));
        for (now, was) in page["data"]
            .as_array()
            .expect("data")
            .iter()
            .zip(old_page["data"].as_array().expect("data"))
        {
            let id = now["id"].as_str().expect("id");
            assert_eq!(now == was, !changed.contains(id), "{id}");
        }
        clean.stop().await;
    }
    run.stop().await;
}

#[tokio::test]
async fn ticks_without_churn_only_move_the_clock() {
    let run = start_churning(50, 0).await;
    let tick = run.tick().await;
    assert_eq!(
        tick,
        json!({
            "tick": 1,
            "clock": "2026-04-01T01:00:00.000Z",
            "changed": {
                "hubspot": {"contacts": [], "companies": [], "deals": []},
                "stripe": {"customers": [], "charges": [], "invoices": []},
                "salesforce": {"accounts": [], "contacts": [], "opportunities": [], "leads": []},
            },
            "deleted": {
                "hubspot": {"contacts": [], "companies": [], "deals": []},
                "stripe": {"customers": [], "charges": [], "invoices": []},
                "salesforce": {"accounts": [], "contacts": [], "opportunities": [], "leads": []},
            },
        })
    );
    let stats = run.stats().await;
    assert_eq!(stats["tick"], 1);
    assert_eq!(stats["requests"], 0, "admin calls are not counted");
    run.stop().await;

    // More churn than records changes every record, once.
    let run = start_churning(3, 50).await;
    let tick = run.tick().await;
    assert_eq!(
        tick["changed"]["hubspot"]["contacts"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(
        tick["changed"]["stripe"]["charges"]
            .as_array()
            .map(Vec::len),
        Some(6)
    );
    run.stop().await;
}

#[tokio::test]
async fn churn_every_ticks_on_its_own() {
    let run = start(SandboxConfig {
        records: 20,
        churn: 1,
        churn_every: Some(Duration::from_millis(100)),
        ..SandboxConfig::default()
    })
    .await;
    let began = std::time::Instant::now();
    tokio::time::sleep(Duration::from_millis(450)).await;
    let ticks = run.stats().await["tick"].as_u64().expect("tick");
    // At least the four ticks due by now (less one for timer slack), and never more than the
    // time elapsed allows.
    let due = u64::try_from(began.elapsed().as_millis() / 100).unwrap_or(u64::MAX);
    assert!(ticks >= 3 && ticks <= due, "{ticks} ticks, {due} due");
    let (_, _, body) = run
        .search(
            "contacts",
            &json!({"filterGroups": [{"filters": [
                {"propertyName": "lastmodifieddate", "operator": "GTE", "value": "2026-04-01T00:00:00Z"},
            ]}]}),
        )
        .await;
    assert!(body["total"].as_u64().is_some_and(|n| n >= 1));
    run.stop().await;
}

/// Deleted records leave HubSpot's lists and searches and appear with `archived=true` (with
/// `archivedAt`); deleted Stripe customers leave the list, retrieve as a `deleted` stub and
/// appear as `customer.deleted` events, newest first, paged with `starting_after`.
#[tokio::test]
async fn deleted_records_are_archived_or_evented_and_leave_every_list() {
    let run = start(SandboxConfig {
        records: 120,
        churn: 1,
        churn_deletes: 2,
        seed: 9,
        ..SandboxConfig::default()
    })
    .await;
    let before = listed(&run, "contacts").await;
    let first = run.tick().await;
    let second = run.tick().await;
    let gone: BTreeSet<String> = id_set(&first["deleted"]["hubspot"]["contacts"])
        .union(&id_set(&second["deleted"]["hubspot"]["contacts"]))
        .cloned()
        .collect();
    assert_eq!(gone.len(), 4);
    let after = listed(&run, "contacts").await;
    assert_eq!(after.len(), before.len() - 4);
    assert!(gone.iter().all(|id| !after.contains_key(id)));

    let (status, archived) = run
        .get_json("/crm/v3/objects/contacts?archived=true&limit=3")
        .await;
    assert_eq!(status, 200, "{archived}");
    let first_page = archived["results"].as_array().expect("results").clone();
    assert_eq!(first_page.len(), 3);
    assert!(
        first_page
            .iter()
            .all(|record| record["archived"] == true && record["archivedAt"].is_string())
    );
    let after_cursor = archived["paging"]["next"]["after"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let (_, rest) = run
        .get_json(&format!(
            "/crm/v3/objects/contacts?archived=true&limit=3&after={after_cursor}"
        ))
        .await;
    let listed_ids: BTreeSet<String> = first_page
        .iter()
        .chain(rest["results"].as_array().expect("results"))
        .map(|record| record["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(listed_ids, gone);
    assert!(rest.get("paging").is_none(), "{rest}");
    let found = modified_since(&run, "contacts", "lastmodifieddate", json!(0)).await;
    assert!(
        found
            .iter()
            .all(|record| !gone.contains(record["id"].as_str().unwrap_or_default()))
    );

    let customers: BTreeSet<String> = id_set(&first["deleted"]["stripe"]["customers"])
        .union(&id_set(&second["deleted"]["stripe"]["customers"]))
        .cloned()
        .collect();
    assert_eq!(customers.len(), 4);
    assert!(id_set(&first["deleted"]["stripe"]["charges"]).is_empty());
    let (status, page) = run
        .stripe_json("/v1/events?type=customer.deleted&limit=3")
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["has_more"], true);
    let events = page["data"].as_array().expect("events").clone();
    assert!(
        events
            .iter()
            .all(|event| event["type"] == "customer.deleted")
    );
    assert!(
        events
            .windows(2)
            .all(|pair| pair[0]["created"].as_u64() >= pair[1]["created"].as_u64()),
        "newest first"
    );
    let last = events
        .last()
        .and_then(|event| event["id"].as_str())
        .expect("id");
    let (_, next) = run
        .stripe_json(&format!(
            "/v1/events?type=customer.deleted&limit=3&starting_after={last}"
        ))
        .await;
    assert_eq!(next["has_more"], false);
    let evented: BTreeSet<String> = events
        .iter()
        .chain(next["data"].as_array().expect("events"))
        .map(|event| {
            event["data"]["object"]["id"]
                .as_str()
                .expect("id")
                .to_owned()
        })
        .collect();
    assert_eq!(evented, customers);
    let (_, other) = run.stripe_json("/v1/events?type=invoice.paid").await;
    assert_eq!(other["data"], json!([]));
    let one = customers.iter().next().expect("one");
    let (status, stub) = run.stripe_json(&format!("/v1/customers/{one}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        stub,
        json!({"id": one, "object": "customer", "deleted": true})
    );
    let (_, list) = run.stripe_json("/v1/customers?limit=100").await;
    assert!(
        list["data"]
            .as_array()
            .expect("customers")
            .iter()
            .all(|customer| !customers.contains(customer["id"].as_str().unwrap_or_default()))
    );
    run.stop().await;
}
