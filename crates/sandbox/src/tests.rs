//! End-to-end tests of the sandbox: a real server bound on 127.0.0.1:0, driven over HTTP with
//! reqwest exactly as the connectors would drive HubSpot and Stripe. This file holds the shared
//! harness and the HubSpot list tests; `tests/` holds the rest, by feature.

mod churn;
mod faults;
mod google;
mod limits;
mod search;
mod stripe;

use std::collections::BTreeSet;
use std::time::Instant;

use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::*;

/// A sandbox serving in the background of the test's runtime.
struct Running {
    /// The HubSpot base URL and token.
    base: String,
    token: String,
    /// The Stripe base URL and key.
    stripe: String,
    key: String,
    /// `http://ADDR`, for the `/_sandbox` endpoints.
    origin: String,
    client: reqwest::Client,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

fn client() -> reqwest::Client {
    // The main crate builds reqwest with `rustls-no-provider`, so building a client needs a
    // process-wide crypto provider even for plain HTTP; a second install is a harmless no-op.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Proxies from the environment must not intercept loopback traffic.
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest client builds")
}

async fn start(config: SandboxConfig) -> Running {
    let sandbox = Sandbox::bind(config)
        .await
        .expect("sandbox binds to 127.0.0.1:0");
    let endpoints = sandbox.endpoints();
    let endpoint = |name: &str| {
        endpoints
            .iter()
            .find(|e| e.provider == name)
            .cloned()
            .expect("provider endpoint")
    };
    let (hubspot, stripe) = (endpoint("hubspot"), endpoint("stripe"));
    let origin = format!("http://{}", sandbox.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(sandbox.serve(async {
        let _ = stopped.await;
    }));
    Running {
        base: hubspot.base_url,
        token: hubspot.credential,
        stripe: stripe.base_url,
        key: stripe.credential,
        origin,
        client: client(),
        stop,
        task,
    }
}

async fn start_with(seed: u64, records: u64) -> Running {
    start(SandboxConfig {
        seed,
        records,
        ..SandboxConfig::default()
    })
    .await
}

impl Running {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request reaches the sandbox")
    }

    async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.json().await.expect("sandbox answers JSON"))
    }

    async fn get_text(&self, path: &str) -> String {
        self.get(path)
            .await
            .text()
            .await
            .expect("sandbox answers text")
    }

    /// A HubSpot search; the answer's status, headers and JSON body.
    async fn search(&self, object: &str, body: &Value) -> (u16, reqwest::header::HeaderMap, Value) {
        let response = self
            .client
            .post(format!("{}/crm/v3/objects/{object}/search", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("request reaches the sandbox");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (
            status,
            headers,
            response.json().await.expect("sandbox answers JSON"),
        )
    }

    /// A Stripe GET with the sandbox's key as a bearer token.
    async fn stripe_get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.stripe))
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("request reaches the sandbox")
    }

    async fn stripe_json(&self, path: &str) -> (u16, Value) {
        let response = self.stripe_get(path).await;
        let status = response.status().as_u16();
        (status, response.json().await.expect("sandbox answers JSON"))
    }

    /// `POST /_sandbox/tick`.
    async fn tick(&self) -> Value {
        let response = self
            .client
            .post(format!("{}/_sandbox/tick", self.origin))
            .send()
            .await
            .expect("request reaches the sandbox");
        assert_eq!(response.status().as_u16(), 200);
        response.json().await.expect("tick answers JSON")
    }

    /// `GET /_sandbox/stats`.
    async fn stats(&self) -> Value {
        let response = self
            .client
            .get(format!("{}/_sandbox/stats", self.origin))
            .send()
            .await
            .expect("request reaches the sandbox");
        assert_eq!(response.status().as_u16(), 200);
        response.json().await.expect("stats answer JSON")
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let served = tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("sandbox stops promptly after shutdown");
        served
            .expect("serve task did not panic")
            .expect("serve returns Ok");
    }
}

