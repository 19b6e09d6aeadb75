//! The mails of the accounts feature, in plain text and HTML.

use crate::{
    accounts::Email,
    ssr::mail::{Mail, escape, html},
};

pub fn verify_address(to: &Email, username: &str, link: &str) -> Mail {
    let text = format!(
        "Hello {username},\n\n\
         please confirm that this is your email address by opening this link \
         and pressing the button on the page:\n\n{link}\n\n\
         The link works once and expires in 48 hours. If you did not create an \
         account, ignore this mail: nothing happens without the confirmation.\n"
    );
    let body = html(&[
        format!("Hello {},", escape(username)),
        "please confirm that this is your email address by opening this link and pressing the button on the page:".to_owned(),
        crate::ssr::mail::link(link),
        "The link works once and expires in 48 hours. If you did not create an account, ignore this mail: nothing happens without the confirmation.".to_owned(),
    ]);
    Mail::new(to, "Confirm your email address", text, body)
}

pub fn already_registered(to: &Email, sign_in: &str) -> Mail {
    let text = format!(
        "Hello,\n\n\
         someone just tried to create an account on our community portal with \
         this email address, which already belongs to an account.\n\n\
         If it was you, sign in instead: {sign_in}\n\
         If it was not, you can ignore this mail; your account is unchanged.\n"
    );
    let body = html(&[
        "Hello,".to_owned(),
        "someone just tried to create an account on our community portal with this email address, which already belongs to an account.".to_owned(),
        format!("If it was you, <a href=\"{}\">sign in</a> instead. If it was not, you can ignore this mail; your account is unchanged.", escape(sign_in)),
    ]);
    Mail::new(
        to,
        "Someone tried to register with your address",
        text,
        body,
    )
}

pub fn reset_password(to: &Email, username: &str, link: &str) -> Mail {
    let text = format!(
        "Hello {username},\n\n\
         someone — hopefully you — asked to reset the password of your account. \
         To choose a new password, open this link:\n\n{link}\n\n\
         The link works once and expires in one hour. If you did not ask for \
         this, ignore this mail: your password stays as it is.\n"
    );
    let body = html(&[
        format!("Hello {},", escape(username)),
        "someone — hopefully you — asked to reset the password of your account. To choose a new password, open this link:".to_owned(),
        crate::ssr::mail::link(link),
        "The link works once and expires in one hour. If you did not ask for this, ignore this mail: your password stays as it is.".to_owned(),
    ]);
    Mail::new(to, "Reset your password", text, body)
}

pub fn confirm_deletion(to: &Email, username: &str, link: &str) -> Mail {
    let text = format!(
        "Hello {username},\n\n\
         you asked to delete your account. To confirm, open this link and press \
         the button on the page:\n\n{link}\n\n\
         The link works once and expires in one hour. If you did not ask for \
         this, ignore this mail: your account stays as it is.\n"
    );
    let body = html(&[
        format!("Hello {},", escape(username)),
        "you asked to delete your account. To confirm, open this link and press the button on the page:".to_owned(),
        crate::ssr::mail::link(link),
        "The link works once and expires in one hour. If you did not ask for this, ignore this mail: your account stays as it is.".to_owned(),
    ]);
    Mail::new(to, "Confirm the deletion of your account", text, body)
}

pub fn password_changed(to: &Email, username: &str) -> Mail {
    let text = format!(
        "Hello {username},\n\n\
         the password of your account was just changed, and every other \
         signed-in session has been ended.\n\n\
         If this was not you, reset your password at once from the sign-in \
         page and contact the site's administrators.\n"
    );
    let body = html(&[
        format!("Hello {},", escape(username)),
        "the password of your account was just changed, and every other signed-in session has been ended.".to_owned(),
        "If this was not you, reset your password at once from the sign-in page and contact the site's administrators.".to_owned(),
    ]);
    Mail::new(to, "Your password was changed", text, body)
}

pub fn email_change_requested(to: &Email, username: &str) -> Mail {
    let text = format!(
        "Hello {username},\n\n\
         someone signed in to your account asked to change its email address. \
         The change happens only when the link sent to the new address is \
         opened. If this was not you, change your password now: it also cancels \
         the request.\n"
    );
    let body = html(&[
        format!("Hello {},", escape(username)),
        "someone signed in to your account asked to change its email address. The change happens only when the link sent to the new address is opened.".to_owned(),
        "If this was not you, change your password now: it also cancels the request.".to_owned(),
    ]);
    Mail::new(
        to,
        "A change of your email address was requested",
        text,
        body,
    )
}

pub fn email_changed(to: &Email, username: &str) -> Mail {
    let text = format!(
        "Hello {username},\n\n\
         the email address of your account has been changed; mail now goes to \
         the new address. If this was not you, contact the site's \
         administrators at once.\n"
    );
    let body = html(&[
        format!("Hello {},", escape(username)),
        "the email address of your account has been changed; mail now goes to the new address. If this was not you, contact the site's administrators at once.".to_owned(),
    ]);
    Mail::new(to, "Your email address was changed", text, body)
}

pub fn link_identity(to: &Email, username: &str, provider: &str, link: &str) -> Mail {
    let text = format!(
        "Hello {username},\n\n\
         someone signed in with {provider} using this email address and asked \
         to link that {provider} account to your account here. To allow it, \
         open this link and press the button on the page:\n\n{link}\n\n\
         The link works once and expires in an hour. If it was not you, ignore \
         this mail: nothing is linked without the confirmation.\n"
    );
    let body = html(&[
        format!("Hello {},", escape(username)),
        format!(
            "someone signed in with {} using this email address and asked to link that account to your account here. To allow it, open this link and press the button on the page:",
            escape(provider)
        ),
        crate::ssr::mail::link(link),
        "The link works once and expires in an hour. If it was not you, ignore this mail: nothing is linked without the confirmation.".to_owned(),
    ]);
    Mail::new(to, &format!("Link your {provider} account?"), text, body)
}
