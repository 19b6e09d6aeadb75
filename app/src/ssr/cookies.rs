//! Every cookie the portal can set. A feature declares each of its cookies
//! once, as a [`CookieKind`], and lists it in its
//! [`Feature::cookies`](super::feature::Feature::cookies); the only way to
//! make a `Set-Cookie` value is through one. So the composition root's
//! list of cookies is every cookie the code can emit, and a test compares
//! it — names, when each is set, how long it lasts — with the table of the
//! privacy policy in force.
//!
//! All of them hold a random value only, are `HttpOnly`, `SameSite=Lax`
//! and `Path=/`, and over HTTPS are `Secure` with a `__Host-` name.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};
use time::Duration;

/// How long a cookie lasts in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lasts {
    /// Until the browser session ends (no `Max-Age`).
    BrowserSession,
    /// This long (`Max-Age`), or until it is used up.
    For(Duration),
    /// Until the browser session ends, or this long if the person asked
    /// to be remembered.
    BrowserSessionOrIfRemembered(Duration),
}

/// One cookie the portal may set.
#[derive(Debug, PartialEq, Eq)]
pub struct CookieKind {
    /// Its name over plain HTTP.
    pub name: &'static str,
    /// Its name over HTTPS: `__Host-` and [`Self::name`], which pins it to
    /// this host.
    pub host_name: &'static str,
    /// When it is set, word for word as the privacy policy's table says.
    pub set_when: &'static str,
    pub lasts: Lasts,
}

impl CookieKind {
    /// Its name on this site.
    pub fn name(&self, https: bool) -> &'static str {
        if https { self.host_name } else { self.name }
    }

    /// The value this browser sent, if any.
    pub fn value(&self, headers: &HeaderMap, https: bool) -> Option<String> {
        let name = self.name(https);
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == name)
            .map(|cookie| cookie.value().to_owned())
    }

    /// Sets the cookie to `value` for as long as it lasts (not
    /// remembered).
    pub fn set(&self, value: &str, https: bool) -> HeaderValue {
        let max_age = match self.lasts {
            Lasts::For(duration) => Some(duration),
            Lasts::BrowserSession | Lasts::BrowserSessionOrIfRemembered(_) => None,
        };
        self.build(value, https, max_age)
    }

    /// Sets the cookie to `value` for its longer life, when the person
    /// asked to be remembered; as [`Self::set`] for other cookies.
    pub fn set_remembered(&self, value: &str, https: bool) -> HeaderValue {
        match self.lasts {
            Lasts::BrowserSessionOrIfRemembered(duration) => {
                self.build(value, https, Some(duration))
            }
            _ => self.set(value, https),
        }
    }

    /// Makes the browser forget the cookie.
    pub fn forget(&self, https: bool) -> HeaderValue {
        let mut cookie = self.builder("", https).build();
        cookie.make_removal();
        header_value(&cookie)
    }

    fn builder(&self, value: &str, https: bool) -> cookie::CookieBuilder<'static> {
        Cookie::build((self.name(https), value.to_owned()))
            .path("/")
            .http_only(true)
            .secure(https)
            .same_site(SameSite::Lax)
    }

    fn build(&self, value: &str, https: bool, max_age: Option<Duration>) -> HeaderValue {
        let mut cookie = self.builder(value, https);
        if let Some(max_age) = max_age {
            cookie = cookie.max_age(cookie::time::Duration::seconds(max_age.whole_seconds()));
        }
        header_value(&cookie.build())
    }
}

fn header_value(cookie: &Cookie<'_>) -> HeaderValue {
    // A cookie of base64url characters always makes a valid header value.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRY: CookieKind = CookieKind {
        name: "portal_try",
        host_name: "__Host-portal_try",
        set_when: "you try",
        lasts: Lasts::BrowserSessionOrIfRemembered(Duration::days(30)),
    };

    #[test]
    fn cookies_are_http_only_same_site_and_host_bound_over_https() {
        let plain = TRY.set("abc", false);
        assert_eq!(
            plain.to_str().ok(),
            Some("portal_try=abc; HttpOnly; SameSite=Lax; Path=/")
        );
        let secure = TRY.set_remembered("abc", true);
        let secure = secure.to_str().unwrap_or_default();
        assert!(secure.starts_with("__Host-portal_try=abc;"), "{secure}");
        assert!(secure.contains("Secure") && secure.contains("Max-Age=2592000"));
        let gone = TRY.forget(false);
        assert!(gone.to_str().unwrap_or_default().contains("Max-Age=0"));
    }

    #[test]
    fn the_value_is_read_by_the_name_for_the_scheme() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-portal_try=secure; portal_try=plain"),
        );
        assert_eq!(TRY.value(&headers, true).as_deref(), Some("secure"));
        assert_eq!(TRY.value(&headers, false).as_deref(), Some("plain"));
    }
}