/// Pages through a stream to the end, checking each page's paging block on the way.
async fn page_all(run: &Running, path: &str, properties: Option<&str>, limit: u64) -> Vec<Value> {
    let selection = properties
        .map(|p| format!("&properties={p}"))
        .unwrap_or_default();
    // The link re-encodes the selection, commas included.
    let link_selection = selection.replace(',', "%2C");
    let mut records = Vec::new();
    let mut after: Option<String> = None;
    let max_pages = 2_000;
    for _ in 0..max_pages {
        let cursor = after
            .as_ref()
            .map(|a| format!("&after={a}"))
            .unwrap_or_default();
        let (status, body) = run
            .get_json(&format!("{path}?limit={limit}{cursor}{selection}"))
            .await;
        assert_eq!(status, 200, "{body}");
        let page = body["results"].as_array().expect("results array");
        assert!(page.len() as u64 <= limit);
        records.extend(page.iter().cloned());
        let Some(paging) = body.get("paging") else {
            return records;
        };
        assert_eq!(page.len() as u64, limit, "only the last page may be short");
        let next = paging["next"]["after"]
            .as_str()
            .expect("paging.next.after is a string");
        assert_eq!(
            paging["next"]["link"].as_str(),
            Some(
                format!(
                    "{}{path}?after={next}&limit={limit}{link_selection}",
                    run.base
                )
                .as_str()
            )
        );
        after = Some(next.to_owned());
    }
    panic!("{path} did not end within {max_pages} pages");
}

fn ids(records: &[Value]) -> Vec<u64> {
    records
        .iter()
        .map(|r| {
            r["id"]
                .as_str()
                .expect("id is a string")
                .parse()
                .expect("id is numeric")
        })
        .collect()
}

fn assert_error(body: &Value, category: &str) {
    let object = body.as_object().expect("error body is an object");
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut expected = vec!["category", "correlationId", "message", "status"];
    expected.sort_unstable();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    assert_eq!(keys_sorted, expected);
    assert_eq!(body["status"], "error");
    assert_eq!(body["category"], category);
    assert!(is_uuid_like(
        body["correlationId"]
            .as_str()
            .expect("correlationId is a string")
    ));
}

fn is_uuid_like(id: &str) -> bool {
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12] && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

fn is_iso_millis(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && value[..4] >= *"2023"
        && value[..4] <= *"2026"
}

const ALL_PROPERTIES: [(&str, &str); 3] = [
    (
        "contacts",
        "createdate,email,firstname,hs_object_id,lastmodifieddate,lastname,company,phone,lifecyclestage",
    ),
    (
        "companies",
        "createdate,domain,hs_lastmodifieddate,hs_object_id,name,industry,city,country,numberofemployees",
    ),
    (
        "deals",
        "dealname,amount,closedate,pipeline,dealstage,createdate,hs_lastmodifieddate,hs_object_id,deal_currency_code,hubspot_owner_id",
    ),
];

#[tokio::test]
async fn missing_or_wrong_token_gets_hubspots_401() {
    let run = start_with(42, 250).await;
    let url = format!("{}/crm/v3/objects/contacts", run.base);
    let wrong = "pat-sbx1-00000000000000000000000000000000";
    let attempts = [
        run.client.get(&url).send().await.expect("request"),
        run.client
            .get(&url)
            .bearer_auth(wrong)
            .send()
            .await
            .expect("request"),
        run.client
            .get(&url)
            .header("authorization", run.token.clone())
            .send()
            .await
            .expect("request"),
        run.client
            .get(format!("{}/account-info/v3/details", run.base))
            .bearer_auth(wrong)
            .send()
            .await
            .expect("request"),
    ];
    for response in attempts {
        assert_eq!(response.status().as_u16(), 401);
        let header = response.headers()["x-hubspot-correlation-id"]
            .to_str()
            .map(str::to_owned);
        let text = response.text().await.expect("body");
        assert!(
            !text.contains(wrong) && !text.contains(&run.token),
            "token echoed: {text}"
        );
        let body: Value = serde_json::from_str(&text).expect("JSON body");
        assert_error(&body, "INVALID_AUTHENTICATION");
        assert_eq!(
            body["message"],
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and \
             you can find more details at \
             https://developers.hubspot.com/docs/methods/auth/oauth-overview"
        );
        assert_eq!(header.ok().as_deref(), body["correlationId"].as_str());
    }
    run.stop().await;
}

#[tokio::test]
async fn account_info_matches_hubspots_shape() {
    let run = start_with(1_234_567, 10).await;
    for path in ["/account-info/v3/details", "/account-info/2026-03/details"] {
        let (status, body) = run.get_json(path).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            serde_json::json!({
                "portalId": 40_234_567,
                "accountType": "STANDARD",
                "timeZone": "US/Eastern",
                "companyCurrency": "USD",
                "additionalCurrencies": [],
                "utcOffset": "-05:00",
                "utcOffsetMilliseconds": -18_000_000,
                "uiDomain": "app.hubspot.com",
                "dataHostingLocation": "na1",
            })
        );
    }
    let (status, body) = run.get_json("/account-info/v9/details").await;
    assert_eq!(status, 404);
    assert_error(&body, "OBJECT_NOT_FOUND");
    run.stop().await;
}

