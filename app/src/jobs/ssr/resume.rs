//! Deciding what an uploaded résumé is from its bytes — never from its name
//! or the browser's `Content-Type`. Only PDF and DOCX are accepted, and a
//! DOCX is opened as the ZIP archive it is, with every part inflated under a
//! budget, so a "zip bomb" is refused before it costs memory.

use std::io::{Cursor, Read};

/// Largest résumé accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Largest total a DOCX may inflate to.
const MAX_INFLATED: u64 = 50 * 1024 * 1024;
/// Most parts a DOCX may have.
const MAX_PARTS: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeKind {
    Pdf,
    Docx,
}

impl ResumeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pdf" => Some(Self::Pdf),
            "docx" => Some(Self::Docx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }
}

/// Why a file was refused; the message is for the applicant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("Attach your résumé as a PDF or DOCX file.")]
    Missing,
    #[error("The résumé is larger than 5 MiB; attach a smaller file.")]
    TooLarge,
    #[error("The résumé must be a PDF or DOCX file; this file is neither.")]
    WrongType,
    #[error("This DOCX file is damaged or unusually built; save it again or attach a PDF.")]
    BadDocx,
}

/// What `bytes` are, if they are an acceptable résumé.
pub fn sniff(bytes: &[u8]) -> Result<ResumeKind, Refused> {
    if bytes.is_empty() {
        return Err(Refused::Missing);
    }
    if bytes.len() > MAX_BYTES {
        return Err(Refused::TooLarge);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(ResumeKind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return check_docx(bytes).map(|()| ResumeKind::Docx);
    }
    Err(Refused::WrongType)
}

/// A DOCX is a ZIP holding `[Content_Types].xml` and `word/document.xml`;
/// every part is inflated (and discarded) to hold the archive to its word.
fn check_docx(bytes: &[u8]) -> Result<(), Refused> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Refused::BadDocx)?;
    if archive.len() > MAX_PARTS {
        return Err(Refused::BadDocx);
    }
    let (mut content_types, mut document) = (false, false);
    let mut budget = MAX_INFLATED;
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(|_| Refused::BadDocx)?;
        if part.encrypted() {
            return Err(Refused::BadDocx);
        }
        match part.name().map_err(|_| Refused::BadDocx)?.as_ref() {
            "[Content_Types].xml" => content_types = true,
            "word/document.xml" => document = true,
            _ => {}
        }
        // Read one byte more than the budget allows: if it arrives, the
        // part inflates past the budget whatever its header claims.
        let read = std::io::copy(&mut (&mut part).take(budget + 1), &mut std::io::sink())
            .map_err(|_| Refused::BadDocx)?;
        if read > budget {
            return Err(Refused::BadDocx);
        }
        budget -= read;
    }
    if content_types && document {
        Ok(())
    } else {
        Err(Refused::WrongType)
    }
}

/// Reads a part of an upload into memory, stopping at `MAX_BYTES + 1`.
pub fn within_limit(collected: &mut Vec<u8>, chunk: &[u8]) -> bool {
    let room = (MAX_BYTES + 1).saturating_sub(collected.len());
    collected.extend_from_slice(&chunk[..chunk.len().min(room)]);
    collected.len() <= MAX_BYTES
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    /// A ZIP with the given parts, deflated.
    pub fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            writer.start_file(*name, options).ok();
            writer.write_all(body).ok();
        }
        writer.finish().map(Cursor::into_inner).unwrap_or_default()
    }

    #[test]
    fn a_pdf_is_recognised_by_its_signature() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(ResumeKind::Pdf));
    }

    #[test]
    fn html_and_svg_are_refused_whatever_their_name() {
        assert_eq!(
            sniff(b"<html><script>alert(1)</script>"),
            Err(Refused::WrongType)
        );
        assert_eq!(
            sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err(Refused::WrongType)
        );
    }

    #[test]
    fn a_docx_needs_its_parts() {
        let docx = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ]);
        assert_eq!(sniff(&docx), Ok(ResumeKind::Docx));
        let other = zip_of(&[("hello.txt", b"hi")]);
        assert_eq!(sniff(&other), Err(Refused::WrongType));
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        let zeros = vec![0_u8; 60 * 1024 * 1024];
        let bomb = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", &zeros),
        ]);
        assert!(bomb.len() < MAX_BYTES, "the bomb is small: {}", bomb.len());
        assert_eq!(sniff(&bomb), Err(Refused::BadDocx));
    }

    #[test]
    fn oversized_and_empty_files_are_refused() {
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        assert_eq!(sniff(&big), Err(Refused::TooLarge));
        assert_eq!(sniff(b""), Err(Refused::Missing));
    }
}
