//! A fetch killed with SIGKILL while paging loses nothing it committed, and the next fetch
//! resumes and completes with no duplicate.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::common::{Home, Sandbox, assert_success, require_keychain};

fn record_ids(home: &Home) -> BTreeSet<(String, String)> {
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    let mut statement = conn
        .prepare("SELECT stream, record_id FROM records")
        .expect("prepare");
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn a_killed_fetch_loses_nothing_and_the_next_one_completes() {
    require_keychain();
    // 40 pages of contacts at 40 ms each: long enough to kill in the middle.
    let sandbox = Sandbox::start(4_000, 40);
    let home = Home::new();
    home.connect(&sandbox, "acme");

    for round in 0..3 {
        let mut child = home.inlet().args(["fetch"]).spawn().expect("fetch");
        let started = Instant::now();
        // Wait until some pages are committed, then kill without warning.
        let threshold = 500 + round * 700;
        while home.record_count("acme/hubspot") < threshold
            && started.elapsed() < Duration::from_secs(60)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        let before = record_ids(&home);
        assert!(
            before.len() as u64 >= threshold,
            "round {round}: pages were committed before the kill"
        );
        assert!(
            (before.len() as u64) < sandbox.total(),
            "round {round}: killed before the end"
        );

        // Everything committed before the kill is still there after the next fetch.
        if round == 2 {
            let report = home.json(&["fetch"], 0);
            assert_eq!(
                report["runs"][0]["streams"][0]["resumed"], true,
                "the next fetch resumed"
            );
            let after = record_ids(&home);
            assert!(after.is_superset(&before), "nothing committed was lost");
            assert_eq!(
                after.len() as u64,
                sandbox.total(),
                "complete, and no duplicate"
            );
        }
    }
    let status = home.json(&["status"], 0);
    assert_eq!(status["connections"][0]["last_run"]["outcome"], "ok");
    // A second complete fetch finds nothing new.
    let again = home.json(&["fetch"], 0);
    assert_eq!(again["runs"][0]["records_new"], 0);
    assert_success(&home.run(&["export", "--client", "acme"]));
}

#[test]
fn sigkill_at_random_moments_never_loses_committed_data() {
    require_keychain();
    // Seeded from the clock and printed, so a failure can be replayed.
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |elapsed| elapsed.as_nanos() as u64)
        | 1;
    // The test harness shows this only when the test fails.
    #[expect(clippy::print_stdout, reason = "the seed is how a failure is replayed")]
    {
        println!("random kill seed: {seed}");
    }
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let sandbox = Sandbox::start(3_000, 10);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let mut kept = BTreeSet::new();
    for round in 0..6 {
        let mut command = home.inlet();
        // Alternate full and incremental passes, so both kinds of checkpoint get killed.
        command.arg("fetch");
        if round % 2 == 1 {
            command.args(["--since", "2020-01-01"]);
        }
        let mut child = command.spawn().expect("fetch");
        std::thread::sleep(Duration::from_millis(50 + next() % 900));
        let _ = child.kill();
        let _ = child.wait();
        let now = record_ids(&home);
        assert!(
            now.is_superset(&kept),
            "round {round}: nothing committed was lost"
        );
        kept = now;
    }
    let report = home.json(&["fetch"], 0);
    assert_eq!(report["runs"][0]["outcome"], "ok");
    let all = record_ids(&home);
    assert!(all.is_superset(&kept));
    assert_eq!(
        all.len() as u64,
        sandbox.total(),
        "complete, and no duplicate"
    );
}