#[tokio::test]
async fn full_pagination_yields_every_record_once_in_id_order() {
    let run = start_with(42, 250).await;
    for expected in hubspot_counts(250) {
        let path = format!("/crm/v3/objects/{}", expected.stream);
        let records = page_all(&run, &path, None, 100).await;
        assert_eq!(
            records.len() as u64,
            expected.records,
            "{}",
            expected.stream
        );
        let ids = ids(&records);
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids strictly increase");
        for record in &records {
            assert_eq!(record["archived"], false);
            assert_eq!(record["properties"]["hs_object_id"], record["id"]);
        }
    }
    assert_eq!(
        hubspot_counts(250)
            .iter()
            .map(|c| (c.stream.as_str(), c.records))
            .collect::<Vec<_>>(),
        [("contacts", 250), ("companies", 25), ("deals", 62)]
    );
    run.stop().await;
}

#[tokio::test]
async fn default_page_has_ten_records_and_default_properties() {
    let run = start_with(42, 250).await;
    let expected: [(&str, &[&str]); 3] = [
        (
            "contacts",
            &[
                "createdate",
                "email",
                "firstname",
                "hs_object_id",
                "lastmodifieddate",
                "lastname",
            ],
        ),
        (
            "companies",
            &[
                "createdate",
                "domain",
                "hs_lastmodifieddate",
                "hs_object_id",
                "name",
            ],
        ),
        (
            "deals",
            &[
                "amount",
                "closedate",
                "createdate",
                "dealname",
                "dealstage",
                "hs_lastmodifieddate",
                "hs_object_id",
                "pipeline",
            ],
        ),
    ];
    for (object, properties) in expected {
        let (status, body) = run.get_json(&format!("/crm/v3/objects/{object}")).await;
        assert_eq!(status, 200);
        let results = body["results"].as_array().expect("results");
        assert_eq!(results.len(), 10);
        for record in results {
            let keys: Vec<&str> = record["properties"]
                .as_object()
                .expect("properties object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, properties, "{object}");
            let fields: BTreeSet<&str> = record
                .as_object()
                .expect("record")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                fields,
                BTreeSet::from(["archived", "createdAt", "id", "properties", "updatedAt"])
            );
        }
        let link = body["paging"]["next"]["link"].as_str().expect("link");
        assert!(link.ends_with("&limit=10"), "{link}");
    }
    run.stop().await;
}

#[tokio::test]
async fn same_seed_same_bytes_other_seed_other_data() {
    let first = start_with(42, 250).await;
    let second = start_with(42, 250).await;
    let other = start_with(43, 250).await;
    for (object, properties) in ALL_PROPERTIES {
        let path = format!("/crm/v3/objects/{object}?limit=100&properties={properties}");
        let a = first.get_text(&path).await;
        // The paging link names the sandbox's own port, the only legitimate difference.
        let b = second
            .get_text(&path)
            .await
            .replace(&second.base, &first.base);
        let c = other
            .get_text(&path)
            .await
            .replace(&other.base, &first.base);
        assert_eq!(a, b, "{object}");
        assert_eq!(a, first.get_text(&path).await, "{object} repeats itself");
        assert_ne!(a, c, "{object}");
    }
    assert_ne!(first.token, other.token);
    for run in [first, second, other] {
        run.stop().await;
    }
}

#[tokio::test]
async fn limit_is_clamped_and_validated() {
    let run = start_with(42, 250).await;
    let (status, body) = run.get_json("/crm/v3/objects/contacts?limit=1000").await;
    assert_eq!(status, 200);
    assert_eq!(body["results"].as_array().map(Vec::len), Some(100));
    assert!(
        body["paging"]["next"]["link"]
            .as_str()
            .is_some_and(|l| l.ends_with("&limit=100")),
        "the link carries the clamped limit"
    );
    for bad in ["0", "-1", "abc", "1.5", ""] {
        let (status, body) = run
            .get_json(&format!("/crm/v3/objects/deals?limit={bad}"))
            .await;
        assert_eq!(status, 400, "limit={bad}");
        assert_error(&body, "VALIDATION_ERROR");
    }
    run.stop().await;
}

