//! The jobs feature's types, shared by the server and the browser. Every
//! input passes through a `parse` constructor, the only way in.

use serde::{Deserialize, Serialize};

/// Identifies a job posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JobId(pub i64);

/// Identifies an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ApplicationId(pub i64);

/// Where the work happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Workplace {
    OnSite,
    Hybrid,
    Remote,
}

/// The kind of contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Employment {
    FullTime,
    PartTime,
    Contract,
    Internship,
}

macro_rules! string_enum {
    ($type:ty { $($variant:ident => $code:literal, $label:literal),+ $(,)? }) => {
        impl $type {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|item| item.as_str() == value)
            }
        }
    };
}

string_enum!(Workplace {
    OnSite => "on_site", "On site",
    Hybrid => "hybrid", "Hybrid",
    Remote => "remote", "Remote",
});

string_enum!(Employment {
    FullTime => "full_time", "Full time",
    PartTime => "part_time", "Part time",
    Contract => "contract", "Contract",
    Internship => "internship", "Internship",
});

/// Where an application stands. Hired, rejected and withdrawn are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Received,
    Reviewing,
    Interview,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

string_enum!(ApplicationStatus {
    Received => "received", "Received",
    Reviewing => "reviewing", "Being reviewed",
    Interview => "interview", "Interview",
    Offer => "offer", "Offer made",
    Hired => "hired", "Hired",
    Rejected => "rejected", "Not successful",
    Withdrawn => "withdrawn", "Withdrawn",
});

impl ApplicationStatus {
    /// Statuses a recruiter can move an application to.
    pub const PIPELINE: &'static [Self] = &[
        Self::Reviewing,
        Self::Interview,
        Self::Offer,
        Self::Hired,
        Self::Rejected,
    ];

    pub fn is_final(self) -> bool {
        matches!(self, Self::Hired | Self::Rejected | Self::Withdrawn)
    }
}

/// A field's error, for the message next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Trims `input` and checks it is one line of `min..=max` characters.
fn line(field: &'static str, input: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = input.trim();
    let length = value.chars().count();
    if length < min {
        return Err(FieldError::new(
            field,
            if min == 1 {
                "This field is required.".to_owned()
            } else {
                format!("Use at least {min} characters.")
            },
        ));
    }
    if length > max {
        return Err(FieldError::new(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "Use one line without control characters.",
        ));
    }
    Ok(value.to_owned())
}

/// Multi-line text of at most `max` characters; empty is allowed.
fn text(field: &'static str, input: &str, max: usize) -> Result<String, FieldError> {
    let value = input.trim().replace("\r\n", "\n");
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::new(field, "Remove the control characters."));
    }
    Ok(value)
}

/// A posting as a recruiter writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInput {
    pub title: String,
    pub team: String,
    pub location: String,
    pub workplace: Workplace,
    pub employment: Employment,
    pub description: String,
    /// `YYYY-MM-DD`, the last day applications are accepted.
    pub closes_on: Option<(i32, u8, u8)>,
}

/// The raw fields of the posting form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobForm {
    pub title: String,
    pub team: String,
    pub location: String,
    pub workplace: String,
    pub employment: String,
    pub description: String,
    pub closes_on: String,
}

impl JobInput {
    pub fn parse(form: &JobForm) -> Result<Self, FieldError> {
        let description = text("description", &form.description, 20_000)?;
        if description.is_empty() {
            return Err(FieldError::new("description", "Describe the job."));
        }
        Ok(Self {
            title: line("title", &form.title, 3, 120)?,
            team: line("team", &form.team, 1, 80)?,
            location: line("location", &form.location, 1, 120)?,
            workplace: Workplace::parse(&form.workplace)
                .ok_or_else(|| FieldError::new("workplace", "Choose where the work happens."))?,
            employment: Employment::parse(&form.employment)
                .ok_or_else(|| FieldError::new("employment", "Choose the kind of contract."))?,
            description,
            closes_on: parse_date(&form.closes_on)?,
        })
    }
}

