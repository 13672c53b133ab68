//! `inlet preview`, `inlet dashboard` and `inlet report` over a real cache filled from the
//! sandbox: the figures they show equal those computed here from `inlet export` of the same
//! cache, the dashboard loads in headless Chromium from `file://` with no request and no
//! console message, and bad input gets the documented exit codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::ToSpan as _;
use jiff::civil::Date;
use serde_json::Value;

use crate::common::{Home, Sandbox, assert_code, assert_success, require_keychain, text};

/// The last day of the periods the tests look at (the sandbox's data runs to March 2026).
const UNTIL: &str = "2026-03-15";

/// A home with client `acme` connected to the sandbox's HubSpot and Stripe, fetched.
fn fetched(records: u64) -> (Sandbox, Home) {
    require_keychain();
    let sandbox = Sandbox::start(records, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let (stripe_url, stripe_key, _) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    assert_success(&home.run(&["fetch", "--client", "acme"]));
    (sandbox, home)
}

fn export(home: &Home) -> Value {
    let output = home.run(&["export", "--client", "acme", "--out", "-"]);
    assert_success(&output);
    serde_json::from_slice(&output.stdout).expect("the export is JSON")
}

/// An amount in minor units, computed here independently of inlet: from a `{minor_units}` object,
/// or from the decimal text of a number in major units (the sandbox's currencies have two
/// decimals).
fn minor(value: &Value) -> Option<i128> {
    match value {
        Value::Object(object) => object
            .get("minor_units")
            .and_then(Value::as_i64)
            .map(i128::from),
        Value::Number(number) => {
            let text = number.to_string();
            let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
            let fraction = format!("{fraction:0<2}");
            assert!(fraction.len() == 2, "{text} has at most two decimals");
            Some(whole.parse::<i128>().ok()? * 100 + fraction.parse::<i128>().ok()?)
        }
        _ => None,
    }
}

fn currency(row: &Value, field: &str) -> String {
    row[field]["currency"]
        .as_str()
        .or_else(|| row["currency"].as_str())
        .unwrap_or_default()
        .to_ascii_uppercase()
}

fn day(row: &Value, field: &str) -> Option<Date> {
    row[field].as_str()?.get(..10)?.parse().ok()
}

fn rows<'a>(export: &'a Value, entity: &str) -> Vec<&'a Value> {
    export[entity].as_array().into_iter().flatten().collect()
}