#[tokio::test]
async fn cursors_are_validated_and_resume_at_the_next_id() {
    let run = start_with(42, 250).await;
    for bad in ["abc", "-5", "", "12ab"] {
        let (status, body) = run
            .get_json(&format!("/crm/v3/objects/contacts?after={bad}"))
            .await;
        assert_eq!(status, 400, "after={bad}");
        assert_error(&body, "VALIDATION_ERROR");
    }
    let (_, first) = run.get_json("/crm/v3/objects/companies?limit=3").await;
    let next = first["paging"]["next"]["after"]
        .as_str()
        .expect("after")
        .to_owned();
    let (_, second) = run
        .get_json(&format!("/crm/v3/objects/companies?limit=3&after={next}"))
        .await;
    assert_eq!(second["results"][0]["id"].as_str(), Some(next.as_str()));
    // A cursor past the last record is simply the end.
    let (status, end) = run
        .get_json("/crm/v3/objects/companies?after=99999999999999")
        .await;
    assert_eq!(status, 200);
    assert_eq!(end, serde_json::json!({"results": []}));
    run.stop().await;
}

#[tokio::test]
async fn properties_select_what_is_returned() {
    let run = start_with(42, 250).await;
    let (_, body) = run
        .get_json("/crm/v3/objects/contacts?properties=email,phone,no_such_property")
        .await;
    for record in body["results"].as_array().expect("results") {
        let keys: BTreeSet<&str> = record["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BTreeSet::from(["email", "hs_object_id", "phone"]));
    }
    let link = body["paging"]["next"]["link"].as_str().expect("link");
    assert!(
        link.contains("properties=email%2Cphone%2Cno_such_property"),
        "{link}"
    );

    let (_, body) = run
        .get_json("/crm/v3/objects/companies?properties=industry&properties=city")
        .await;
    let keys: BTreeSet<&str> = body["results"][0]["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["city", "hs_object_id", "industry"]));
    run.stop().await;
}

#[tokio::test]
async fn dated_path_is_an_alias_of_v3() {
    let run = start_with(42, 250).await;
    for object in ["contacts", "companies", "deals"] {
        let v3 = run
            .get_text(&format!("/crm/v3/objects/{object}?limit=7"))
            .await;
        let dated = run
            .get_text(&format!("/crm/objects/2026-03/{object}?limit=7"))
            .await;
        assert_eq!(
            dated,
            v3.replace(
                &format!("/crm/v3/objects/{object}"),
                &format!("/crm/objects/2026-03/{object}")
            )
        );
    }
    let records = page_all(&run, "/crm/objects/2026-03/deals", None, 25).await;
    assert_eq!(records.len(), 62);
    let (status, body) = run.get_json("/crm/objects/26-03/contacts").await;
    assert_eq!(status, 404);
    assert_error(&body, "OBJECT_NOT_FOUND");
    // HubSpot's object type ids name the same objects.
    let by_type = run.get_text("/crm/v3/objects/0-1?limit=5").await;
    let by_name = run.get_text("/crm/v3/objects/contacts?limit=5").await;
    assert_eq!(
        by_type.replace("/objects/0-1", "/objects/contacts"),
        by_name
    );
    run.stop().await;
}

#[tokio::test]
async fn property_values_are_strings_or_null_and_dates_agree() {
    let run = start_with(42, 250).await;
    let mut nulls = 0;
    let mut empties = 0;
    let mut non_ascii = 0;
    for (object, properties) in ALL_PROPERTIES {
        let (_, body) = run
            .get_json(&format!(
                "/crm/v3/objects/{object}?limit=100&properties={properties}"
            ))
            .await;
        let records = body["results"].as_array().expect("results");
        assert!(!records.is_empty());
        let modified = if object == "contacts" {
            "lastmodifieddate"
        } else {
            "hs_lastmodifieddate"
        };
        for record in records {
            let props = record["properties"].as_object().expect("properties");
            assert_eq!(
                props.len(),
                properties.split(',').count(),
                "{object}: {props:?}"
            );
            for (name, value) in props {
                match value {
                    Value::Null => nulls += 1,
                    Value::String(text) if text.is_empty() => empties += 1,
                    Value::String(text) => non_ascii += usize::from(!text.is_ascii()),
                    other => panic!("{object}.{name} is not a string or null: {other}"),
                }
            }
            assert_eq!(record["createdAt"], props["createdate"]);
            assert_eq!(record["updatedAt"], props[modified]);
            for date in ["createdAt", "updatedAt"] {
                let text = record[date].as_str().expect("date string");
                assert!(is_iso_millis(text), "{object}.{date} = {text}");
            }
            assert!(record["createdAt"].as_str() <= record["updatedAt"].as_str());
        }
        if object == "deals" {
            for record in records {
                let amount = &record["properties"]["amount"];
                if let Some(amount) = amount.as_str() {
                    let (dollars, cents) = amount.split_once('.').expect("amount has cents");
                    assert!(
                        dollars.parse::<u64>().is_ok() && cents.len() == 2,
                        "{amount}"
                    );
                }
                assert_eq!(record["properties"]["pipeline"], "default");
            }
        }
    }
    assert!(
        nulls > 0 && empties > 0 && non_ascii > 0,
        "{nulls} {empties} {non_ascii}"
    );
    run.stop().await;
}

#[tokio::test]
async fn contacts_look_like_people_at_generated_companies() {
    let run = start_with(42, 250).await;
    let selection = Some("email,company,phone,firstname");
    let contacts = page_all(&run, "/crm/v3/objects/contacts", selection, 100).await;
    let companies = page_all(&run, "/crm/v3/objects/companies", Some("name"), 100).await;
    let names: BTreeSet<&str> = companies
        .iter()
        .filter_map(|c| c["properties"]["name"].as_str())
        .collect();
    let emails: BTreeSet<&str> = contacts
        .iter()
        .filter_map(|c| c["properties"]["email"].as_str())
        .collect();
    assert_eq!(
        emails.len(),
        contacts.len(),
        "every contact has a distinct email"
    );
    assert!(
        emails
            .iter()
            .all(|e| e.contains('.') && e.contains('@') && e.is_ascii())
    );
    for contact in &contacts {
        if let Some(company) = contact["properties"]["company"].as_str() {
            assert!(names.contains(company), "{company} is a generated company");
        }
    }
    let phone_nulls = contacts
        .iter()
        .filter(|c| c["properties"]["phone"].is_null())
        .count();
    assert!(
        (5..60).contains(&phone_nulls),
        "about a tenth of phones are null: {phone_nulls}"
    );
    assert!(contacts.iter().any(|c| {
        c["properties"]["firstname"]
            .as_str()
            .is_some_and(|n| !n.is_ascii())
    }));
    run.stop().await;
}

#[tokio::test]
async fn every_response_carries_hubspots_headers() {
    let run = start_with(42, 250).await;
    let mut daily = Vec::new();
    let unauthorized = run
        .client
        .get(format!("{}/crm/v3/objects/deals", run.base))
        .send()
        .await
        .expect("request");
    for response in [
        run.get("/crm/v3/objects/deals").await,
        run.get("/crm/v3/objects/deals?limit=0").await,
        run.get("/nowhere").await,
        unauthorized,
    ] {
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .unwrap_or_default()
        };
        assert_eq!(header("content-type"), "application/json;charset=utf-8");
        assert_eq!(header("x-hubspot-ratelimit-daily"), "250000");
        assert_eq!(header("x-hubspot-ratelimit-interval-milliseconds"), "10000");
        assert_eq!(header("x-hubspot-ratelimit-max"), "100");
        assert_eq!(header("x-hubspot-ratelimit-secondly"), "10");
        for counter in [
            "x-hubspot-ratelimit-remaining",
            "x-hubspot-ratelimit-secondly-remaining",
        ] {
            assert!(header(counter).parse::<u64>().is_ok(), "{counter}");
        }
        assert!(is_uuid_like(&header("x-hubspot-correlation-id")));
        daily.push(
            header("x-hubspot-ratelimit-daily-remaining")
                .parse::<u64>()
                .expect("daily"),
        );
    }
    // The unauthorized request was sent first, so it holds the highest remaining count.
    assert_eq!(daily, [249_998, 249_997, 249_996, 249_999]);
    run.stop().await;
}

#[tokio::test]
async fn unknown_objects_and_paths() {
    let run = start_with(42, 250).await;
    for path in [
        "/crm/v3/objects/tickets",
        "/crm/v3/objects/contacts/extra",
        "/nowhere",
        "",
    ] {
        let (status, body) = run.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_error(&body, "OBJECT_NOT_FOUND");
        assert_eq!(body["message"], "resource not found");
    }
    let origin = run.base.trim_end_matches("/hubspot").to_owned();
    for path in [
        "/",
        "/pipedrive/v1/deals",
        "/hubspotx/crm/v3/objects/contacts",
        "/stripex/v1/customers",
    ] {
        let response = run
            .client
            .get(format!("{origin}{path}"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert!(response.headers().get("x-hubspot-correlation-id").is_none());
        assert_eq!(response.text().await.expect("body"), "");
    }
    let posted = run
        .client
        .post(format!("{}/crm/v3/objects/contacts", run.base))
        .bearer_auth(&run.token)
        .send()
        .await
        .expect("request");
    assert_eq!(posted.status().as_u16(), 405);
    run.stop().await;
}

#[tokio::test]
async fn archived_and_empty_data_sets_return_no_records() {
    let run = start_with(42, 250).await;
    let (status, body) = run.get_json("/crm/v3/objects/contacts?archived=true").await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"results": []}));
    let (_, body) = run
        .get_json("/crm/v3/objects/contacts?archived=false&limit=1")
        .await;
    assert_eq!(body["results"].as_array().map(Vec::len), Some(1));
    run.stop().await;

    let empty = start_with(42, 0).await;
    for object in ["contacts", "companies", "deals"] {
        let (status, body) = empty.get_json(&format!("/crm/v3/objects/{object}")).await;
        assert_eq!(status, 200);
        assert_eq!(body, serde_json::json!({"results": []}));
    }
    empty.stop().await;
}

