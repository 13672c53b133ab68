//! Deterministic Stripe objects (customers, charges, invoices), each computed on demand from
//! (seed, kind, index), with ids that decode back to their index so a list cursor costs O(1).
//!
//! Ids are `prefix_` + check characters + 7 base-62 characters holding an invertible affine
//! scramble of the index (so neighbouring records do not get neighbouring ids). Decoding checks
//! the whole id against the one generated for the decoded index, so a made-up id is unknown.
//! `created` rises strictly with the index within each kind, so "newest first" is "highest index
//! first" and a `created` range is an index range found by binary search.

use serde::Serialize;

use super::super::churn::{CLOCK_START_MS, Stream, clock_ms};
use super::super::dates::{DAY_MS, SECOND_MS, epoch_ms};
use super::super::rng::{BASE62, SplitMix64, alphanumeric, mix64, stream_rng};

/// Counts above this are clamped (the id space holds 62^7 ≈ 3.5e12 indexes per kind).
pub(crate) const MAX_RECORDS: u64 = 1 << 40;

/// Base-62 digits that hold the scrambled index in every id.
const INDEX_DIGITS: usize = 7;
/// 62^7: the size of the index space; its factors are 2^7 and 31^7.
const INDEX_SPACE: u64 = 3_521_614_606_208;

const DAY: u64 = DAY_MS / SECOND_MS;
/// The last second any generated time may fall on: the data clock starts just after it.
const LAST_SECOND: u64 = CLOCK_START_MS / SECOND_MS - 1;
/// Invoices created after this are recent enough to still be drafts or open.
const RECENT_FROM: u64 = epoch_ms(2026, 3, 18) / SECOND_MS;
/// Charges created after this may still be pending.
const PENDING_FROM: u64 = epoch_ms(2026, 3, 25) / SECOND_MS;

/// Keys that keep the generators for different purposes independent of each other.
const TAG_ID: u64 = 0x7374_7269_6964_0000;
const TAG_SCRAMBLE: u64 = 0x7363_7261_6d62_0000;
const TAG_CREATED: u64 = 0x6372_6561_7465_0000;
const TAG_OBJECT: u64 = 0x6f62_6a65_6374_0000;
const TAG_IDENTITY: u64 = 0x6964_656e_7469_0000;
const TAG_EMAIL: u64 = 0x656d_6169_6c00_0000;
const TAG_ACCOUNT: u64 = 0x6163_636f_756e_7400;

/// The Stripe object lists the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Customers,
    Charges,
    Invoices,
}

impl Kind {
    pub(crate) const ALL: [Kind; 3] = [Kind::Customers, Kind::Charges, Kind::Invoices];

    pub(crate) fn from_path(segment: &str) -> Option<Kind> {
        match segment {
            "customers" => Some(Kind::Customers),
            "charges" => Some(Kind::Charges),
            "invoices" => Some(Kind::Invoices),
            _ => None,
        }
    }

    /// The list's name, also its path segment and the stream name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Charges => "charges",
            Kind::Invoices => "invoices",
        }
    }

    /// The `object` field of one item, also used in "No such …" messages.
    pub(crate) fn object(self) -> &'static str {
        match self {
            Kind::Customers => "customer",
            Kind::Charges => "charge",
            Kind::Invoices => "invoice",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Kind::Customers => "cus_",
            Kind::Charges => "ch_",
            Kind::Invoices => "in_",
        }
    }

    /// Characters after the prefix: 14 like Stripe's customer ids, 24 like its charge and
    /// invoice ids.
    fn body_len(self) -> usize {
        match self {
            Kind::Customers => 14,
            Kind::Charges | Kind::Invoices => 24,
        }
    }

    pub(crate) fn stream(self) -> Stream {
        match self {
            Kind::Customers => Stream::Customers,
            Kind::Charges => Stream::Charges,
            Kind::Invoices => Stream::Invoices,
        }
    }

    fn tag(self) -> u64 {
        match self {
            Kind::Customers => 1,
            Kind::Charges => 2,
            Kind::Invoices => 3,
        }
    }

    /// When objects of this kind were created, in Unix seconds: `[from, until)`. Customers
    /// come first so every charge and invoice can belong to an older customer.
    fn created_range(self) -> (u64, u64) {
        let from = match self {
            Kind::Customers => epoch_ms(2023, 1, 1),
            Kind::Charges => epoch_ms(2023, 1, 15),
            Kind::Invoices => epoch_ms(2023, 2, 1),
        };
        let until = match self {
            Kind::Customers => epoch_ms(2026, 1, 1),
            Kind::Charges | Kind::Invoices => CLOCK_START_MS,
        };
        (from / SECOND_MS, until / SECOND_MS)
    }
}

