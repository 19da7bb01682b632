//! The studio access code as a QR code the front-desk scanner reads.

use qrcodegen::{QrCode, QrCodeEcc};

/// The quiet zone scanners need around a code, in modules.
const QUIET_ZONE: i32 = 4;

/// A QR code drawn as one SVG path: `size` is the side in modules (quiet zone included), `path`
/// draws every dark module as a 1×1 square.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrPath {
    pub size: i32,
    pub path: String,
}

/// The QR code of `code` with medium error correction, or `None` for an empty code (or one too
/// long for a QR code, which no access code is).
pub fn qr_path(code: &str) -> Option<QrPath> {
    if code.trim().is_empty() {
        return None;
    }
    // Byte mode, not qrcodegen's `encode_text` choosing numeric or alphanumeric mode: an access
    // code of up to 14 characters fits the smallest symbol (21 modules) either way, and the
    // mode detection's code left the wasm (about 2 KB).
    let qr = QrCode::encode_binary(code.as_bytes(), QrCodeEcc::Medium).ok()?;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
            }
        }
    }
    Some(QrPath {
        size: qr.size() + 2 * QUIET_ZONE,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_dark_module_inside_a_quiet_zone() {
        let qr = qr_path("PTKXPMUO").unwrap();
        let reference = QrCode::encode_binary(b"PTKXPMUO", QrCodeEcc::Medium).unwrap();
        assert_eq!(reference.size(), 21, "the smallest symbol");
        assert_eq!(qr.size, reference.size() + 8);
        let dark = (0..reference.size())
            .flat_map(|y| (0..reference.size()).map(move |x| (x, y)))
            .filter(|&(x, y)| reference.get_module(x, y))
            .count();
        assert_eq!(qr.path.matches('M').count(), dark);
        // The finder pattern's top-left module sits just inside the quiet zone.
        assert!(qr.path.starts_with("M4,4h1v1h-1z"));
        assert_eq!(
            qr_path("PTKXPMUO"),
            Some(qr),
            "the same code gives the same picture"
        );
    }

    #[test]
    fn no_code_no_picture() {
        assert_eq!(qr_path(""), None);
        assert_eq!(qr_path("   "), None);
    }
}
