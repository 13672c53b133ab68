//! Deterministic HubSpot CRM records, each computed on demand from (seed, object, index) so a
//! million-record sandbox costs no memory and any page can be served without the ones before it.

use super::super::churn::{Stream, clock_ms};
use super::super::dates::{DAY_MS, SECOND_MS, epoch_ms};
use super::super::rng::{SplitMix64, mix64, permute, stream_rng};

/// Counts above this are clamped, so ids and timestamps can never overflow.
pub(crate) const MAX_RECORDS: u64 = 1 << 40;

/// Ids of one object type are `base + index * ID_STRIDE + jitter` with `jitter < ID_STRIDE`: they
/// increase with the index, leave realistic gaps, and map back to an index with one division.
const ID_STRIDE: u64 = 4;

/// Records are created between these instants, in id order like a real portal...
const CREATED_FROM: u64 = epoch_ms(2023, 1, 1);
const CREATED_UNTIL: u64 = epoch_ms(2026, 1, 1);
/// ...and never modified after this one (end of 2026-03-31), so dates stay within 2023–2026.
const MODIFIED_UNTIL: u64 = epoch_ms(2026, 4, 1) - 1;
/// Deals that close before this are won or lost; later ones are still open.
const OPEN_DEALS_FROM: u64 = epoch_ms(2026, 3, 1);

/// Keys that keep the generators for different purposes independent of each other.
const TAG_ID: u64 = 0x6964_7300_0000_0000;
const TAG_RECORD: u64 = 0x7265_636f_7264_0000;
const TAG_COMPANY_NAMES: u64 = 0x636f_6d70_616e_7900;
const TAG_COMPANY_DOMAIN: u64 = 0x646f_6d61_696e_0000;
const TAG_NAME_SALT: u64 = 0x6e61_6d65_7300_0000;
const TAG_CHURN: u64 = 0x6368_616e_6765_0000;

/// The CRM object types the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Object {
    Contacts,
    Companies,
    Deals,
}

impl Object {
    pub(crate) const ALL: [Object; 3] = [Object::Contacts, Object::Companies, Object::Deals];

    /// The object named in a URL: HubSpot accepts the plural name or the object type id.
    pub(crate) fn from_path(segment: &str) -> Option<Object> {
        match segment {
            "contacts" | "0-1" => Some(Object::Contacts),
            "companies" | "0-2" => Some(Object::Companies),
            "deals" | "0-3" => Some(Object::Deals),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Object::Contacts => "contacts",
            Object::Companies => "companies",
            Object::Deals => "deals",
        }
    }

    /// What a list call returns when the caller names no `properties` (HubSpot's defaults).
    pub(crate) fn default_properties(self) -> &'static [&'static str] {
        match self {
            Object::Contacts => &[
                "createdate",
                "email",
                "firstname",
                "hs_object_id",
                "lastmodifieddate",
                "lastname",
            ],
            Object::Companies => &[
                "createdate",
                "domain",
                "hs_lastmodifieddate",
                "hs_object_id",
                "name",
            ],
            Object::Deals => &[
                "amount",
                "closedate",
                "createdate",
                "dealname",
                "dealstage",
                "hs_lastmodifieddate",
                "hs_object_id",
                "pipeline",
            ],
        }
    }

    /// The property holding the last modification time: HubSpot names it differently for
    /// contacts.
    pub(crate) fn modified_property(self) -> &'static str {
        if self == Object::Contacts {
            "lastmodifieddate"
        } else {
            "hs_lastmodifieddate"
        }
    }

    /// The stream this object is in the sandbox-wide churn.
    pub(crate) fn stream(self) -> Stream {
        match self {
            Object::Contacts => Stream::Contacts,
            Object::Companies => Stream::Companies,
            Object::Deals => Stream::Deals,
        }
    }

    fn id_base(self) -> u64 {
        match self {
            Object::Contacts => 73_500_001,
            Object::Companies => 7_945_057_905,
            Object::Deals => 15_210_034_001,
        }
    }

    fn tag(self) -> u64 {
        match self {
            Object::Contacts => 1,
            Object::Companies => 2,
            Object::Deals => 3,
        }
    }
}

