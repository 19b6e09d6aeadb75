//! The one error type that crosses from server to browser.
//!
//! It carries a stable snake_case code (and, for invalid input, the field and
//! a message meant for the person filling the form) — never internal text.
//! Causes are logged on the server where they happen.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("the privacy policy in force is not accepted")]
    PolicyNotAccepted,
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    #[error("bad request")]
    BadRequest,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("conflict")]
    Conflict,
    #[error("too many requests")]
    RateLimited,
    #[error("service unavailable")]
    Unavailable,
    #[error("busy")]
    Busy,
    #[error("internal error")]
    Internal,
}

impl AppError {
    /// The stable code shown to people and used by API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::PolicyNotAccepted => "policy_not_accepted",
            Self::Invalid { .. } => "invalid",
            Self::BadRequest => "bad_request",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Busy => "busy",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the error.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unauthorized => 401,
            Self::Forbidden | Self::PolicyNotAccepted => 403,
            Self::Invalid { .. } => 422,
            Self::BadRequest => 400,
            Self::PayloadTooLarge => 413,
            Self::Conflict => 409,
            Self::RateLimited => 429,
            Self::Unavailable | Self::Busy => 503,
            Self::Internal => 500,
        }
    }

    /// Seconds after which trying again may succeed, for `Retry-After`.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            Self::RateLimited => Some(60),
            Self::Unavailable => Some(10),
            Self::Busy => Some(2),
            _ => None,
        }
    }

    /// A heading a person understands.
    pub fn title(&self) -> &'static str {
        match self {
            Self::NotFound => "Page not found",
            Self::Unauthorized => "Please sign in",
            Self::Forbidden => "Not allowed",
            Self::PolicyNotAccepted => "Please accept the privacy policy first",
            Self::Invalid { .. } | Self::BadRequest => "Please check your input",
            Self::PayloadTooLarge => "Too much to send",
            Self::Conflict => "Already changed",
            Self::RateLimited => "Too many requests",
            Self::Unavailable => "Temporarily unavailable",
            Self::Busy => "Busy right now",
            Self::Internal => "Something went wrong",
        }
    }

    /// What happened and what to do next, in plain words.
    pub fn explanation(&self) -> String {
        match self {
            Self::NotFound => "There is nothing at this address. The link may be mistyped, or the page may have moved.".to_owned(),
            Self::Unauthorized => "This page is for members. Sign in and try again.".to_owned(),
            Self::Forbidden => "Your account does not have permission to do this.".to_owned(),
            Self::PolicyNotAccepted => "Our privacy policy changed. Read and accept the new version on your account's policy page (/account/policy, linked at the top of every page); until then you can read, but not post, sign or change anything.".to_owned(),
            Self::Invalid { message, .. } => message.clone(),
            Self::BadRequest => "The request could not be understood. Reload the page and try again.".to_owned(),
            Self::PayloadTooLarge => "What you sent is larger than the site accepts. Shorten the text or choose a smaller file, then try again.".to_owned(),
            Self::Conflict => "Someone changed this in the meantime. Reload the page to see the latest version.".to_owned(),
            Self::RateLimited => "You have tried this too often in a short time. Please wait a minute and try again.".to_owned(),
            Self::Unavailable => "The site cannot reach its database right now. Please try again in a few minutes.".to_owned(),
            Self::Busy => "Many people are doing this at the moment. Please try again in a few seconds.".to_owned(),
            Self::Internal => "The problem has been logged and will be looked at. Please try again later.".to_owned(),
        }
    }

    /// An input error for one form field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest,
            // On the server this is a request body that could not be read:
            // cut off at the size limit, or not text (invalid UTF-8).
            ServerFnErrorErr::Deserialization(message) if message.contains("length limit") => {
                Self::PayloadTooLarge
            }
            ServerFnErrorErr::Deserialization(_) => Self::BadRequest,
            ServerFnErrorErr::Request(_) => Self::Unavailable,
            _ => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_with_their_stable_code() -> Result<(), serde_json::Error> {
        let json = serde_json::to_value(AppError::NotFound)?;
        assert_eq!(json, serde_json::json!({ "code": "not_found" }));
        let json = serde_json::to_value(AppError::invalid("username", "Too short"))?;
        assert_eq!(
            json,
            serde_json::json!({ "code": "invalid", "field": "username", "message": "Too short" })
        );
        Ok(())
    }

    #[test]
    fn serde_code_matches_code_method() -> Result<(), serde_json::Error> {
        let all = [
            AppError::NotFound,
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::invalid("f", "m"),
            AppError::BadRequest,
            AppError::PayloadTooLarge,
            AppError::Conflict,
            AppError::RateLimited,
            AppError::Unavailable,
            AppError::Busy,
            AppError::Internal,
        ];
        for error in all {
            let json = serde_json::to_value(&error)?;
            assert_eq!(json["code"], error.code());
        }
        Ok(())
    }

    #[test]
    fn transport_errors_never_carry_their_text() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "sqlx: relation \"accounts\" does not exist".to_owned(),
        ));
        assert_eq!(error, AppError::Internal);
        assert!(!error.explanation().contains("sqlx"));
    }

    #[test]
    fn unreadable_bodies_are_the_callers_fault() {
        let not_text = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "invalid utf-8 sequence of 1 bytes from index 4".to_owned(),
        ));
        let too_long = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "length limit exceeded".to_owned(),
        ));
        assert_eq!(not_text, AppError::BadRequest);
        assert_eq!(
            (too_long.code(), too_long.status()),
            ("payload_too_large", 413)
        );
    }
}