fn parse_date(input: &str) -> Result<Option<(i32, u8, u8)>, FieldError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let invalid = || FieldError::new("closes_on", "Enter a date like 2027-01-31.");
    let mut parts = input.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    let year: i32 = year.parse().map_err(|_| invalid())?;
    let month: u8 = month.parse().map_err(|_| invalid())?;
    let day: u8 = day.parse().map_err(|_| invalid())?;
    if !(2000..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(invalid());
    }
    Ok(Some((year, month, day)))
}

/// A posting in the public list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: JobId,
    pub slug: String,
    pub title: String,
    pub team: String,
    pub location: String,
    pub workplace: Workplace,
    pub employment: Employment,
    pub open: bool,
    /// `YYYY-MM-DD`.
    pub closes_on: Option<String>,
}

impl JobSummary {
    /// The posting's stable address.
    pub fn path(&self) -> String {
        format!("/jobs/{}-{}", self.id.0, self.slug)
    }
}

/// A posting with its description rendered to safe HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobDetail {
    pub summary: JobSummary,
    pub description_html: String,
    /// The Markdown source, for recruiters editing it.
    pub description: String,
    /// Whether applications are accepted right now.
    pub accepting: bool,
    /// How long applications are kept, for the form's explanations.
    pub retention: crate::privacy::manifest::RetentionSettings,
}

/// A posting in the public JSON feed (`/api/jobs/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedJob {
    pub id: i64,
    pub title: String,
    pub team: String,
    pub location: String,
    pub workplace: Workplace,
    pub employment: Employment,
    /// The posting's page, where people apply.
    pub url: String,
    pub closes_on: Option<String>,
    pub updated_on: String,
    pub content_html: String,
}

/// The words of a posting's address.
pub fn slug(title: &str) -> String {
    crate::slug::slug(title, "job")
}

/// The id at the front of a `/jobs/<id>-<slug>` segment.
pub fn id_from_segment(segment: &str) -> Option<JobId> {
    crate::slug::leading_id(segment).map(JobId)
}

/// What the applicant fills in, parsed. The résumé travels separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub full_name: String,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub email: crate::accounts::Email,
    pub cover_note: String,
    pub links: Vec<String>,
}

/// The raw text fields of the application form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicantForm {
    pub full_name: String,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub email: String,
    pub cover_note: String,
    pub links: String,
}

impl Applicant {
    pub const MAX_LINKS: usize = 5;

    pub fn parse(form: &ApplicantForm) -> Result<Self, FieldError> {
        let full_name = line("full_name", &form.full_name, 1, 200)?;
        let street = line("street", &form.street, 1, 200)?;
        let city = line("city", &form.city, 1, 100)?;
        let postal_code = line("postal_code", &form.postal_code, 1, 20)?;
        let country = line("country", &form.country, 1, 100)?;
        let phone = parse_phone(&form.phone)?;
        let email = crate::accounts::Email::parse(&form.email)
            .map_err(|message| FieldError::new("email", message))?;
        let cover_note = text("cover_note", &form.cover_note, 5_000)?;
        let links = parse_links(&form.links)?;
        Ok(Self {
            full_name,
            street,
            city,
            postal_code,
            country,
            phone,
            email,
            cover_note,
            links,
        })
    }
}

/// Digits with the usual separators and an optional leading `+`.
fn parse_phone(input: &str) -> Result<String, FieldError> {
    let phone = line("phone", input, 1, 32)?;
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || " -./()".contains(c) || (c == '+' && i == 0));
    if !allowed || !(6..=20).contains(&digits) {
        return Err(FieldError::new(
            "phone",
            "Enter a phone number like +44 20 7946 0958: digits, spaces and a leading +.",
        ));
    }
    Ok(phone)
}

/// One `http(s)` address per line.
fn parse_links(input: &str) -> Result<Vec<String>, FieldError> {
    let links: Vec<String> = input
        .lines()
        .map(str::trim)
        .filter(|link| !link.is_empty())
        .map(str::to_owned)
        .collect();
    if links.len() > Applicant::MAX_LINKS {
        return Err(FieldError::new(
            "links",
            format!("Give at most {} links.", Applicant::MAX_LINKS),
        ));
    }
    for link in &links {
        let valid = (link.starts_with("https://") || link.starts_with("http://"))
            && link.len() <= 300
            && !link
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
        if !valid {
            return Err(FieldError::new(
                "links",
                "Give web addresses starting with https://, one per line.",
            ));
        }
    }
    Ok(links)
}