/// How many records each object type holds for a `records` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) contacts: u64,
    pub(crate) companies: u64,
    pub(crate) deals: u64,
}

impl Counts {
    pub(crate) fn new(records: u64) -> Counts {
        let records = records.min(MAX_RECORDS);
        if records == 0 {
            return Counts {
                contacts: 0,
                companies: 0,
                deals: 0,
            };
        }
        Counts {
            contacts: records,
            companies: (records / 10).max(1),
            deals: (records / 4).max(1),
        }
    }

    pub(crate) fn of(self, object: Object) -> u64 {
        match object {
            Object::Contacts => self.contacts,
            Object::Companies => self.companies,
            Object::Deals => self.deals,
        }
    }
}

/// The id of the record at `index`.
pub(crate) fn id_at(seed: u64, object: Object, index: u64) -> u64 {
    let jitter = stream_rng(seed, TAG_ID ^ object.tag(), index).below(ID_STRIDE);
    object.id_base() + index * ID_STRIDE + jitter
}

/// The index of the first record whose id is at least `after` (`count` when there is none): the
/// list endpoint's cursor is the id of the next record, and any other number still has a place.
pub(crate) fn first_index_from(seed: u64, object: Object, count: u64, after: u64) -> u64 {
    let Some(offset) = after.checked_sub(object.id_base()) else {
        return 0;
    };
    let slot = offset / ID_STRIDE;
    if slot >= count {
        count
    } else if id_at(seed, object, slot) >= after {
        slot
    } else {
        slot + 1
    }
}

/// One generated record. Timestamps are epoch milliseconds; properties are sorted by name and
/// `None` is a property HubSpot reports as `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) id: u64,
    pub(crate) created: u64,
    pub(crate) updated: u64,
    pub(crate) properties: Vec<(&'static str, Option<String>)>,
}

/// The record at `index` (which must be below `counts.of(object)`) as generated, before churn.
pub(crate) fn record(seed: u64, counts: Counts, object: Object, index: u64) -> Record {
    let id = id_at(seed, object, index);
    let mut rng = stream_rng(seed, TAG_RECORD ^ object.tag(), index);
    let (created, updated) = times_from(&mut rng, index, counts.of(object));
    let mut properties = match object {
        Object::Contacts => contact(seed, counts, index, &mut rng),
        Object::Companies => company(seed, index, &mut rng),
        Object::Deals => deal(seed, counts, created, &mut rng),
    };
    properties.push(("createdate", Some(iso(created))));
    properties.push((object.modified_property(), Some(iso(updated))));
    properties.push(("hs_object_id", Some(id.to_string())));
    properties.sort_unstable_by_key(|(name, _)| *name);
    Record {
        id,
        created,
        updated,
        properties,
    }
}

/// The record at `index` as it stands after churn: `tick` is the latest tick that changed it.
/// A change moves the modification time to the tick's clock time and alters at least one
/// visible property, always to a value different from the generated one.
pub(crate) fn record_at(
    seed: u64,
    counts: Counts,
    object: Object,
    index: u64,
    tick: Option<u64>,
) -> Record {
    let mut record = record(seed, counts, object, index);
    let Some(tick) = tick else {
        return record;
    };
    let clock = clock_ms(tick);
    record.updated = clock;
    set(&mut record, object.modified_property(), Some(iso(clock)));
    let mut rng = stream_rng(mix64(seed ^ TAG_CHURN ^ tick), object.tag(), index);
    match object {
        Object::Contacts => {
            // Contacts move along the funnel and update their phone number.
            let current = get(&record, "lifecyclestage");
            let stage = shifted(&DISTINCT_STAGES, current.as_deref(), tick);
            set(&mut record, "lifecyclestage", Some(stage.to_owned()));
            let phone = format!("+1 617-555-{:04}", rng.below(10_000));
            set(&mut record, "phone", Some(phone));
        }
        Object::Companies => {
            // Companies grow: a different head count, never the generated one.
            let current = get(&record, "numberofemployees").and_then(|n| n.parse::<u64>().ok());
            let grown = current.unwrap_or(0) + 1 + rng.below(40);
            set(&mut record, "numberofemployees", Some(grown.to_string()));
        }
        Object::Deals => {
            // Open deals advance a stage (the last open stage closes as won); every changed
            // deal gets a new amount.
            let current = get(&record, "dealstage").unwrap_or_default();
            if let Some(at) = OPEN_STAGES.iter().position(|s| *s == current) {
                let next = OPEN_STAGES.get(at + 1).copied().unwrap_or("closedwon");
                set(&mut record, "dealstage", Some(next.to_owned()));
            }
            let old = get(&record, "amount");
            let mut amount = format!("{}.00", 1_000 + rng.below(99_000));
            if old.as_deref() == Some(amount.as_str()) {
                amount = format!("{}.50", 1_000 + rng.below(99_000));
            }
            set(&mut record, "amount", Some(amount));
        }
    }
    record
}

