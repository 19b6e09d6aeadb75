//! Line charts drawn on the server as SVG: no chart script, readable
//! without JavaScript, and each with its numbers in a table behind it for
//! screen readers and for anyone who wants the figures.

use leptos::prelude::*;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const PAD: f64 = 36.0;
/// Line colours, told apart by a dash pattern too (never by colour alone).
const STYLES: [(&str, &str); 4] = [
    ("#1d4ed8", ""),
    ("#b45309", "6 3"),
    ("#047857", "2 3"),
    ("#7c3aed", "8 3 2 3"),
];

/// One line: its name and `(day, value)` points, oldest first; days as
/// `2026-12-07`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(String, i64)>,
}

/// The series as lines over their days, with a legend naming each line's
/// last value and a table of every point. `id` makes the ids of its title
/// and description unique on the page; `empty` is said when there is no
/// point at all.
#[component]
pub fn LineChart(
    id: &'static str,
    title: String,
    series: Vec<Series>,
    empty: &'static str,
) -> impl IntoView {
    let days: Vec<String> = {
        let mut days: Vec<String> = series
            .iter()
            .flat_map(|line| line.points.iter().map(|(day, _)| day.clone()))
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    };
    if days.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    let top = series
        .iter()
        .flat_map(|line| line.points.iter().map(|(_, n)| *n))
        .max()
        .unwrap_or(0)
        .max(1);
    let span = (days.len().max(2) - 1) as f64;
    let x = move |i: usize| PAD + (WIDTH - 2.0 * PAD) * i as f64 / span;
    let y = move |n: i64| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * n as f64 / top as f64;
    let lines = series
        .iter()
        .enumerate()
        .map(|(at, line)| {
            let (colour, dash) = STYLES[at % STYLES.len()];
            let points = line
                .points
                .iter()
                .filter_map(|(day, n)| {
                    days.iter()
                        .position(|d| d == day)
                        .map(|i| format!("{:.1},{:.1}", x(i), y(*n)))
                })
                .collect::<Vec<_>>()
                .join(" ");
            view! {
                <polyline
                    points=points
                    fill="none"
                    stroke=colour
                    stroke-width="2"
                    stroke-dasharray=dash
                ></polyline>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .enumerate()
        .map(|(at, line)| {
            let (colour, dash) = STYLES[at % STYLES.len()];
            let now = line.points.last().map_or(0, |(_, n)| *n);
            view! {
                <li>
                    <svg width="28" height="10" aria-hidden="true">
                        <line
                            x1="0"
                            y1="5"
                            x2="28"
                            y2="5"
                            stroke=colour
                            stroke-width="2"
                            stroke-dasharray=dash
                        ></line>
                    </svg>
                    {format!(" {}: {now}", line.name)}
                </li>
            }
        })
        .collect_view();
    let description = series
        .iter()
        .map(|line| {
            let start = line.points.first().map_or(0, |(_, n)| *n);
            let end = line.points.last().map_or(0, |(_, n)| *n);
            let high = line.points.iter().map(|(_, n)| *n).max().unwrap_or(0);
            format!("{}: from {start} to {end}, at most {high}", line.name)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let heads = series
        .iter()
        .map(|line| view! { <th scope="col">{line.name.clone()}</th> })
        .collect_view();
    let rows = days
        .iter()
        .map(|day| {
            let cells = series
                .iter()
                .map(|line| {
                    let n = line
                        .points
                        .iter()
                        .find(|(of, _)| of == day)
                        .map_or(0, |(_, n)| *n);
                    view! { <td class="number">{n}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{day.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let first = days.first().cloned().unwrap_or_default();
    let last = days.last().cloned().unwrap_or_default();
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby=labelled_by
                class="chart-svg"
            >
                <title id=title_id>{title.clone()}</title>
                <desc id=desc_id>{description}</desc>
                <line x1=PAD y1=HEIGHT - PAD x2=WIDTH - PAD y2=HEIGHT - PAD stroke="#6b7280"></line>
                <line x1=PAD y1=PAD x2=PAD y2=HEIGHT - PAD stroke="#6b7280"></line>
                <text x=PAD - 6.0 y=PAD + 4.0 text-anchor="end" font-size="11">
                    {top}
                </text>
                <text x=PAD - 6.0 y=HEIGHT - PAD + 4.0 text-anchor="end" font-size="11">
                    "0"
                </text>
                <text x=PAD y=HEIGHT - 12.0 font-size="11">
                    {first}
                </text>
                <text x=WIDTH - PAD y=HEIGHT - 12.0 text-anchor="end" font-size="11">
                    {last}
                </text>
                {lines}
            </svg>
            <figcaption>
                <ul class="chart-legend">{legend}</ul>
                <details class="chart-data">
                    <summary>"The numbers, day by day"</summary>
                    <table>
                        <caption>{title}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Day"</th>
                                {heads}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </details>
            </figcaption>
        </figure>
    }
    .into_any()
}

/// A table row's heading with a bar beneath it for its `share` (0–100) of
/// the table's largest value. The bar is SVG, since the
/// Content-Security-Policy allows no inline style; the number itself is
/// always in a cell beside it.
#[component]
pub fn BarLabel(value: String, share: i64) -> impl IntoView {
    view! {
        <th scope="row" class="value">
            <span class="label">{value}</span>
            <svg class="bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
                <rect width=share.clamp(0, 100) height="4"></rect>
            </svg>
        </th>
    }
}
