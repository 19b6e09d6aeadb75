//! The receipt mailed after signing.

use crate::{
    accounts::Email,
    cla::Receipt,
    ssr::mail::{Mail, escape, html},
};

/// The receipt's lines, shared by the mail and the download.
pub fn receipt_text(receipt: &Receipt) -> String {
    let mut text = format!(
        "{agreement}, version {version}\n\
         SHA-256 of the text: {sha}\n\
         In force since: {effective}\n\n\
         Full name: {name}\n\
         Contact email: {email}\n",
        agreement = receipt.agreement,
        version = receipt.version,
        sha = receipt.sha256,
        effective = receipt.effective,
        name = receipt.full_name,
        email = receipt.email,
    );
    if let Some(address) = &receipt.postal_address {
        text.push_str(&format!(
            "Postal address: {}\n",
            address.replace('\n', ", ")
        ));
    }
    if let Some((company, title)) = &receipt.company {
        text.push_str(&format!("Company: {company}\nTitle: {title}\n"));
    }
    if let Some(login) = &receipt.github_login {
        text.push_str(&format!("GitHub login: {login}\n"));
    }
    text.push_str(&format!(
        "Signature (typed): {}\nSigned at: {} (UTC)\nRecord number: {}\n",
        receipt.signature, receipt.signed_at, receipt.id.0
    ));
    if let Some((at, reason)) = &receipt.revoked {
        text.push_str(&format!("Revoked at: {at} (UTC). Reason: {reason}\n"));
    }
    text
}

pub fn receipt(to: &Email, receipt: &Receipt, link: &str) -> Mail {
    let record = receipt_text(receipt);
    let text = format!(
        "Hello {name},\n\n\
         thank you for signing. This is your receipt of what you signed:\n\n\
         {record}\n\
         The receipt is also on the site, ready to print or download:\n{link}\n",
        name = receipt.full_name,
    );
    let body = html(&[
        format!("Hello {},", escape(&receipt.full_name)),
        "thank you for signing. This is your receipt of what you signed:".to_owned(),
        format!("<pre>{}</pre>", escape(&record)),
        "The receipt is also on the site, ready to print or download:".to_owned(),
        crate::ssr::mail::link(link),
    ]);
    Mail::new(
        to,
        &format!("Your receipt: {}", receipt.agreement),
        text,
        body,
    )
}

/// The link that confirms a contact address. It holds nothing the signer
/// typed: whoever gave the address cannot put words in this mail.
pub fn confirm_contact(to: &Email, agreement: &str, link: &str) -> Mail {
    let text = format!(
        "Hello,\n\n\
         someone signed the {agreement} on our site and gave this address as \
         their contact address. If that was you, confirm the address with \
         this link (valid for 7 days):\n{link}\n\n\
         Until it is confirmed, the signature does not count for this \
         address, and you get no receipt here. If it was not you, ignore \
         this mail.\n"
    );
    let body = html(&[
        "Hello,".to_owned(),
        format!(
            "someone signed the {} on our site and gave this address as their contact address. If that was you, confirm the address with this link (valid for 7 days):",
            escape(agreement)
        ),
        crate::ssr::mail::link(link),
        "Until it is confirmed, the signature does not count for this address, and you get no receipt here. If it was not you, ignore this mail.".to_owned(),
    ]);
    Mail::new(to, "Confirm your contact address", text, body)
}