/// The value after `current` in `values`, skipping ahead by the tick so successive changes
/// differ too; never `current` itself.
fn shifted<'a>(values: &[&'a str], current: Option<&str>, tick: u64) -> &'a str {
    let len = values.len() as u64;
    let at = current
        .and_then(|c| values.iter().position(|v| *v == c))
        .map_or(0, |at| at as u64);
    let step = 1 + tick % (len - 1).max(1);
    values[usize_of((at + step) % len)]
}

fn get(record: &Record, name: &str) -> Option<String> {
    record
        .properties
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, value)| value.clone())
}

/// Replaces a property's value, keeping the name order.
fn set(record: &mut Record, name: &'static str, value: Option<String>) {
    match record.properties.binary_search_by_key(&name, |(n, _)| *n) {
        Ok(at) => record.properties[at].1 = value,
        Err(at) => record.properties.insert(at, (name, value)),
    }
}

/// The index of the company a deal is for: the first draw of the deal's generator after its
/// times, as [`record`] makes it.
pub(crate) fn deal_company(seed: u64, counts: Counts, index: u64) -> u64 {
    let mut rng = stream_rng(seed, TAG_RECORD ^ Object::Deals.tag(), index);
    times_from(&mut rng, index, counts.of(Object::Deals));
    rng.below(counts.companies.max(1))
}

/// The contacts a deal involves: two, spread over the contacts by the deal's index.
pub(crate) fn deal_contacts(counts: Counts, index: u64) -> Vec<u64> {
    let contacts = counts.of(Object::Contacts);
    if contacts == 0 {
        return Vec::new();
    }
    let mut found = vec![(index * 3) % contacts, (index * 3 + 1) % contacts];
    found.dedup();
    found
}

/// Creation and generated modification time of the record at `index`, without the rest of
/// it: what searches filter and sort on, cheap enough to compute for every record.
pub(crate) fn times(seed: u64, counts: Counts, object: Object, index: u64) -> (u64, u64) {
    let mut rng = stream_rng(seed, TAG_RECORD ^ object.tag(), index);
    times_from(&mut rng, index, counts.of(object))
}

/// The first draws of a record's generator; `record` continues with the same generator.
fn times_from(rng: &mut SplitMix64, index: u64, count: u64) -> (u64, u64) {
    let created = created_at(rng, index, count);
    (created, updated_at(rng, created))
}

fn iso(epoch_ms: u64) -> String {
    super::super::dates::iso_millis(epoch_ms)
}

/// Creation times rise with the index (ids and creation order agree, as in a real portal) and
/// spread the whole data set evenly over 2023–2025.
fn created_at(rng: &mut SplitMix64, index: u64, count: u64) -> u64 {
    let slot = ((CREATED_UNTIL - CREATED_FROM) / count.max(1)).max(1);
    CREATED_FROM + index * slot + rng.below(slot)
}

