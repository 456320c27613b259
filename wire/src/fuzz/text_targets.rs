//! The `text` fuzz target: GSM 7-bit (unpacked and packed), UCS-2, the
//! data_coding dispatcher, the user data header and reassembly of arbitrary
//! parts. The first byte steers (data_coding, fill bits, septet count); the
//! rest is the input.

use std::time::{Duration, Instant};

use crate::text::{
    Part, Reassembler, Sar, UserDataHeader, decode, decode_lossy, gsm7, pack, reassembly::Outcome,
    ucs2,
};

/// Held incomplete messages in the fuzzed reassembler.
const MAX_PENDING: usize = 4;

pub fn text(data: &[u8]) {
    let Some((&c, rest)) = data.split_first() else {
        return;
    };
    // GSM 7-bit, unpacked: decode → encode → decode gives the same text.
    let _ = gsm7::decode_lossy(rest);
    if let Ok(s) = gsm7::decode(rest) {
        let septets = gsm7::encode(&s).unwrap_or_else(|e| panic!("{s:?} does not re-encode: {e}"));
        assert_eq!(gsm7::decode(&septets).as_deref(), Ok(s.as_str()));
    }
    // Packed: whatever unpacks packs back to the same septets.
    let (count, fill) = (usize::from(c), c % 8);
    if let Ok(septets) = pack::unpack(rest, count, fill) {
        assert_eq!(septets.len(), count);
        let packed = pack::pack(&septets, fill);
        assert_eq!(packed.len(), pack::packed_len(count, fill));
        assert_eq!(pack::unpack(&packed, count, fill), Ok(septets));
    }
    // UCS-2 is strict, so a decoded text re-encodes to exactly its octets.
    let _ = ucs2::decode_lossy(rest);
    if let Ok(s) = ucs2::decode(rest) {
        assert_eq!(ucs2::encode(&s), rest);
    }
    let _ = decode(c, rest);
    let _ = decode_lossy(c, rest);
    udh(rest);
    reassemble(rest);
}

/// A parsed header re-encodes to one that parses the same, data untouched.
fn udh(data: &[u8]) {
    let Ok((header, after)) = UserDataHeader::parse(data) else {
        return;
    };
    let _ = header.concatenation();
    let mut again = header
        .encode()
        .unwrap_or_else(|e| panic!("{header:?} does not re-encode: {e}"));
    again.extend_from_slice(after);
    assert_eq!(UserDataHeader::parse(&again), Ok((header.clone(), after)));
}

/// Cuts `data` into parts: per part a tag byte (kind, originator, clock
/// step), a length byte, for SAR three values, then the part's octets.
fn reassemble(mut data: &[u8]) {
    let mut r = Reassembler::new(Duration::from_secs(60), MAX_PENDING);
    let mut now = Instant::now();
    let mut fed = 0usize;
    while let [tag, len, rest @ ..] = data {
        let (sar, rest) = match rest {
            [a, b, c, rest @ ..] if tag % 4 == 2 => (Some((*a, *b, *c)), rest),
            _ => (None, rest),
        };
        let (part_data, next) = rest.split_at(usize::from(*len % 64).min(rest.len()));
        data = next;
        fed += part_data.len();
        let part = match (tag % 4, sar) {
            (0, _) => Part::ShortMessage {
                udhi: false,
                data: part_data,
            },
            (2, Some((reference, total, seq))) => Part::Sar {
                sar: Sar {
                    msg_ref_num: u16::from(reference),
                    total_segments: total % 8,
                    segment_seqnum: seq % 8,
                },
                data: part_data,
            },
            (3, _) => Part::MessagePayload(part_data),
            _ => Part::ShortMessage {
                udhi: true,
                data: part_data,
            },
        };
        let originator = if tag & 0x04 != 0 { "1" } else { "2" };
        now += Duration::from_secs(u64::from(tag >> 3) * 4);
        if let Ok(Outcome::Complete(whole)) = r.accept(originator, "3", part, now) {
            assert!(whole.data.len() <= fed, "more out than in");
            let _ = whole.text_lossy(0);
            let _ = whole.text(8);
        }
        assert!(r.pending_len() <= MAX_PENDING);
        if tag & 0x80 != 0 {
            r.expire(now);
        }
    }
}