fn stage(row: &Value) -> String {
    let stage = &row["stage"];
    stage["id"]
        .as_str()
        .or_else(|| row["stage_id"].as_str())
        .or_else(|| stage.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// The tile figures a dashboard of the 90 days to [`UNTIL`] must show, computed from the
/// export: `(kpi, connection, currency) → value` (counts, or minor units for money).
fn expected_tiles(export: &Value) -> BTreeMap<(String, String, String), i128> {
    let until: Date = UNTIL.parse().expect("date");
    let start = until.checked_sub(89.days()).expect("start");
    let within = |date: Option<Date>| date.is_some_and(|date| start <= date && date <= until);
    let mut tiles = BTreeMap::new();
    let mut add = |kpi: &str, connection: &str, currency: &str, value: i128| {
        *tiles
            .entry((kpi.to_owned(), connection.to_owned(), currency.to_owned()))
            .or_insert(0) += value;
    };
    for deal in rows(export, "deals") {
        let connection = deal["source"]["connection"].as_str().unwrap_or_default();
        add(
            "deals_created",
            connection,
            "",
            i128::from(within(day(deal, "created_at"))),
        );
        let stage = stage(deal);
        let closed_in = within(day(deal, "close_date"));
        if stage == "closedwon" && closed_in {
            add("deals_won", connection, "", 1);
            if let Some(amount) = minor(&deal["amount"]) {
                add("won_value", connection, &currency(deal, "amount"), amount);
            }
        }
        let open = stage != "closedwon" && stage != "closedlost";
        if let Some(amount) = minor(&deal["amount"]).filter(|_| open) {
            add(
                "open_pipeline",
                connection,
                &currency(deal, "amount"),
                amount,
            );
        }
    }
    for payment in rows(export, "payments") {
        let connection = payment["source"]["connection"].as_str().unwrap_or_default();
        if !within(day(payment, "created_at")) {
            continue;
        }
        match payment["status"].as_str() {
            Some("succeeded") => {
                add("payments", connection, "", 1);
                let amount = minor(&payment["amount"]).expect("an amount");
                let refunded = minor(&payment["amount_refunded"]).unwrap_or(0);
                add(
                    "revenue",
                    connection,
                    &currency(payment, "amount"),
                    amount - refunded,
                );
            }
            Some("failed") => add("failed_payments", connection, "", 1),
            _ => {}
        }
    }
    let customers = rows(export, "customers").into_iter().chain(
        rows(export, "contacts")
            .into_iter()
            .filter(|row| row["source"]["stream"] == "customers"),
    );
    for customer in customers {
        let connection = customer["source"]["connection"]
            .as_str()
            .unwrap_or_default();
        add(
            "customers_created",
            connection,
            "",
            i128::from(within(day(customer, "created_at"))),
        );
    }
    assert!(
        tiles
            .iter()
            .any(|((kpi, _, _), value)| kpi == "deals_won" && *value > 0),
        "the sandbox's data has deals won in the period"
    );
    tiles
}

/// The tile figures in a page (as Chromium serialized it): the `data-*` attributes of every
/// figure.
fn tiles_in(page: &str) -> BTreeMap<(String, String, String), i128> {
    let pattern = regex_lite::Regex::new(
        r#"<div class="figure" data-kpi="([^"]+)" data-connection="([^"]+)" data-unit="([^"]+)" data-currency="([^"]*)" data-value="([^"]*)""#,
    )
    .expect("regex");
    pattern
        .captures_iter(page)
        .filter(|captures| &captures[3] == "count" || &captures[3] == "money")
        .map(|captures| {
            (
                (
                    captures[1].to_owned(),
                    captures[2].to_owned(),
                    captures[4].to_owned(),
                ),
                captures[5].parse().expect("an integer figure"),
            )
        })
        .collect()
}

/// What a page did in headless Chromium: its DOM, console lines, and requests it started.
struct Loaded {
    dom: String,
    console: Vec<String>,
    requests: Vec<String>,
}

fn chromium() -> Command {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "no `chromium`: install Debian's `chromium` (as .ci/run does) to run the dashboard tests"
    );
    Command::new("chromium")
}

fn chromium_flags(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ]
    .iter()
    .map(|flag| (*flag).to_owned())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// Loads `page` from `file://` with console logging and a network log.
fn load(page: &Path, scratch: &Path) -> Loaded {
    let net_log = scratch.join("net-log.json");
    let output = chromium()
        .args(chromium_flags(&scratch.join("profile")))
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        text(&output.stderr)
    );
    let console = text(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    let log: Value = serde_json::from_slice(&std::fs::read(&net_log).expect("the net log"))
        .expect("the net log is JSON");
    // The page's own requests carry its origin; the browser's background ones do not.
    let requests = log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|event| {
            let params = &event["params"];
            let url = params["url"].as_str()?;
            let from_page = params["initiator"]
                .as_str()
                .is_some_and(|initiator| initiator != "not an origin")
                || params["network_isolation_key"]
                    .as_str()
                    .is_some_and(|key| key.contains("file://"));
            from_page.then(|| url.to_owned())
        })
        .collect();
    Loaded {
        dom: text(&output.stdout),
        console,
        requests,
    }
}

fn screenshot(page: &Path, scratch: &Path, out: &Path, size: &str) {
    let output = chromium()
        .args(chromium_flags(&scratch.join("profile")))
        .arg(format!("--window-size={size}"))
        .arg(format!("--screenshot={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        text(&output.stderr)
    );
    let png = std::fs::read(out).expect("the screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real screenshot at {size}"
    );
}

/// Where the tests leave screenshots for people (and CI artifacts): target/tmp/dashboard.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    dir
}