/// A quarter of records were touched seconds after creation (an import or workflow), the rest
/// up to four months later; nothing is modified after `MODIFIED_UNTIL`.
fn updated_at(rng: &mut SplitMix64, created: u64) -> u64 {
    let delta = if rng.chance(25) {
        SECOND_MS + rng.below(90 * SECOND_MS)
    } else {
        rng.below(120 * DAY_MS)
    };
    (created + delta).min(MODIFIED_UNTIL).max(created)
}

/// (display, ASCII slug) pairs; the slug builds email addresses and domains.
const FIRST_NAMES: [(&str, &str); 30] = [
    ("James", "james"),
    ("Mary", "mary"),
    ("Olivia", "olivia"),
    ("Liam", "liam"),
    ("Emma", "emma"),
    ("Noah", "noah"),
    ("Ava", "ava"),
    ("Sophia", "sophia"),
    ("Lucas", "lucas"),
    ("Mia", "mia"),
    ("Ethan", "ethan"),
    ("Amelia", "amelia"),
    ("Zoë", "zoe"),
    ("Łukasz", "lukasz"),
    ("José", "jose"),
    ("Søren", "soren"),
    ("Chloé", "chloe"),
    ("Björn", "bjorn"),
    ("Renée", "renee"),
    ("François", "francois"),
    ("Aoife", "aoife"),
    ("Priya", "priya"),
    ("Wei", "wei"),
    ("Hiroshi", "hiroshi"),
    ("Fatima", "fatima"),
    ("Mateo", "mateo"),
    ("Ingrid", "ingrid"),
    ("Dmitri", "dmitri"),
    ("Ngozi", "ngozi"),
    ("Seán", "sean"),
];

const LAST_NAMES: [(&str, &str); 30] = [
    ("Smith", "smith"),
    ("Johnson", "johnson"),
    ("Williams", "williams"),
    ("Brown", "brown"),
    ("Garcia", "garcia"),
    ("Miller", "miller"),
    ("Davis", "davis"),
    ("Rodriguez", "rodriguez"),
    ("Martinez", "martinez"),
    ("Müller", "muller"),
    ("O'Brien", "obrien"),
    ("Nowak", "nowak"),
    ("Kowalski", "kowalski"),
    ("Núñez", "nunez"),
    ("Schmidt", "schmidt"),
    ("Rossi", "rossi"),
    ("Dubois", "dubois"),
    ("Tanaka", "tanaka"),
    ("Kim", "kim"),
    ("Nguyen", "nguyen"),
    ("Patel", "patel"),
    ("Okafor", "okafor"),
    ("Andersson", "andersson"),
    ("Janssen", "janssen"),
    ("Silva", "silva"),
    ("Novák", "novak"),
    ("Weiß", "weiss"),
    ("Fernández", "fernandez"),
    ("Murphy", "murphy"),
    ("Walker", "walker"),
];

const COMPANY_PREFIXES: [(&str, &str); 24] = [
    ("Northwind", "northwind"),
    ("Contoso", "contoso"),
    ("Fabrikam", "fabrikam"),
    ("Tailspin", "tailspin"),
    ("Wingtip", "wingtip"),
    ("Litware", "litware"),
    ("Proseware", "proseware"),
    ("Lucerne", "lucerne"),
    ("Woodgrove", "woodgrove"),
    ("Humongous", "humongous"),
    ("Coho", "coho"),
    ("Alpine", "alpine"),
    ("Bluefin", "bluefin"),
    ("Redwood", "redwood"),
    ("Silverline", "silverline"),
    ("Ironbridge", "ironbridge"),
    ("Brightwater", "brightwater"),
    ("Kestrel", "kestrel"),
    ("Juniper", "juniper"),
    ("Meridian", "meridian"),
    ("Nordlys", "nordlys"),
    ("Café Olé", "cafeole"),
    ("Müller & Söhne", "muellersoehne"),
    ("Łąka", "laka"),
];