/// How many objects each list holds for a `records` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) customers: u64,
    pub(crate) charges: u64,
    pub(crate) invoices: u64,
}

impl Counts {
    /// customers = records, charges = 2 × records (about two payments per customer), invoices =
    /// records; records are clamped to 2^40.
    pub(crate) fn new(records: u64) -> Counts {
        let records = records.min(MAX_RECORDS);
        Counts {
            customers: records,
            charges: records * 2,
            invoices: records,
        }
    }

    pub(crate) fn of(self, kind: Kind) -> u64 {
        match kind {
            Kind::Customers => self.customers,
            Kind::Charges => self.charges,
            Kind::Invoices => self.invoices,
        }
    }
}

/// An invertible map of `0..INDEX_SPACE` onto itself: `index * multiplier + offset`.
struct Scramble {
    multiplier: u64,
    offset: u64,
}

impl Scramble {
    fn new(seed: u64, key: u64) -> Scramble {
        let mut rng = SplitMix64::new(mix64(seed ^ TAG_SCRAMBLE ^ key));
        // Invertible modulo 2^7 * 31^7 exactly when odd and not a multiple of 31.
        let mut multiplier = rng.below(INDEX_SPACE) | 1;
        while multiplier.is_multiple_of(31) {
            multiplier = (multiplier + 2) % INDEX_SPACE;
        }
        Scramble {
            multiplier,
            offset: rng.below(INDEX_SPACE),
        }
    }

    fn apply(&self, index: u64) -> u64 {
        let product = u128::from(index) * u128::from(self.multiplier) + u128::from(self.offset);
        // The remainder is below INDEX_SPACE, so it fits.
        u64::try_from(product % u128::from(INDEX_SPACE)).unwrap_or(0)
    }

    fn invert(&self, value: u64) -> u64 {
        let space = u128::from(INDEX_SPACE);
        let shifted = (u128::from(value) + space - u128::from(self.offset)) % space;
        let product = shifted * u128::from(inverse(self.multiplier, INDEX_SPACE)) % space;
        u64::try_from(product).unwrap_or(0)
    }
}

/// The inverse of `value` modulo `modulus` (they must be coprime), by extended Euclid.
fn inverse(value: u64, modulus: u64) -> u64 {
    let (mut old_r, mut r) = (i128::from(value), i128::from(modulus));
    let (mut old_s, mut s) = (1_i128, 0_i128);
    while r != 0 {
        let quotient = old_r / r;
        (old_r, r) = (r, old_r - quotient * r);
        (old_s, s) = (s, old_s - quotient * s);
    }
    u64::try_from(old_s.rem_euclid(i128::from(modulus))).unwrap_or(0)
}

/// The id of the object at `index`.
pub(crate) fn id_at(seed: u64, kind: Kind, index: u64) -> String {
    let scrambled = Scramble::new(seed, kind.tag()).apply(index);
    let mut rng = stream_rng(seed, TAG_ID ^ kind.tag(), index);
    let mut id = String::with_capacity(kind.prefix().len() + kind.body_len());
    id.push_str(kind.prefix());
    id.push_str(&alphanumeric(&mut rng, kind.body_len() - INDEX_DIGITS));
    id.push_str(&base62(scrambled, INDEX_DIGITS));
    id
}

