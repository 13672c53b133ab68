//! The sandbox's only source of randomness: a SplitMix64 generator, so every generated value is a
//! pure function of the seed and needs no dependency; plus the id shapes built from it.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and statistically good enough for fake data.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

/// The golden-ratio increment SplitMix64 adds to its state on every step.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective mixer, also used to turn structured keys into seeds.
pub(crate) fn mix64(value: u64) -> u64 {
    let mut z = value;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// A value in `0..bound` (0 when `bound` is 0). Multiply-shift instead of modulo keeps the
    /// bias negligible for the small bounds used here without a rejection loop.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        let wide = u128::from(self.next_u64()) * u128::from(bound);
        // The high half of a 64x64-bit product always fits in 64 bits.
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A uniformly chosen element of a non-empty list.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        let index = usize::try_from(self.below(len)).unwrap_or(0);
        &items[index]
    }
}

/// A generator for one record: independent of every other (tag, index) pair, so any record can be
/// produced on demand without generating the ones before it.
pub(crate) fn stream_rng(seed: u64, tag: u64, index: u64) -> SplitMix64 {
    SplitMix64::new(mix64(mix64(seed ^ tag).wrapping_add(index)))
}

/// A seed-keyed permutation of `0..size`: a few invertible mixing rounds on the smallest
/// power-of-two domain that holds `size`, repeated until the value lands inside the range (cycle
/// walking keeps it a permutation). Lets small name tables be dealt out without repeats or
/// visible patterns. Values at or above `size` are reduced modulo `size` first.
pub(crate) fn permute(value: u64, size: u64, key: u64) -> u64 {
    if size <= 1 {
        return 0;
    }
    let bits = 64 - (size - 1).leading_zeros();
    let mask = u64::MAX >> (64 - bits);
    let shift = bits / 2 + 1;
    let mut keys = SplitMix64::new(key);
    let rounds = [
        (keys.next_u64() | 1, keys.next_u64()),
        (keys.next_u64() | 1, keys.next_u64()),
    ];
    let mut x = value % size;
    loop {
        for (multiplier, offset) in rounds {
            // Odd multiplication, addition and xor-shift are each bijective modulo 2^bits.
            x = x.wrapping_mul(multiplier).wrapping_add(offset) & mask;
            x ^= x >> shift;
        }
        if x < size {
            return x;
        }
    }
}

/// A UUID-v4-shaped identifier (HubSpot's correlation ids look like this), from a seed and a
/// sequence number so a run's ids are reproducible.
pub(crate) fn uuid_like(seed: u64, sequence: u64) -> String {
    let mut rng = stream_rng(seed, 0x636f_7272_656c_6174, sequence);
    let high = rng.next_u64();
    let low = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0x0fff,
        8 | ((low >> 60) & 0x3),
        (low >> 48) & 0x0fff,
        low & 0xffff_ffff_ffff,
    )
}

/// The 62 characters of Stripe-style identifiers, in value order (digits, upper, lower case).
pub(crate) const BASE62: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` random base-62 characters, as in Stripe's object and request ids.
pub(crate) fn alphanumeric(rng: &mut SplitMix64, len: usize) -> String {
    (0..len).map(|_| char::from(*rng.pick(BASE62))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // First outputs for seed 1234567 from the reference C implementation.
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = SplitMix64::new(7);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn permute_is_a_permutation() {
        for size in [1, 2, 7, 900, 1_920] {
            let mut seen: Vec<u64> = (0..size).map(|v| permute(v, size, 99)).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..size).collect::<Vec<_>>());
        }
        assert_ne!(permute(1, 900, 1), permute(1, 900, 2));
    }

    #[test]
    fn alphanumeric_draws_from_base62() {
        let text = alphanumeric(&mut SplitMix64::new(3), 200);
        assert_eq!(text.len(), 200);
        assert!(text.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(text.bytes().any(|b| b.is_ascii_lowercase()));
        assert!(text.bytes().any(|b| b.is_ascii_uppercase()));
    }

    #[test]
    fn uuid_like_has_the_uuid_shape() {
        let id = uuid_like(42, 0);
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert_ne!(uuid_like(42, 0), uuid_like(42, 1));
    }
}