#[test]
fn the_dashboard_loads_offline_in_chromium_and_its_tiles_equal_the_export() {
    let (_sandbox, home) = fetched(400);
    let page = home.path().join("acme.html");
    let page_arg = page.to_str().expect("utf-8 path");
    let output = home.run(&[
        "dashboard",
        "--client",
        "acme",
        "--until",
        UNTIL,
        "--out",
        page_arg,
    ]);
    assert_success(&output);
    assert!(
        text(&output.stderr).contains("Dashboard of `acme`"),
        "{}",
        text(&output.stderr)
    );
    let html = std::fs::read_to_string(&page).expect("the page");
    assert!(
        html.contains("Content-Security-Policy\" content=\"default-src 'none'"),
        "the page forbids every request itself"
    );
    // The pipeline chart and its table name stages by their labels (from the `stages`
    // stream), never by HubSpot's internal ids.
    let pipeline = html
        .split("Pipeline by stage")
        .nth(1)
        .and_then(|rest| rest.split("<h3").next())
        .expect("a pipeline chart");
    assert!(
        pipeline.contains(">Appointment Scheduled<") && !pipeline.contains("appointmentscheduled"),
        "{pipeline}"
    );

    // The detector sees a request and a console message when a page makes them.
    let scratch = tempfile::tempdir().expect("scratch");
    let control = scratch.path().join("control.html");
    std::fs::write(&control, "<!doctype html><img src=\"http://127.0.0.1:9/x.png\"><script>console.error('control')</script>").expect("control page");
    let loaded = load(&control, &scratch.path().join("control"));
    assert_eq!(loaded.requests.len(), 1, "{:?}", loaded.requests);
    assert_eq!(loaded.console.len(), 1, "{:?}", loaded.console);

    let loaded = load(&page, &scratch.path().join("page"));
    assert_eq!(
        loaded.requests,
        Vec::<String>::new(),
        "no request leaves the page"
    );
    assert_eq!(
        loaded.console,
        Vec::<String>::new(),
        "no console message or error"
    );
    assert!(
        loaded.dom.contains("Pipeline by stage") && loaded.dom.contains("Revenue by month, USD")
    );

    let shown = tiles_in(&loaded.dom);
    let expected = expected_tiles(&export(&home));
    for (key, value) in &expected {
        assert_eq!(shown.get(key), Some(value), "tile {key:?}");
    }
    let compared: Vec<_> = shown
        .keys()
        .filter(|key| !expected.contains_key(*key))
        .collect();
    let unchecked: Vec<_> = compared
        .iter()
        .filter(|(kpi, _, _)| kpi != "contacts_created" && kpi != "outstanding")
        .collect();
    assert!(
        unchecked.is_empty(),
        "tiles not checked against the export: {unchecked:?}"
    );

    // Desktop and phone, for people to look at.
    let dir = artifacts();
    screenshot(
        &page,
        &scratch.path().join("shots"),
        &dir.join("desktop.png"),
        "1280,3200",
    );
    screenshot(
        &page,
        &scratch.path().join("shots"),
        &dir.join("phone.png"),
        "390,7000",
    );
    let pdf = dir.join("dashboard.pdf");
    let output = chromium()
        .args(chromium_flags(&scratch.path().join("pdf")))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let bytes = std::fs::read(&pdf).expect("the PDF");
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 20_000,
        "a printed PDF"
    );
}