/// An application as its applicant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantView {
    pub job: JobSummary,
    pub status: ApplicationStatus,
    pub full_name: String,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub email: String,
    pub cover_note: String,
    pub links: Vec<String>,
    pub submitted_on: String,
    /// Status changes, oldest first: status label and date.
    pub history: Vec<(ApplicationStatus, String)>,
    pub resume_kind: String,
}

/// A line of the recruiters' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub id: ApplicationId,
    pub job_title: String,
    /// `None` once the personal fields have been erased.
    pub full_name: Option<String>,
    pub status: ApplicationStatus,
    pub submitted_on: String,
}

/// One pipeline event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineEvent {
    pub status: ApplicationStatus,
    /// The recruiter's username; `None` for the applicant or the system.
    pub actor: Option<String>,
    pub mailed: bool,
    pub at: String,
}

/// A recruiter's note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub author: Option<String>,
    pub body: String,
    pub at: String,
}

/// Everything a recruiter sees of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub id: ApplicationId,
    pub job: JobSummary,
    pub status: ApplicationStatus,
    pub submitted_on: String,
    /// `None` once erased by the retention purge.
    pub person: Option<ApplicantDetails>,
    pub events: Vec<PipelineEvent>,
    pub notes: Vec<Note>,
    /// When the personal fields will be erased, if a final status is set.
    pub erase_on: Option<String>,
}

/// The personal fields of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantDetails {
    pub full_name: String,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub email: String,
    pub cover_note: String,
    pub links: Vec<String>,
    pub resume_kind: String,
    pub resume_bytes: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ApplicantForm {
        ApplicantForm {
            full_name: "Ada Lovelace".into(),
            street: "12 St James's Square".into(),
            city: "London".into(),
            postal_code: "SW1Y 4JH".into(),
            country: "United Kingdom".into(),
            phone: "+44 20 7946 0958".into(),
            email: "ada@example.org".into(),
            cover_note: String::new(),
            links: "https://example.org/ada\n".into(),
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let applicant = Applicant::parse(&form());
        assert!(applicant.is_ok(), "{applicant:?}");
    }

    #[test]
    fn each_required_field_is_named_when_missing() {
        type Clear = fn(&mut ApplicantForm);
        let fields: [(&str, Clear); 7] = [
            ("full_name", |f| f.full_name.clear()),
            ("street", |f| f.street.clear()),
            ("city", |f| f.city.clear()),
            ("postal_code", |f| f.postal_code.clear()),
            ("country", |f| f.country.clear()),
            ("phone", |f| f.phone.clear()),
            ("email", |f| f.email.clear()),
        ];
        for (name, clear) in fields {
            let mut input = form();
            clear(&mut input);
            let error = Applicant::parse(&input).err().map(|e| e.field);
            assert_eq!(error, Some(name));
        }
    }

    #[test]
    fn phone_numbers_need_digits_and_nothing_else() {
        assert!(parse_phone("0049 30 1234567").is_ok());
        assert!(parse_phone("(030) 123-4567").is_ok());
        assert!(parse_phone("12345").is_err());
        assert!(parse_phone("call me maybe").is_err());
        assert!(parse_phone("12+3456789").is_err());
    }

    #[test]
    fn links_must_be_web_addresses() {
        assert!(parse_links("javascript:alert(1)").is_err());
        assert!(parse_links("https://a.example/\"onmouseover=x").is_err());
        assert_eq!(
            parse_links(" https://a.example \n\nhttp://b.example").ok(),
            Some(vec!["https://a.example".into(), "http://b.example".into()])
        );
    }

    #[test]
    fn only_hired_rejected_and_withdrawn_are_final() {
        let finals: Vec<_> = ApplicationStatus::ALL
            .iter()
            .filter(|status| status.is_final())
            .map(|status| status.as_str())
            .collect();
        assert_eq!(finals, ["hired", "rejected", "withdrawn"]);
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse_date("2027-01-31"), Ok(Some((2027, 1, 31))));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("31/01/2027").is_err());
        assert!(parse_date("2027-13-01").is_err());
    }
}