const COMPANY_KINDS: [(&str, &str); 16] = [
    ("Analytics", "analytics"),
    ("Labs", "labs"),
    ("Systems", "systems"),
    ("Logistics", "logistics"),
    ("Partners", "partners"),
    ("Health", "health"),
    ("Foods", "foods"),
    ("Energy", "energy"),
    ("Software", "software"),
    ("Consulting", "consulting"),
    ("Media", "media"),
    ("Robotics", "robotics"),
    ("Capital", "capital"),
    ("Studios", "studios"),
    ("Supply", "supply"),
    ("Networks", "networks"),
];

const TLDS: [&str; 5] = ["com", "io", "co", "net", "de"];

const FREE_MAIL: [&str; 3] = ["gmail.com", "outlook.com", "yahoo.com"];

const LIFECYCLE_STAGES: [&str; 8] = [
    "subscriber",
    "lead",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
];

/// The stages a churned contact moves between, each once.
const DISTINCT_STAGES: [&str; 7] = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
];

/// HubSpot's internal values for the `industry` enumeration.
const INDUSTRIES: [&str; 10] = [
    "COMPUTER_SOFTWARE",
    "INFORMATION_TECHNOLOGY_AND_SERVICES",
    "FINANCIAL_SERVICES",
    "HOSPITAL_HEALTH_CARE",
    "MARKETING_AND_ADVERTISING",
    "LOGISTICS_AND_SUPPLY_CHAIN",
    "RETAIL",
    "CONSTRUCTION",
    "FOOD_BEVERAGES",
    "RENEWABLES_ENVIRONMENT",
];

const PLACES: [(&str, &str); 12] = [
    ("Boston", "United States"),
    ("Austin", "United States"),
    ("Toronto", "Canada"),
    ("London", "United Kingdom"),
    ("Berlin", "Germany"),
    ("München", "Germany"),
    ("Kraków", "Poland"),
    ("São Paulo", "Brazil"),
    ("Paris", "France"),
    ("Sydney", "Australia"),
    ("Tokyo", "Japan"),
    ("Dublin", "Ireland"),
];

const PRODUCTS: [&str; 6] = [
    "New business",
    "Annual renewal",
    "Expansion",
    "Pilot",
    "Enterprise plan",
    "Support add-on",
];

const OPEN_STAGES: [&str; 5] = [
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
];

const CURRENCIES: [&str; 10] = [
    "USD", "USD", "USD", "USD", "USD", "USD", "EUR", "EUR", "GBP", "CAD",
];

/// A company's name and domain depend only on (seed, index), so contacts and deals can name
/// their company without generating the rest of it.
struct CompanyIdentity {
    name: String,
    /// Empty for the few companies that have no domain.
    domain: String,
}

fn company_identity(seed: u64, index: u64) -> CompanyIdentity {
    let kinds = COMPANY_KINDS.len() as u64;
    let prefixes = COMPANY_PREFIXES.len() as u64;
    let space = prefixes * kinds * TLDS.len() as u64;
    // A permutation of the name space per seed; past its size a number keeps domains unique.
    let slot = permute(index, space, seed ^ TAG_COMPANY_NAMES);
    let round = index / space;
    let (prefix, prefix_slug) = COMPANY_PREFIXES[usize_of(slot % prefixes)];
    let (kind, kind_slug) = COMPANY_KINDS[usize_of(slot / prefixes % kinds)];
    let tld = TLDS[usize_of(slot / (prefixes * kinds))];
    // Exactly one company in every 25 has no domain, so even small data sets include one.
    let blank_phase = mix64(seed ^ TAG_COMPANY_DOMAIN) % 25;
    let domain = if (index + blank_phase).is_multiple_of(25) {
        String::new()
    } else if round == 0 {
        format!("{prefix_slug}-{kind_slug}.{tld}")
    } else {
        format!("{prefix_slug}-{kind_slug}-{round}.{tld}")
    };
    CompanyIdentity {
        name: format!("{prefix} {kind}"),
        domain,
    }
}

/// Indexes into the small constant tables; every caller reduces the value below a table length.
fn usize_of(value: u64) -> usize {
    usize::try_from(value).unwrap_or(0)
}

