//! HubSpot's reference data: the deal pipeline (`GET /crm/v3/pipelines/deals`) with the stages
//! the generated deals use, and the owners (`GET /crm/v3/owners`) whose ids the deals carry.
//! Shapes as HubSpot documents them: stage `metadata` values are strings (`"0.2"`, `"true"`).

use serde_json::{Value, json};

use super::super::dates::{epoch_ms, iso_millis};

/// The default pipeline's stages: id, label, probability, closed.
pub(super) const STAGES: [(&str, &str, &str, bool); 7] = [
    (
        "appointmentscheduled",
        "Appointment Scheduled",
        "0.2",
        false,
    ),
    ("qualifiedtobuy", "Qualified To Buy", "0.4", false),
    (
        "presentationscheduled",
        "Presentation Scheduled",
        "0.6",
        false,
    ),
    (
        "decisionmakerboughtin",
        "Decision Maker Bought-In",
        "0.8",
        false,
    ),
    ("contractsent", "Contract Sent", "0.9", false),
    ("closedwon", "Closed Won", "1.0", true),
    ("closedlost", "Closed Lost", "0.0", true),
];

/// The owners' first and last names; owner `k` has id `FIRST_OWNER_ID + k * OWNER_ID_STEP`.
const OWNERS: [(&str, &str); 8] = [
    ("Maya", "Okafor"),
    ("Jonas", "Lindqvist"),
    ("Priya", "Raman"),
    ("Tomás", "Herrera"),
    ("Claire", "Dubois"),
    ("Kenji", "Watanabe"),
    ("Amara", "Nwosu"),
    ("Lukas", "Becker"),
];
pub(super) const FIRST_OWNER_ID: u64 = 52_550_153;
pub(super) const OWNER_ID_STEP: u64 = 1_117;

/// The number of owners deals are spread over.
pub(super) const OWNER_COUNT: u64 = OWNERS.len() as u64;

/// The deal pipelines, as `GET /crm/v3/pipelines/deals` answers (no paging).
pub(super) fn deal_pipelines() -> Value {
    let created = iso_millis(epoch_ms(2023, 1, 9));
    let updated = iso_millis(epoch_ms(2025, 6, 2));
    let stages: Vec<Value> = STAGES
        .iter()
        .enumerate()
        .map(|(order, (id, label, probability, closed))| {
            json!({
                "label": label,
                "displayOrder": order,
                "metadata": {"isClosed": closed.to_string(), "probability": probability},
                "id": id,
                "createdAt": created,
                "updatedAt": updated,
                "archived": false,
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
            })
        })
        .collect();
    json!({"results": [{
        "label": "Sales Pipeline",
        "displayOrder": 0,
        "id": "default",
        "stages": stages,
        "createdAt": created,
        "updatedAt": updated,
        "archived": false,
    }]})
}

/// The owners, as `GET /crm/v3/owners` answers: all of them on one page (there are fewer than
/// any limit), so no `paging`.
pub(super) fn owners(domain: &str) -> Value {
    let created = iso_millis(epoch_ms(2023, 1, 9));
    let results: Vec<Value> = OWNERS
        .iter()
        .enumerate()
        .map(|(index, (first, last))| {
            let id = FIRST_OWNER_ID + index as u64 * OWNER_ID_STEP;
            json!({
                "id": id.to_string(),
                "email": format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase()),
                "type": "PERSON",
                "firstName": first,
                "lastName": last,
                "userId": 9_000_000 + index as u64,
                "userIdIncludingInactive": 9_000_000 + index as u64,
                "createdAt": created,
                "updatedAt": iso_millis(epoch_ms(2025, 2, 1 + index as u64)),
                "archived": false,
            })
        })
        .collect();
    json!({ "results": results })
}