#[tokio::test]
async fn endpoints_describe_how_to_connect() {
    let sandbox = Sandbox::bind(SandboxConfig {
        seed: 7,
        records: 40,
        ..SandboxConfig::default()
    })
    .await
    .expect("binds");
    let addr = sandbox.local_addr();
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let endpoints = sandbox.endpoints();
    let providers: Vec<&str> = endpoints.iter().map(|e| e.provider.as_str()).collect();
    assert_eq!(
        providers,
        ["hubspot", "stripe", "ga4", "search-console", "salesforce"]
    );
    let hubspot = &endpoints[0];
    assert_eq!(hubspot.provider, "hubspot");
    assert_eq!(hubspot.base_url, format!("http://{addr}/hubspot"));
    assert_eq!(hubspot.credential, hubspot_token(7));
    let stripe = &endpoints[1];
    assert_eq!(stripe.provider, "stripe");
    assert_eq!(stripe.base_url, format!("http://{addr}/stripe"));
    assert_eq!(stripe.credential, stripe_key(7));
    // Salesforce has no static credential: it signs in with the sandbox's OAuth app.
    let salesforce = &endpoints[4];
    assert_eq!(salesforce.provider, "salesforce");
    assert_eq!(salesforce.base_url, format!("http://{addr}/salesforce"));
    assert!(salesforce.credential.is_empty());
    assert_eq!(
        salesforce.oauth.as_ref().map(|app| app.client_id.clone()),
        Some(crate::oauth_client(7).0)
    );
    let summary = serde_json::to_value(&endpoints).expect("endpoints serialize");
    assert_eq!(
        summary[0]["streams"][2],
        serde_json::json!({"stream": "deals", "records": 10})
    );
    assert_eq!(
        summary[1]["streams"],
        serde_json::json!([
            {"stream": "customers", "records": 40},
            {"stream": "charges", "records": 80},
            {"stream": "invoices", "records": 40},
        ])
    );
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let run = start(SandboxConfig {
        latency: Duration::from_millis(150),
        ..SandboxConfig::default()
    })
    .await;
    let began = Instant::now();
    let response = run.get("/account-info/v3/details").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(began.elapsed() >= Duration::from_millis(150));
    run.stop().await;
}

#[tokio::test]
async fn large_data_set_pages_through_quickly() {
    let run = start_with(42, 100_000).await;
    let began = Instant::now();
    let records = page_all(&run, "/crm/v3/objects/contacts", None, 100).await;
    assert_eq!(records.len(), 100_000);
    let ids = ids(&records);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert!(
        began.elapsed() < Duration::from_secs(60),
        "took {:?}",
        began.elapsed()
    );
    run.stop().await;
}

#[tokio::test]
async fn paging_lab_is_mounted() {
    let run = start_with(42, 10).await;
    let response = run
        .client
        .get(format!("{}/lab/whoami", run.origin))
        .bearer_auth("any-token")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    run.stop().await;
}