/// The index of the object with this id, if it is one of the `count` objects of `kind`.
pub(crate) fn index_of(seed: u64, kind: Kind, count: u64, id: &str) -> Option<u64> {
    let body = id.strip_prefix(kind.prefix())?;
    if body.len() != kind.body_len() {
        return None;
    }
    let scrambled = from_base62(&body[kind.body_len() - INDEX_DIGITS..])?;
    let index = Scramble::new(seed, kind.tag()).invert(scrambled);
    (index < count && id_at(seed, kind, index) == id).then_some(index)
}

fn base62(mut value: u64, digits: usize) -> String {
    let mut out = vec![b'0'; digits];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[usize::try_from(value % 62).unwrap_or(0)];
        value /= 62;
    }
    String::from_utf8(out).unwrap_or_default()
}

fn from_base62(text: &str) -> Option<u64> {
    text.bytes().try_fold(0_u64, |value, byte| {
        let digit = BASE62.iter().position(|c| *c == byte)?;
        Some(value * 62 + u64::try_from(digit).ok()?)
    })
}

/// Where slot `index` of `count` starts within a range of `range` seconds.
fn slot_start(index: u64, count: u64, range: u64) -> u64 {
    let start = u128::from(index) * u128::from(range) / u128::from(count.max(1));
    u64::try_from(start).unwrap_or(u64::MAX)
}

/// The `created` time (Unix seconds) of the object at `index` of `count`: each object gets an
/// equal slot of its kind's range and a random second in it, so times rise strictly with the
/// index (while there are fewer objects than seconds; past that, neighbours share a second).
pub(crate) fn created_at(seed: u64, kind: Kind, count: u64, index: u64) -> u64 {
    let (from, until) = kind.created_range();
    let range = until - from;
    let start = slot_start(index, count, range);
    let width = slot_start(index + 1, count, range) - start;
    // The first customer exists from the very start, so early charges have someone to bill.
    if width == 0 || (kind == Kind::Customers && index == 0) {
        return from + start;
    }
    from + start + stream_rng(seed, TAG_CREATED ^ kind.tag(), index).below(width)
}

