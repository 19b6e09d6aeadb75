//! The mails of the jobs feature, in plain text and HTML.

use crate::{
    accounts::Email,
    jobs::ApplicationStatus,
    ssr::mail::{Mail, escape, html, link},
};

pub fn received(to: &Email, job: &str, status_link: &str, retention_days: u32) -> Mail {
    let text = format!(
        "Hello,\n\n\
         thank you for applying for \u{201c}{job}\u{201d}. We have received your application.\n\n\
         Follow it, or withdraw it, here:\n\n{status_link}\n\n\
         The link works once, in the browser where you open it, for 30 days; \
         you can ask for a new one on the job's page. We erase your personal \
         details and résumé {retention_days} days after a final decision, \
         or after the posting closes if no decision is made.\n"
    );
    let body = html(&[
        "Hello,".to_owned(),
        format!(
            "thank you for applying for \u{201c}{}\u{201d}. We have received your application.",
            escape(job)
        ),
        "Follow it, or withdraw it, here:".to_owned(),
        link(status_link),
        format!(
            "The link works once, in the browser where you open it, for 30 days; you can ask for a new one on the job's page. We erase your personal details and résumé {retention_days} days after a final decision, or after the posting closes if no decision is made."
        ),
    ]);
    Mail::new(to, "Your application", text, body)
}

pub fn confirm_update(to: &Email, job: &str, confirm_link: &str) -> Mail {
    let text = format!(
        "Hello,\n\n\
         someone applied for \u{201c}{job}\u{201d} again with this email address, \
         which already has an application for that job.\n\n\
         If it was you and you want the new details and résumé to replace the \
         earlier ones, open this link and press the button on the page:\n\n{confirm_link}\n\n\
         The link works once and expires in 48 hours. If it was not you, ignore \
         this mail: your application stays as it is.\n"
    );
    let body = html(&[
        "Hello,".to_owned(),
        format!(
            "someone applied for \u{201c}{}\u{201d} again with this email address, which already has an application for that job.",
            escape(job)
        ),
        "If it was you and you want the new details and résumé to replace the earlier ones, open this link and press the button on the page:".to_owned(),
        link(confirm_link),
        "The link works once and expires in 48 hours. If it was not you, ignore this mail: your application stays as it is.".to_owned(),
    ]);
    Mail::new(to, "Confirm the update of your application", text, body)
}

pub fn new_link(to: &Email, job: &str, status_link: &str) -> Mail {
    let text = format!(
        "Hello,\n\n\
         here is a new link to follow your application for \u{201c}{job}\u{201d}:\n\n\
         {status_link}\n\n\
         It works once, in the browser where you open it, for 30 days. If you \
         did not ask for it, ignore this mail.\n"
    );
    let body = html(&[
        "Hello,".to_owned(),
        format!(
            "here is a new link to follow your application for \u{201c}{}\u{201d}:",
            escape(job)
        ),
        link(status_link),
        "It works once, in the browser where you open it, for 30 days. If you did not ask for it, ignore this mail.".to_owned(),
    ]);
    Mail::new(to, "A new link to your application", text, body)
}

/// The status mail a recruiter may choose to send.
pub fn status_changed(to: &Email, job: &str, status: ApplicationStatus) -> Mail {
    let news = match status {
        ApplicationStatus::Reviewing => "Your application is now being reviewed.",
        ApplicationStatus::Interview => {
            "We would like to meet you for an interview; a recruiter will contact you to arrange it."
        }
        ApplicationStatus::Offer => {
            "We would like to make you an offer; a recruiter will contact you with the details."
        }
        ApplicationStatus::Hired => {
            "Welcome aboard! A recruiter will contact you about the next steps."
        }
        ApplicationStatus::Rejected => {
            "We have decided not to continue with your application this time. Thank you for your interest."
        }
        ApplicationStatus::Received | ApplicationStatus::Withdrawn => {
            "The status of your application has changed."
        }
    };
    let text =
        format!("Hello,\n\nnews about your application for \u{201c}{job}\u{201d}:\n\n{news}\n");
    let body = html(&[
        "Hello,".to_owned(),
        format!(
            "news about your application for \u{201c}{}\u{201d}:",
            escape(job)
        ),
        news.to_owned(),
    ]);
    Mail::new(to, "News about your application", text, body)
}