fn contact(
    seed: u64,
    counts: Counts,
    index: u64,
    rng: &mut SplitMix64,
) -> Vec<(&'static str, Option<String>)> {
    // Contacts are spread over companies round-robin; `rank` is the contact's place among its
    // colleagues, and colleagues get distinct names so emails never repeat.
    let companies = counts.companies.max(1);
    let employer = index % companies;
    let rank = index / companies;
    let pairs = (FIRST_NAMES.len() * LAST_NAMES.len()) as u64;
    // Each company deals names out of its own permutation of all pairs.
    let pair = permute(
        rank,
        pairs,
        mix64(seed ^ TAG_NAME_SALT).wrapping_add(employer),
    );
    let (first, first_slug) = FIRST_NAMES[usize_of(pair % FIRST_NAMES.len() as u64)];
    let (last, last_slug) = LAST_NAMES[usize_of(pair / FIRST_NAMES.len() as u64)];
    let identity = company_identity(seed, employer);
    let email = if identity.domain.is_empty() {
        let mailbox = FREE_MAIL[usize_of(employer % FREE_MAIL.len() as u64)];
        format!("{first_slug}.{last_slug}{employer}@{mailbox}")
    } else {
        format!("{first_slug}.{last_slug}@{}", identity.domain)
    };
    let firstname = if rng.chance(2) {
        String::new()
    } else {
        first.to_owned()
    };
    let lastname = (!rng.chance(2)).then(|| last.to_owned());
    let phone = match rng.below(100) {
        0..10 => None,
        10..13 => Some(String::new()),
        13..60 => Some(format!("+1 617-555-{:04}", rng.below(10_000))),
        60..85 => Some(format!(
            "({}) 555-{:04}",
            200 + rng.below(800),
            rng.below(10_000)
        )),
        _ => Some(format!("+44 20 7946 {:04}", rng.below(10_000))),
    };
    let company = (!rng.chance(8)).then_some(identity.name);
    let lifecycle = rng.pick(&LIFECYCLE_STAGES);
    vec![
        ("company", company),
        ("email", Some(email)),
        ("firstname", Some(firstname)),
        ("lastname", lastname),
        ("lifecyclestage", Some((*lifecycle).to_owned())),
        ("phone", phone),
    ]
}

fn company(seed: u64, index: u64, rng: &mut SplitMix64) -> Vec<(&'static str, Option<String>)> {
    let identity = company_identity(seed, index);
    let industry = (!rng.chance(10)).then(|| (*rng.pick(&INDUSTRIES)).to_owned());
    let (city, country) = *rng.pick(&PLACES);
    let city = if rng.chance(5) {
        String::new()
    } else {
        city.to_owned()
    };
    let country = (!rng.chance(3)).then(|| country.to_owned());
    let employees = match rng.below(100) {
        0..5 => None,
        5..60 => Some(2 + rng.below(50)),
        60..90 => Some(50 + rng.below(450)),
        _ => Some(500 + rng.below(9_500)),
    };
    vec![
        ("city", Some(city)),
        ("country", country),
        ("domain", Some(identity.domain)),
        ("industry", industry),
        ("name", Some(identity.name)),
        ("numberofemployees", employees.map(|n| n.to_string())),
    ]
}