#[test]
fn the_report_gives_each_number_its_source_and_dates() {
    let (_sandbox, home) = fetched(200);
    let brief = home.json(
        &[
            "report", "--client", "acme", "--period", "90d", "--until", UNTIL,
        ],
        0,
    );
    assert_eq!(brief["schema_version"], 1);
    assert_eq!(brief["period"]["end"], UNTIL);
    assert_eq!(brief["period"]["start"], "2025-12-16");
    assert_eq!(brief["previous_period"]["end"], "2025-12-15");
    let sources: Vec<&str> = brief["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|source| source["connection"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(sources, ["acme/hubspot", "acme/stripe"]);
    let expected = expected_tiles(&export(&home));
    let mut checked = 0;
    for source in brief["sources"].as_array().into_iter().flatten() {
        for kpi in source["kpis"].as_array().into_iter().flatten() {
            assert_eq!(kpi["source"]["connection"], source["connection"]);
            assert!(
                kpi["source"]["from"].is_string() && kpi["source"]["to"] == UNTIL,
                "{kpi}"
            );
            let key = (
                kpi["id"].as_str().unwrap_or_default().to_owned(),
                source["connection"].as_str().unwrap_or_default().to_owned(),
                kpi["currency"].as_str().unwrap_or_default().to_owned(),
            );
            let value = kpi["value"]["minor_units"]
                .as_i64()
                .or_else(|| kpi["value"].as_i64());
            if let Some(want) = expected.get(&key) {
                assert_eq!(value.map(i128::from), Some(*want), "{key:?}");
                if kpi["unit"] == "money" {
                    assert!(
                        kpi["value"]["decimal"].is_string(),
                        "money has its decimal string"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 8, "{checked} KPIs checked against the export");

    let markdown = home.run(&[
        "report", "--client", "acme", "--period", "90d", "--until", UNTIL,
    ]);
    assert_success(&markdown);
    let markdown = text(&markdown.stdout);
    for part in [
        "# acme: 2025-12-16 – 2026-03-15 (90 days)",
        "## CRM (`acme/hubspot`)",
        "## Billing (`acme/stripe`)",
        "| Deals won |",
        "2025-12-16 – 2026-03-15 |",
    ] {
        assert!(markdown.contains(part), "`{part}` in:\n{markdown}");
    }
}

#[test]
fn the_report_names_stale_and_disconnected_sources() {
    let (_sandbox, home) = fetched(50);
    let fresh = home.json(&["report", "--client", "acme", "--until", UNTIL], 0);
    let kinds = |brief: &Value| -> Vec<String> {
        brief["caveats"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|caveat| {
                format!(
                    "{} {}",
                    caveat["kind"].as_str().unwrap_or(""),
                    caveat["connection"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    assert!(
        kinds(&fresh).iter().all(|kind| !kind.starts_with("stale")),
        "{:?}",
        kinds(&fresh)
    );
    assert_success(&home.run(&["disconnect", "acme/stripe", "--yes"]));
    let later = home
        .inlet()
        .env("INLET_NOW", "2027-06-01T00:00:00Z")
        .args(["--json", "report", "--client", "acme", "--until", UNTIL])
        .output()
        .expect("report");
    assert_success(&later);
    let later: Value = serde_json::from_slice(&later.stdout).expect("JSON");
    let found = kinds(&later);
    assert!(
        found.contains(&"stale acme/hubspot".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"disconnected acme/stripe".to_owned()),
        "{found:?}"
    );
    let stale = later["sources"][0]["freshness"]["stale"].as_bool();
    assert_eq!(stale, Some(true));
}

#[test]
fn preview_shows_a_connections_newest_rows_in_the_exports_shape() {
    let (_sandbox, home) = fetched(120);
    let preview = home.json(
        &[
            "preview",
            "acme/hubspot",
            "--stream",
            "deals",
            "--limit",
            "4",
        ],
        0,
    );
    assert_eq!(preview["schema_version"], 1);
    let stream = &preview["streams"][0];
    assert_eq!(stream["stream"], "deals");
    let shown = stream["rows"].as_array().expect("rows");
    assert_eq!(shown.len(), 4);
    let export = export(&home);
    let mut deals: Vec<&Value> = rows(&export, "deals");
    assert_eq!(stream["records"].as_u64(), Some(deals.len() as u64));
    deals.sort_by(|left, right| {
        let key = |row: &Value| {
            (
                row["updated_at"].as_str().unwrap_or("").to_owned(),
                row["id"].as_str().unwrap_or("").to_owned(),
            )
        };
        key(right).cmp(&key(left))
    });
    let newest: Vec<&Value> = deals.into_iter().take(4).collect();
    assert_eq!(
        shown.iter().collect::<Vec<_>>(),
        newest,
        "the newest rows, exactly as exported"
    );

    // A table that fits the width, one line per row, frame intact, no colour when piped.
    for width in [60_usize, 100, 160] {
        let output = home
            .inlet()
            .env("COLUMNS", width.to_string())
            .args(["preview", "acme/hubspot", "--limit", "3"])
            .output()
            .expect("preview");
        assert_success(&output);
        let table = text(&output.stdout);
        assert!(!table.contains('\u{1b}'), "no escape sequences when piped");
        let framed: Vec<&str> = table
            .lines()
            .filter(|line| line.starts_with(['│', '╭', '╰', '╞']))
            .collect();
        assert!(
            framed.len() >= 3 * 7,
            "three tables of three rows:\n{table}"
        );
        for line in &framed {
            assert!(
                line.chars().count() <= width,
                "{} > {width}: {line}",
                line.chars().count()
            );
        }
        for block in table.split("\n\n") {
            let widths: Vec<usize> = block
                .lines()
                .filter(|line| line.starts_with(['│', '╭', '╰', '╞']))
                .map(|line| line.chars().count())
                .collect();
            assert!(
                widths.windows(2).all(|pair| pair[0] == pair[1]),
                "an unbroken frame:\n{block}"
            );
        }
    }
    let coloured = home.run(&[
        "--color",
        "always",
        "preview",
        "acme/hubspot",
        "--limit",
        "2",
    ]);
    assert_success(&coloured);
    assert!(
        text(&coloured.stdout).contains('\u{1b}'),
        "colour when asked for"
    );
}

#[test]
fn preview_of_a_client_has_a_line_per_stream() {
    let (sandbox, home) = fetched(60);
    let preview = home.json(&["preview", "--client", "acme"], 0);
    let streams = preview["streams"].as_array().expect("streams");
    let hubspot: Vec<&Value> = streams
        .iter()
        .filter(|line| line["connection"] == "acme/hubspot")
        .collect();
    assert_eq!(hubspot.len(), sandbox.counts.len());
    for line in hubspot {
        let name = line["stream"].as_str().expect("stream");
        assert_eq!(
            line["records"].as_u64(),
            Some(sandbox.count(name)),
            "{name}"
        );
        // Reference streams (stages, owners) are fetched whole each time: no watermark.
        let incremental = ["contacts", "companies", "deals"].contains(&name);
        assert!(
            line["newest_change"].is_string() && line["watermark"].is_string() == incremental,
            "{line}"
        );
    }
    assert!(
        streams
            .iter()
            .any(|line| line["connection"] == "acme/stripe" && line["stream"] == "charges")
    );
    let table = home.run(&["preview", "--client", "acme"]);
    assert_success(&table);
    assert!(
        text(&table.stdout).contains("NEWEST CHANGE"),
        "{}",
        text(&table.stdout)
    );
}

#[test]
fn viewing_commands_refuse_bad_input_with_the_documented_codes() {
    require_keychain();
    let sandbox = Sandbox::start(30, 0);
    let home = Home::new();
    // No cache at all yet.
    let output = home.run(&["dashboard", "--client", "acme"]);
    assert_code(&output, 2);
    assert!(
        text(&output.stderr).contains("unknown client `acme`"),
        "{}",
        text(&output.stderr)
    );
    home.connect(&sandbox, "acme");
    let before = home.snapshot();
    for (args, code, says) in [
        (
            &["dashboard", "--client", "nobody"][..],
            2,
            "unknown client `nobody`",
        ),
        (
            &["report", "--client", "nobody"][..],
            2,
            "unknown client `nobody`",
        ),
        (
            &["preview", "--client", "nobody"][..],
            2,
            "unknown client `nobody`",
        ),
        (
            &["preview", "acme/nothing"][..],
            2,
            "no connection `acme/nothing`",
        ),
        (&["preview", "not-an-id"][..], 2, "is not a connection id"),
        (
            &["dashboard", "--client", "Bad Name"][..],
            2,
            "is not a valid client name",
        ),
        (
            &["dashboard", "--client", "acme"][..],
            1,
            "nothing is cached for client `acme` yet",
        ),
        (
            &["report", "--client", "acme"][..],
            1,
            "run `inlet fetch --client acme` first",
        ),
        (
            &["preview", "acme/hubspot"][..],
            1,
            "nothing is cached for `acme/hubspot` yet",
        ),
        (&["preview"][..], 2, "<CONNECTION>"),
    ] {
        let output = home.run(args);
        assert_code(&output, code);
        assert!(
            text(&output.stderr).contains(says),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
    assert_eq!(home.snapshot(), before, "a refused command writes nothing");
    assert_success(&home.run(&["fetch", "acme/hubspot"]));
    let before = home.snapshot();
    for (args, says) in [
        (
            &["dashboard", "--client", "acme", "--period", "90"][..],
            "`90` is not a period",
        ),
        (
            &["dashboard", "--client", "acme", "--period", "0d"][..],
            "`0d` is not a period",
        ),
        (
            &["report", "--client", "acme", "--period", "3x"][..],
            "`3x` is not a period",
        ),
        (
            &["report", "--client", "acme", "--until", "yesterday"][..],
            "`yesterday` is not a date",
        ),
        (
            &["preview", "acme/hubspot", "--stream", "invoices"][..],
            "has no stream `invoices`",
        ),
        (&["preview", "acme/hubspot", "--limit", "0"][..], "--limit"),
    ] {
        let output = home.run(args);
        assert_code(&output, 2);
        assert!(
            text(&output.stderr).contains(says),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
    assert_eq!(home.snapshot(), before, "a refused command writes nothing");
}

#[test]
fn the_report_names_failed_runs_unfetched_sources_and_empty_periods() {
    let (sandbox, home) = fetched(40);
    // A definition whose deals path the provider does not know: the next run fails a stream.
    let broken = include_str!("../../providers/hubspot.toml")
        .replace("/crm/v3/objects/deals", "/crm/v3/objects/nothing");
    home.provider_override("hubspot.toml", &broken);
    let failed = home.run(&["fetch", "acme/hubspot"]);
    assert!(!failed.status.success(), "the broken stream fails the run");
    let home_two = Home::new();
    home_two.connect(&sandbox, "beta");
    assert_success(&home_two.run(&["fetch", "beta/hubspot"]));
    let (stripe_url, stripe_key, _) = sandbox.provider("stripe");
    home_two.connect_to("stripe", "beta", &stripe_url, &stripe_key, &[]);

    let caveats = |home: &Home, client: &str, until: &str| -> Vec<String> {
        let brief = home.json(&["report", "--client", client, "--until", until], 0);
        brief["caveats"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|caveat| {
                format!(
                    "{} {}",
                    caveat["kind"].as_str().unwrap_or(""),
                    caveat["connection"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let acme = caveats(&home, "acme", UNTIL);
    assert!(
        acme.contains(&"partial_run acme/hubspot".to_owned()),
        "{acme:?}"
    );
    let beta = caveats(&home_two, "beta", UNTIL);
    assert!(
        beta.contains(&"never_fetched beta/stripe".to_owned()),
        "{beta:?}"
    );
    assert!(
        !beta.iter().any(|kind| kind.starts_with("partial_run")),
        "{beta:?}"
    );
    let later = caveats(&home_two, "beta", "2027-06-01");
    assert!(
        later.contains(&"no_data_in_period beta/hubspot".to_owned()),
        "{later:?}"
    );
    let markdown = home_two.run(&["report", "--client", "beta", "--until", "2027-06-01"]);
    assert!(
        text(&markdown.stdout).contains("## Caveats"),
        "{}",
        text(&markdown.stdout)
    );
}

#[test]
fn web_analytics_and_search_appear_only_for_clients_that_have_them() {
    let (sandbox, home) = fetched(60);
    let page = home.path().join("acme.html");
    let page_arg = page.to_str().expect("utf-8 path");
    assert_success(&home.run(&["dashboard", "--client", "acme", "--out", page_arg]));
    let html = std::fs::read_to_string(&page).expect("the page");
    assert!(!html.contains("data-kind=\"analytics\"") && !html.contains("data-kpi=\"sessions\""));
    assert!(!html.contains("data-kind=\"search\"") && !html.contains("data-kpi=\"clicks\""));

    let (ga4, token, _) = sandbox.provider("ga4");
    let property = format!("property={}", inlet_sandbox::ga4_properties(42)[0]);
    home.connect_to(
        "ga4",
        "acme",
        &ga4,
        &token,
        &["--auth", "access_token", "--set", &property],
    );
    let (search, token, _) = sandbox.provider("search-console");
    home.connect_to(
        "search-console",
        "acme",
        &search,
        &token,
        &[
            "--auth",
            "access_token",
            "--set",
            "site=https://www.example.com/",
        ],
    );
    assert_success(&home.run(&["fetch", "acme/ga4", "acme/search-console"]));

    // The period's totals, from the export's metric rows (date-only streams).
    let export = export(&home);
    let brief = home.json(&["report", "--client", "acme", "--period", "30d"], 0);
    let start: Date = brief["period"]["start"]
        .as_str()
        .expect("start")
        .parse()
        .expect("date");
    let end: Date = brief["period"]["end"]
        .as_str()
        .expect("end")
        .parse()
        .expect("date");
    let total = |stream: &str, metric: &str| -> f64 {
        rows(&export, "metrics")
            .into_iter()
            .filter(|row| row["source"]["stream"] == stream && row["metric"] == metric)
            .filter(|row| day(row, "date").is_some_and(|date| start <= date && date <= end))
            .map(|row| match &row["value"] {
                Value::String(text) => text.parse().expect("a number"),
                other => other.as_f64().expect("a number"),
            })
            .sum()
    };
    let kpi = |connection: &str, id: &str| -> f64 {
        brief["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|source| source["connection"] == connection)
            .flat_map(|source| source["kpis"].as_array().cloned().unwrap_or_default())
            .find(|kpi| kpi["id"] == id)
            .and_then(|kpi| kpi["value"].as_f64())
            .unwrap_or_else(|| panic!("{connection} has KPI {id}"))
    };
    let sessions = total("traffic_daily", "sessions");
    assert!(
        sessions > 0.0,
        "the sandbox serves sessions in the last 30 days"
    );
    assert!((kpi("acme/ga4", "sessions") - sessions).abs() < 0.5);
    assert!((kpi("acme/ga4", "keyEvents") - total("traffic_daily", "keyEvents")).abs() < 0.5);
    let clicks = total("search_daily", "clicks");
    let impressions = total("search_daily", "impressions");
    assert!((kpi("acme/search-console", "clicks") - clicks).abs() < 0.5);
    assert!((kpi("acme/search-console", "impressions") - impressions).abs() < 0.5);
    let ctr = kpi("acme/search-console", "ctr");
    assert!(
        (ctr - clicks / impressions * 100.0).abs() < 0.1,
        "CTR {ctr}% is clicks over impressions"
    );
    let kinds: Vec<&str> = brief["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|source| source["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["crm", "billing", "analytics", "search"]);
    let caveats: Vec<String> = brief["caveats"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|caveat| {
            format!(
                "{} {}",
                caveat["kind"].as_str().unwrap_or(""),
                caveat["connection"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        caveats.contains(&"restatement_window acme/ga4".to_owned()),
        "{caveats:?}"
    );
    // The window is each stream's own, from its definition: 3 days as shipped, and what a
    // user's definition says instead.
    let restatement = |brief: &Value| -> String {
        brief["caveats"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|caveat| {
                caveat["kind"] == "restatement_window" && caveat["connection"] == "acme/ga4"
            })
            .and_then(|caveat| caveat["message"].as_str())
            .expect("a restatement caveat")
            .to_owned()
    };
    let newest = rows(&export, "metrics")
        .into_iter()
        .filter(|row| row["source"]["connection"] == "acme/ga4")
        .filter_map(|row| day(row, "date"))
        .max()
        .expect("GA4 rows");
    let shipped = restatement(&brief);
    assert!(
        shipped.contains("the latest 3 days")
            && shipped.contains(&format!("{} – {newest}", newest - 2.days())),
        "{shipped}"
    );
    let definition = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("providers/ga4.toml"),
    )
    .expect("ga4.toml");
    assert!(definition.contains("restatement_days = 3"));
    home.provider_override(
        "ga4.toml",
        &definition.replace("restatement_days = 3", "restatement_days = 7"),
    );
    let longer = home.json(&["report", "--client", "acme", "--period", "30d"], 0);
    let message = restatement(&longer);
    assert!(
        message.contains("the latest 7 days")
            && message.contains(&format!("{} – {newest}", newest - 6.days())),
        "{message}"
    );
    std::fs::remove_file(home.path().join("config/providers/ga4.toml")).expect("back to shipped");
    assert!(
        brief["movers"]
            .as_array()
            .expect("movers")
            .iter()
            .any(|mover| mover["kind"] == "channel"),
        "channels move"
    );

    assert_success(&home.run(&[
        "dashboard",
        "--client",
        "acme",
        "--period",
        "30d",
        "--out",
        page_arg,
    ]));
    let html = std::fs::read_to_string(&page).expect("the page");
    for part in [
        "data-kind=\"analytics\"",
        "data-kind=\"search\"",
        "Sessions by day",
        "Clicks by day",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let shown = regex_lite::Regex::new(r#"data-kpi="sessions" data-connection="acme/ga4" data-unit="number" data-currency="" data-value="([0-9.]+)""#)
        .expect("regex")
        .captures(&html)
        .map(|captures| captures[1].parse::<f64>().expect("a number"))
        .expect("a sessions tile");
    assert!(
        (shown - sessions).abs() < 0.5,
        "{shown} sessions shown, {sessions} in the export"
    );
}