/// The index of the first object created at or after `time` (`count` when there is none).
pub(crate) fn first_created_from(seed: u64, kind: Kind, count: u64, time: u64) -> u64 {
    let (mut low, mut high) = (0, count);
    while low < high {
        let middle = low + (high - low) / 2;
        if created_at(seed, kind, count, middle) < time {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// A customer created before `time`, for a charge or invoice created then: every customer in a
/// slot that ended by `time` qualifies (the first customer always does).
fn customer_before(rng: &mut SplitMix64, counts: Counts, time: u64) -> u64 {
    let (from, until) = Kind::Customers.created_range();
    let elapsed = u128::from(time.saturating_sub(from));
    let ended = elapsed * u128::from(counts.customers) / u128::from(until - from);
    let eligible = u64::try_from(ended)
        .unwrap_or(u64::MAX)
        .min(counts.customers)
        .max(1);
    rng.below(eligible)
}

const FIRST_NAMES: [(&str, &str); 16] = [
    ("Amelia", "amelia"),
    ("Oliver", "oliver"),
    ("Zoë", "zoe"),
    ("Mateo", "mateo"),
    ("Priya", "priya"),
    ("Jonas", "jonas"),
    ("Chloé", "chloe"),
    ("Kenji", "kenji"),
    ("Aisha", "aisha"),
    ("Lars", "lars"),
    ("Sofía", "sofia"),
    ("Ethan", "ethan"),
    ("Małgorzata", "malgorzata"),
    ("Noah", "noah"),
    ("Grace", "grace"),
    ("Tomás", "tomas"),
];

const LAST_NAMES: [(&str, &str); 16] = [
    ("Rosen", "rosen"),
    ("Okafor", "okafor"),
    ("Lindqvist", "lindqvist"),
    ("García", "garcia"),
    ("Chen", "chen"),
    ("Becker", "becker"),
    ("O'Neill", "oneill"),
    ("Yamamoto", "yamamoto"),
    ("Dubois", "dubois"),
    ("Kowalczyk", "kowalczyk"),
    ("Haddad", "haddad"),
    ("Silva", "silva"),
    ("Jørgensen", "jorgensen"),
    ("Novak", "novak"),
    ("Mehta", "mehta"),
    ("Brown", "brown"),
];

/// Reserved example domains: a sandbox address can never reach anyone.
const MAIL_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];

const CURRENCIES: [&str; 20] = [
    "usd", "usd", "usd", "usd", "usd", "usd", "usd", "usd", "usd", "usd", "usd", "usd", "usd",
    "usd", "eur", "eur", "eur", "gbp", "gbp", "cad",
];

const CHARGE_DESCRIPTIONS: [&str; 5] = [
    "Subscription update",
    "Subscription creation",
    "Annual plan",
    "Consulting hours",
    "Setup fee",
];

const ACCOUNT_NAMES: [&str; 8] = [
    "Kestrel Outfitters",
    "Bluefin Studio",
    "Café Olé Roasters",
    "Ironbridge Supply",
    "Meridian Labs",
    "Nordlys Design",
    "Juniper & Co.",
    "Redwood Analytics",
];

/// What charges and invoices repeat of their customer, cheap to compute on its own.
struct Identity {
    name: Option<String>,
    /// The address without the domain: unique per customer.
    local: String,
    domain: usize,
    currency: &'static str,
    invoice_prefix: String,
    phone: Option<String>,
    description: Option<&'static str>,
}

impl Identity {
    /// The customer's email with the domain at `domain` of [`MAIL_DOMAINS`].
    fn email_at(&self, domain: usize) -> String {
        format!(
            "{}@{}",
            self.local,
            MAIL_DOMAINS[domain % MAIL_DOMAINS.len()]
        )
    }

    fn email(&self) -> String {
        self.email_at(self.domain)
    }
}

fn identity(seed: u64, index: u64) -> Identity {
    let mut rng = stream_rng(seed, TAG_IDENTITY, index);
    let (first, first_slug) = *rng.pick(&FIRST_NAMES);
    let (last, last_slug) = *rng.pick(&LAST_NAMES);
    // A bijection of the index keeps addresses unique without counting anything.
    let tag = base36(Scramble::new(seed, TAG_EMAIL).apply(index));
    let domain = usize::try_from(rng.below(MAIL_DOMAINS.len() as u64)).unwrap_or(0);
    let currency = *rng.pick(&CURRENCIES);
    let name = (!rng.chance(3)).then(|| format!("{first} {last}"));
    let phone = rng
        .chance(40)
        .then(|| format!("+1 415-555-{:04}", rng.below(10_000)));
    let description = rng.chance(10).then_some("Imported from legacy billing");
    let invoice_prefix: String = (0..8)
        .map(|_| char::from(*rng.pick(&BASE62[..36])))
        .collect();
    Identity {
        name,
        local: format!("{first_slug}.{last_slug}.{tag}"),
        domain,
        currency,
        invoice_prefix,
        phone,
        description,
    }
}

fn base36(mut value: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(BASE62[usize::try_from(value % 36).unwrap_or(0)].to_ascii_lowercase());
        value /= 36;
        if value == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// The metadata churn leaves on every object it changes: Stripe objects have no modification
/// time, so this is the one change every kind can show. Empty (`{}`) until churn touches it.
#[derive(Debug, Serialize)]
pub(crate) struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    sandbox_revision: Option<String>,
}

fn metadata(tick: Option<u64>) -> Metadata {
    Metadata {
        sandbox_revision: tick.map(|tick| tick.to_string()),
    }
}

/// Unix seconds of a churn tick.
fn tick_seconds(tick: u64) -> u64 {
    clock_ms(tick) / SECOND_MS
}

/// A Stripe customer, field order as Stripe's (alphabetical after `id` and `object`). Objects
/// are plain structs rather than JSON maps: a page of them serializes without building maps.
/// `()` fields are the ones Stripe reports as `null` here.
#[derive(Debug, Serialize)]
pub(crate) struct Customer {
    id: String,
    object: &'static str,
    address: (),
    balance: u64,
    created: u64,
    currency: &'static str,
    default_source: (),
    delinquent: bool,
    description: Option<&'static str>,
    discount: (),
    email: String,
    invoice_prefix: String,
    invoice_settings: InvoiceSettings,
    livemode: bool,
    metadata: Metadata,
    name: Option<String>,
    next_invoice_sequence: u64,
    phone: Option<String>,
    preferred_locales: [&'static str; 0],
    shipping: (),
    tax_exempt: &'static str,
    test_clock: (),
}

#[derive(Debug, Serialize)]
struct InvoiceSettings {
    custom_fields: (),
    default_payment_method: (),
    footer: (),
    rendering_options: (),
}

/// The customer at `index`; `tick` is the latest churn tick that changed it. A change moves
/// the customer's email to another domain and records the revision in `metadata`.
pub(crate) fn customer(seed: u64, counts: Counts, index: u64, tick: Option<u64>) -> Customer {
    let who = identity(seed, index);
    let email = match tick {
        Some(tick) => {
            let step = 1 + usize::try_from(tick % 2).unwrap_or(0);
            who.email_at(who.domain + step)
        }
        None => who.email(),
    };
    Customer {
        id: id_at(seed, Kind::Customers, index),
        object: "customer",
        address: (),
        balance: 0,
        created: created_at(seed, Kind::Customers, counts.customers, index),
        currency: who.currency,
        default_source: (),
        delinquent: false,
        description: who.description,
        discount: (),
        email,
        invoice_prefix: who.invoice_prefix,
        invoice_settings: InvoiceSettings {
            custom_fields: (),
            default_payment_method: (),
            footer: (),
            rendering_options: (),
        },
        livemode: false,
        metadata: metadata(tick),
        name: who.name,
        next_invoice_sequence: 1,
        phone: who.phone,
        preferred_locales: [],
        shipping: (),
        tax_exempt: "none",
        test_clock: (),
    }
}

/// A Stripe charge. Fields follow API version 2025-03-31.basil, which removed `invoice`.
#[derive(Debug, Serialize)]
pub(crate) struct Charge {
    id: String,
    object: &'static str,
    amount: u64,
    amount_captured: u64,
    amount_refunded: u64,
    balance_transaction: Option<String>,
    billing_details: BillingDetails,
    captured: bool,
    created: u64,
    currency: &'static str,
    customer: String,
    description: &'static str,
    disputed: bool,
    failure_code: Option<&'static str>,
    failure_message: Option<&'static str>,
    livemode: bool,
    metadata: Metadata,
    paid: bool,
    payment_intent: String,
    payment_method: String,
    refunded: bool,
    status: &'static str,
}

#[derive(Debug, Serialize)]
struct BillingDetails {
    address: (),
    email: String,
    name: Option<String>,
    phone: (),
}

/// The charge at `index`. A churn change settles a pending charge, refunds a settled one in
/// full, and always records the revision in `metadata`.
pub(crate) fn charge(seed: u64, counts: Counts, index: u64, tick: Option<u64>) -> Charge {
    let created = created_at(seed, Kind::Charges, counts.charges, index);
    let mut rng = stream_rng(seed, TAG_OBJECT ^ Kind::Charges.tag(), index);
    let customer_index = customer_before(&mut rng, counts, created);
    let who = identity(seed, customer_index);
    let amount = match rng.below(100) {
        0..70 => 500 + rng.below(9_500),
        70..95 => 10_000 + rng.below(40_000),
        _ => 50_000 + rng.below(450_000),
    };
    let mut status = match rng.below(100) {
        0..6 => "failed",
        6..8 if created >= PENDING_FROM => "pending",
        _ => "succeeded",
    };
    let mut refunded = match rng.below(100) {
        _ if status != "succeeded" => 0,
        0..4 => amount,
        4..7 => amount / 2,
        _ => 0,
    };
    if tick.is_some() {
        match status {
            "pending" => status = "succeeded",
            "succeeded" if refunded < amount => refunded = amount,
            _ => {}
        }
    }
    let settled = status != "failed";
    let failed = status == "failed";
    let description = *rng.pick(&CHARGE_DESCRIPTIONS);
    let payment_intent = format!("pi_{}", alphanumeric(&mut rng, 24));
    let payment_method = format!("pm_{}", alphanumeric(&mut rng, 24));
    let transaction = format!("txn_{}", alphanumeric(&mut rng, 24));
    Charge {
        id: id_at(seed, Kind::Charges, index),
        object: "charge",
        amount,
        amount_captured: if settled { amount } else { 0 },
        amount_refunded: refunded,
        balance_transaction: (status == "succeeded").then_some(transaction),
        billing_details: BillingDetails {
            address: (),
            email: who.email(),
            name: who.name,
            phone: (),
        },
        captured: settled,
        created,
        currency: who.currency,
        customer: id_at(seed, Kind::Customers, customer_index),
        description,
        disputed: false,
        failure_code: failed.then_some("card_declined"),
        failure_message: failed.then_some("Your card was declined."),
        livemode: false,
        metadata: metadata(tick),
        paid: status == "succeeded",
        payment_intent,
        payment_method,
        refunded: refunded == amount && amount > 0,
        status,
    }
}

/// A Stripe invoice. Fields follow API version 2025-03-31.basil, which removed `paid`,
/// `charge` and `payment_intent`.
#[derive(Debug, Serialize)]
pub(crate) struct Invoice {
    id: String,
    object: &'static str,
    account_country: &'static str,
    account_name: &'static str,
    amount_due: u64,
    amount_paid: u64,
    amount_remaining: u64,
    amount_shipping: u64,
    attempt_count: u64,
    attempted: bool,
    auto_advance: bool,
    billing_reason: &'static str,
    collection_method: &'static str,
    created: u64,
    currency: &'static str,
    customer: String,
    customer_email: String,
    customer_name: Option<String>,
    description: (),
    due_date: Option<u64>,
    effective_at: Option<u64>,
    lines: Lines,
    livemode: bool,
    metadata: Metadata,
    number: Option<String>,
    period_end: u64,
    period_start: u64,
    status: &'static str,
    status_transitions: StatusTransitions,
    subtotal: u64,
    total: u64,
}

/// The line items sub-list: the sandbox does not emulate line items, so it is always empty.
#[derive(Debug, Serialize)]
struct Lines {
    object: &'static str,
    data: [(); 0],
    has_more: bool,
    total_count: u64,
    url: String,
}

#[derive(Debug, Serialize)]
struct StatusTransitions {
    finalized_at: Option<u64>,
    marked_uncollectible_at: Option<u64>,
    paid_at: Option<u64>,
    voided_at: Option<u64>,
}

/// The invoice at `index`. A churn change finalizes a draft, marks an open or uncollectible
/// invoice paid, and always records the revision in `metadata`.
pub(crate) fn invoice(
    seed: u64,
    counts: Counts,
    index: u64,
    tick: Option<u64>,
    account_name: &'static str,
) -> Invoice {
    let created = created_at(seed, Kind::Invoices, counts.invoices, index);
    let mut rng = stream_rng(seed, TAG_OBJECT ^ Kind::Invoices.tag(), index);
    let customer_index = customer_before(&mut rng, counts, created);
    let who = identity(seed, customer_index);
    let amount = 1_000 + rng.below(499_000);
    let mut status = if created >= RECENT_FROM {
        if rng.chance(30) { "draft" } else { "open" }
    } else {
        match rng.below(100) {
            0..86 => "paid",
            86..89 => "open",
            89..93 => "uncollectible",
            _ => "void",
        }
    };
    let automatic = rng.chance(80);
    let subscription = rng.chance(70);
    // Every later event happens within weeks, and never after the generated data ends.
    let finalized_at = (created + 3_600).min(LAST_SECOND);
    let later = |rng: &mut SplitMix64| (finalized_at + rng.below(20 * DAY)).min(LAST_SECOND);
    let mut paid_at = (status == "paid").then(|| later(&mut rng));
    let voided_at = (status == "void").then(|| later(&mut rng));
    let uncollectible_at = (status == "uncollectible").then(|| later(&mut rng));
    let mut finalized = (status != "draft").then_some(finalized_at);
    if let Some(tick) = tick {
        match status {
            "draft" => {
                status = "open";
                finalized = Some(tick_seconds(tick));
            }
            "open" | "uncollectible" => {
                status = "paid";
                paid_at = Some(tick_seconds(tick));
            }
            _ => {}
        }
    }
    let paid = status == "paid";
    let amount_paid = if paid { amount } else { 0 };
    let id = id_at(seed, Kind::Invoices, index);
    let number = (status != "draft").then(|| format!("{}-{:04}", who.invoice_prefix, index + 1));
    let (period_start, period_end) = if subscription {
        (created.saturating_sub(30 * DAY), created)
    } else {
        (created, created)
    };
    let attempted = paid || (automatic && status != "draft");
    let lines = Lines {
        object: "list",
        data: [],
        has_more: false,
        total_count: 0,
        url: format!("/v1/invoices/{id}/lines"),
    };
    Invoice {
        id,
        object: "invoice",
        account_country: "US",
        account_name,
        amount_due: amount,
        amount_paid,
        amount_remaining: amount - amount_paid,
        amount_shipping: 0,
        attempt_count: u64::from(attempted),
        attempted,
        auto_advance: status == "draft" || (automatic && status == "open"),
        billing_reason: if subscription {
            "subscription_cycle"
        } else {
            "manual"
        },
        collection_method: if automatic {
            "charge_automatically"
        } else {
            "send_invoice"
        },
        created,
        currency: who.currency,
        customer: id_at(seed, Kind::Customers, customer_index),
        customer_email: who.email(),
        customer_name: who.name,
        description: (),
        due_date: (!automatic).then_some(created + 30 * DAY),
        effective_at: finalized,
        lines,
        livemode: false,
        metadata: metadata(tick),
        number,
        period_end,
        period_start,
        status,
        status_transitions: StatusTransitions {
            finalized_at: finalized,
            marked_uncollectible_at: uncollectible_at,
            paid_at,
            voided_at,
        },
        subtotal: amount,
        total: amount,
    }
}

/// The account behind the sandbox's key.
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) name: &'static str,
    pub(crate) created: u64,
    /// Available and pending balance, in cents of USD.
    pub(crate) available: u64,
    pub(crate) pending: u64,
}

pub(crate) fn account(seed: u64) -> Account {
    let mut rng = stream_rng(seed, TAG_ACCOUNT, 0);
    let id = format!("acct_{}", alphanumeric(&mut rng, 16));
    let name = *rng.pick(&ACCOUNT_NAMES);
    Account {
        id,
        name,
        created: epoch_ms(2022, 6, 1) / SECOND_MS + rng.below(180 * DAY),
        available: 50_000 + rng.below(5_000_000),
        pending: rng.below(500_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::HashSet;

    fn value(object: impl Serialize) -> Value {
        serde_json::to_value(object).expect("objects serialize")
    }

    #[test]
    fn ids_decode_to_their_index_and_nothing_else_does() {
        for kind in Kind::ALL {
            let count = 3_000;
            let ids: Vec<String> = (0..count).map(|i| id_at(5, kind, i)).collect();
            let distinct: HashSet<&String> = ids.iter().collect();
            assert_eq!(distinct.len(), ids.len());
            for (index, id) in ids.iter().enumerate() {
                assert_eq!(index_of(5, kind, count, id), Some(index as u64));
                assert_eq!(id.len(), kind.prefix().len() + kind.body_len());
                assert!(
                    id[kind.prefix().len()..]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric())
                );
            }
            let id = &ids[7];
            assert_eq!(index_of(6, kind, count, id), None, "another seed");
            assert_eq!(index_of(5, kind, 7, id), None, "past the count");
            let mut forged = id.clone().into_bytes();
            let at = kind.prefix().len();
            forged[at] = if forged[at] == b'a' { b'b' } else { b'a' };
            let forged = String::from_utf8(forged).expect("ascii");
            assert_eq!(index_of(5, kind, count, &forged), None, "check characters");
        }
        assert_eq!(index_of(5, Kind::Customers, 10, "cus_"), None);
        assert_eq!(index_of(5, Kind::Customers, 10, "cus_!!!!!!!!!!!!!!"), None);
        let charge = id_at(5, Kind::Charges, 1);
        assert_eq!(index_of(5, Kind::Invoices, 10, &charge), None);
        // The largest index still round-trips.
        let last = Counts::new(u64::MAX).charges - 1;
        let id = id_at(1, Kind::Charges, last);
        assert_eq!(index_of(1, Kind::Charges, last + 1, &id), Some(last));
    }

    #[test]
    fn scramble_inverts() {
        let scramble = Scramble::new(77, 2);
        for value in [0, 1, 2, 61, 62, INDEX_SPACE - 1, 123_456_789] {
            assert_eq!(scramble.invert(scramble.apply(value)), value);
        }
        assert_eq!(
            from_base62(&base62(INDEX_SPACE - 1, 7)),
            Some(INDEX_SPACE - 1)
        );
    }

    #[test]
    fn created_rises_and_stays_in_range() {
        let counts = Counts::new(5_000);
        for kind in Kind::ALL {
            let count = counts.of(kind);
            let times: Vec<u64> = (0..count).map(|i| created_at(3, kind, count, i)).collect();
            assert!(times.windows(2).all(|w| w[0] < w[1]), "{kind:?}");
            let (from, until) = kind.created_range();
            assert!(times[0] >= from && times[times.len() - 1] < until);
            assert!(until <= LAST_SECOND + 1);
            let probe = times[1_234];
            assert_eq!(first_created_from(3, kind, count, probe), 1_234);
            assert_eq!(first_created_from(3, kind, count, probe + 1), 1_235);
            assert_eq!(first_created_from(3, kind, count, 0), 0);
            assert_eq!(first_created_from(3, kind, count, u64::MAX), count);
        }
    }

    #[test]
    fn charges_and_invoices_belong_to_older_customers() {
        let counts = Counts::new(400);
        for index in 0..counts.charges {
            let charge = value(charge(8, counts, index, None));
            let customer = charge["customer"].as_str().expect("customer id");
            let owner = index_of(8, Kind::Customers, counts.customers, customer).expect("known");
            let created = created_at(8, Kind::Customers, counts.customers, owner);
            assert!(created <= charge["created"].as_u64().expect("created"));
        }
        for index in 0..counts.invoices {
            let invoice = value(invoice(8, counts, index, None, "Acme"));
            let customer = invoice["customer"].as_str().expect("customer id");
            assert!(index_of(8, Kind::Customers, counts.customers, customer).is_some());
            let paid = invoice["amount_paid"].as_u64().expect("paid");
            let due = invoice["amount_due"].as_u64().expect("due");
            assert_eq!(invoice["amount_remaining"].as_u64(), Some(due - paid));
            assert_eq!(invoice["status"] == "paid", paid == due);
        }
    }

    #[test]
    fn emails_are_unique() {
        let emails: HashSet<String> = (0..20_000).map(|i| identity(4, i).email()).collect();
        assert_eq!(emails.len(), 20_000);
    }

    #[test]
    fn churn_changes_something_visible() {
        let counts = Counts::new(300);
        for index in 0..counts.customers {
            let before = value(customer(2, counts, index, None));
            let after = value(customer(2, counts, index, Some(3)));
            assert_ne!(before["email"], after["email"]);
            assert_eq!(before["created"], after["created"]);
            assert_eq!(after["metadata"]["sandbox_revision"], "3");
        }
        for index in 0..counts.invoices {
            let before = value(invoice(2, counts, index, None, "Acme"));
            let after = value(invoice(2, counts, index, Some(1), "Acme"));
            match before["status"].as_str() {
                Some("draft") => assert_eq!(after["status"], "open"),
                Some("open" | "uncollectible") => assert_eq!(after["status"], "paid"),
                _ => assert_eq!(before["status"], after["status"]),
            }
        }
        for index in 0..counts.charges {
            let before = value(charge(2, counts, index, None));
            let after = value(charge(2, counts, index, Some(1)));
            if before["status"] == "succeeded" {
                assert_eq!(after["refunded"], true);
                assert_eq!(after["amount_refunded"], after["amount"]);
            }
            assert_ne!(before, after);
        }
    }
}
