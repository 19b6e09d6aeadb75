//! The mails of privacy requests, in plain text and HTML. None of them
//! repeats what the sender wrote: a mail can be forwarded or misdelivered.

use crate::{
    accounts::Email,
    privacy::requests::{RequestKind, RequestStatus},
    ssr::mail::Mail,
};

fn mail(to: &Email, subject: &str, paragraphs: &[String]) -> Mail {
    Mail::paragraphs(to, subject, paragraphs)
}

fn asked(kind: RequestKind) -> String {
    format!("\u{201c}{}\u{201d}", kind.label())
}

pub fn confirm(to: &Email, kind: RequestKind, confirm_link: &str) -> Mail {
    mail(
        to,
        "Confirm your privacy request",
        &[
            "Hello,".to_owned(),
            format!(
                "someone sent a privacy request to our community portal with this address: {}.",
                asked(kind)
            ),
            "If it was you, open this link and press the button on the page, so that we know the address is yours:".to_owned(),
            confirm_link.to_owned(),
            "The link works once and expires in 48 hours. If it was not you, ignore this mail: the request is deleted unanswered.".to_owned(),
        ],
    )
}

pub fn received(to: &Email, id: i64, kind: RequestKind, due_on: &str) -> Mail {
    mail(
        to,
        &format!("Your privacy request #{id}"),
        &[
            "Hello,".to_owned(),
            format!(
                "thank you for confirming your address. We have received your privacy request #{id}: {}.",
                asked(kind)
            ),
            format!(
                "We answer by {due_on} at the latest, and write to you whenever its status changes."
            ),
        ],
    )
}

pub fn status_changed(
    to: &Email,
    id: i64,
    kind: RequestKind,
    status: RequestStatus,
    message: Option<&str>,
) -> Mail {
    let news = match status {
        RequestStatus::Received => "It is back in our queue.".to_owned(),
        RequestStatus::InProgress => "We are working on it.".to_owned(),
        RequestStatus::Done => "We have carried it out.".to_owned(),
        RequestStatus::Declined => "We cannot carry it out; the message below says why. You may complain to your data-protection authority.".to_owned(),
        RequestStatus::Unconfirmed => String::new(),
    };
    let mut paragraphs = vec![
        "Hello,".to_owned(),
        format!(
            "news about your privacy request #{id} ({}): {}",
            asked(kind),
            status.label().to_lowercase()
        ),
        news,
    ];
    if let Some(message) = message {
        paragraphs.push(format!("Our message to you:\n\n{message}"));
    }
    mail(to, &format!("Your privacy request #{id}"), &paragraphs)
}

pub fn new_in_queue(to: &Email, id: i64, kind: RequestKind, queue_link: &str) -> Mail {
    mail(
        to,
        &format!("New privacy request #{id}"),
        &[
            "Hello,".to_owned(),
            format!(
                "a new privacy request is confirmed and due in 30 days: #{id}, {}.",
                kind.short_label()
            ),
            "Read and answer it in the privacy queue:".to_owned(),
            queue_link.to_owned(),
        ],
    )
}
