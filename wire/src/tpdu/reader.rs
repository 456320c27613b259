//! A bounds-checked cursor over TPDU octets.
//!
//! Every decoder reads through [`Reader`], so a short or lying TPDU turns
//! into [`TpduError::Truncated`] naming the field, never an index panic.
//! [`Reader::finish`] rejects octets left after the last declared field.

use super::TpduError;

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// Offset of the next octet to read.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, TpduError> {
        Ok(self.take(1, field)?[0])
    }

    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], TpduError> {
        let rest = &self.bytes[self.pos.min(self.bytes.len())..];
        if rest.len() < n {
            return Err(TpduError::Truncated {
                field,
                offset: self.pos,
            });
        }
        self.pos += n;
        Ok(&rest[..n])
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let rest = &self.bytes[self.pos.min(self.bytes.len())..];
        self.pos = self.bytes.len();
        rest
    }

    /// Succeeds only when every octet was read.
    pub(crate) fn finish(self) -> Result<(), TpduError> {
        match self.bytes.len().saturating_sub(self.pos) {
            0 => Ok(()),
            count => Err(TpduError::TrailingOctets { count }),
        }
    }
}
