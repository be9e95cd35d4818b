//! A small deterministic generator for the unit tests' generated cases (no dependency,
//! the same cases every run): Marsaglia's 64-bit xorshift.

pub(crate) struct XorShift(pub u64);

impl XorShift {
    /// A number in 0..below (0 when below is 0 or 1).
    pub fn below(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}