fn deal(
    seed: u64,
    counts: Counts,
    created: u64,
    rng: &mut SplitMix64,
) -> Vec<(&'static str, Option<String>)> {
    let customer = company_identity(seed, rng.below(counts.companies.max(1)));
    let product = rng.pick(&PRODUCTS);
    let closes = created + 7 * DAY_MS + rng.below(173 * DAY_MS);
    let stage = if closes >= OPEN_DEALS_FROM {
        *rng.pick(&OPEN_STAGES)
    } else if rng.chance(55) {
        "closedwon"
    } else {
        "closedlost"
    };
    let dollars = match rng.below(100) {
        0..60 => 500 + rng.below(9_500),
        60..90 => 10_000 + rng.below(40_000),
        _ => 50_000 + rng.below(200_000),
    };
    // Most amounts are whole dollars, as sales teams type them.
    let cents = if rng.chance(80) { 0 } else { rng.below(100) };
    let amount = (!rng.chance(5)).then(|| format!("{dollars}.{cents:02}"));
    let owner = (!rng.chance(10)).then(|| {
        use super::reference::{FIRST_OWNER_ID, OWNER_COUNT, OWNER_ID_STEP};
        (FIRST_OWNER_ID + rng.below(OWNER_COUNT) * OWNER_ID_STEP).to_string()
    });
    let currency = rng.pick(&CURRENCIES);
    vec![
        ("amount", amount),
        ("closedate", Some(iso(closes))),
        ("deal_currency_code", Some((*currency).to_owned())),
        ("dealname", Some(format!("{} - {product}", customer.name))),
        ("dealstage", Some(stage.to_owned())),
        ("hubspot_owner_id", owner),
        ("pipeline", Some("default".to_owned())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_stage_a_deal_can_have_is_in_the_pipeline() {
        let known: HashSet<&str> = super::super::reference::STAGES
            .iter()
            .map(|(id, ..)| *id)
            .collect();
        for stage in OPEN_STAGES.iter().chain(&["closedwon", "closedlost"]) {
            assert!(known.contains(stage), "{stage}");
        }
    }

    #[test]
    fn counts_follow_the_documented_ratios() {
        assert_eq!(
            Counts::new(0),
            Counts {
                contacts: 0,
                companies: 0,
                deals: 0
            }
        );
        assert_eq!(
            Counts::new(3),
            Counts {
                contacts: 3,
                companies: 1,
                deals: 1
            }
        );
        assert_eq!(
            Counts::new(250),
            Counts {
                contacts: 250,
                companies: 25,
                deals: 62
            }
        );
        assert_eq!(Counts::new(u64::MAX).contacts, MAX_RECORDS);
    }

    #[test]
    fn cursor_lookup_inverts_ids() {
        let count = 500;
        for object in Object::ALL {
            for index in 0..count {
                let id = id_at(9, object, index);
                assert_eq!(first_index_from(9, object, count, id), index);
                // A number between two ids starts at the later one.
                assert_eq!(first_index_from(9, object, count, id + 1), index + 1);
            }
            assert_eq!(first_index_from(9, object, count, 0), 0);
            assert_eq!(first_index_from(9, object, count, u64::MAX), count);
        }
    }

    #[test]
    fn ids_increase_and_records_are_ordered_in_time() {
        let counts = Counts::new(2_000);
        for object in Object::ALL {
            let records: Vec<Record> = (0..counts.of(object))
                .map(|i| record(5, counts, object, i))
                .collect();
            for pair in records.windows(2) {
                assert!(pair[0].id < pair[1].id);
                assert!(pair[0].created < pair[1].created);
            }
            for r in &records {
                assert!(r.created >= CREATED_FROM && r.updated <= MODIFIED_UNTIL);
                assert!(r.created <= r.updated);
                let names: Vec<&str> = r.properties.iter().map(|(name, _)| *name).collect();
                let mut sorted = names.clone();
                sorted.sort_unstable();
                assert_eq!(names, sorted);
            }
        }
    }

    #[test]
    fn emails_and_company_domains_are_unique() {
        let counts = Counts::new(20_000);
        let emails: HashSet<String> = (0..counts.contacts)
            .map(|i| {
                let r = record(11, counts, Object::Contacts, i);
                let (_, email) = r
                    .properties
                    .into_iter()
                    .find(|(n, _)| *n == "email")
                    .unwrap_or_default();
                email.unwrap_or_default()
            })
            .collect();
        assert_eq!(emails.len() as u64, counts.contacts);
        let domains: Vec<String> = (0..counts.companies)
            .map(|i| company_identity(11, i).domain)
            .collect();
        let non_empty: Vec<&String> = domains.iter().filter(|d| !d.is_empty()).collect();
        let distinct: HashSet<&&String> = non_empty.iter().collect();
        assert_eq!(distinct.len(), non_empty.len());
        assert!(
            non_empty.len() < domains.len(),
            "a few companies have no domain"
        );
    }
}
