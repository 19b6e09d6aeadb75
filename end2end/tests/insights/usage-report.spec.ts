// The monthly usage report, as anyone reads it (PORTAL_USAGE_REPORT is
// public by default), with JavaScript on and off. The report is made by
// the housekeeping once a month is over (the Rust tests check how, and
// the k rule); here one is stored as published, straight into the test
// database, so that the page has a finished month to show.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, expectNoSeriousA11yViolations, gotoReady, test } from "../fixtures";

const STORE = String.raw`
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("INSERT OR REPLACE INTO usage_report_months (month, published_at, body) VALUES (?, ?, ?)",
           (sys.argv[2], "2026-12-01T03:00:00+00:00", sys.argv[3]))
db.commit()
`;

function publish(month: string, title: string): void {
  const [year, number] = month.split("-");
  const days = Array.from({ length: 28 }, (_, i) => [`${year}-${number}-${String(i + 1).padStart(2, "0")}`, 20 + (i % 5)]);
  const report = {
    month,
    title,
    k: 10,
    visits: {
      visitor_days: 620,
      views: 1800,
      visits: 750,
      days,
      tables: [
        { title: "Browsers", column: "Browser", unit: "Visitor-days", rows: [["Firefox", 400]], other: 220, total: 620 },
        { title: "Languages", column: "Language", unit: "Visitor-days", rows: [["en", 500], ["de", 61]], other: 59, total: 620 },
      ],
    },
    products: [
      {
        name: "Portal",
        week: `${year}-${number}-24`,
        installs: 42,
        tables: [{ title: "Versions", column: "Version", unit: "Installs", rows: [["1.1.0", 30]], other: 12, total: 42 }],
      },
    ],
  };
  const database = path.join(process.env.PORTAL_E2E_DB_DIR ?? "", "e2e.db");
  execFileSync("python3", ["-c", STORE, database, month, JSON.stringify(report)]);
}

test("anyone reads a month's usage report, with no count under ten", async ({ page }, testInfo) => {
  const [month, title] = testInfo.project.name === "js-on" ? ["2025-02", "February 2025"] : ["2025-03", "March 2025"];
  publish(month, title);

  await gotoReady(page, "/reports/usage");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Usage reports");
  await expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute(
    "href",
    "/reports/usage.atom",
  );
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("link", { name: title, exact: true }).click();
  await expect(page).toHaveURL(`/reports/usage/${month}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Usage report, ${title}`);
  const browsers = page.getByRole("region", { name: "Browsers" });
  await expect(browsers.getByRole("row")).toHaveText([/Browser\s*Visitor-days/, /Firefox\s*400/, /Other\s*220/, /Total\s*620/]);
  await expect(page.getByRole("region", { name: "Portal" })).toContainText("42 installs reported in the week of");
  await expect(page.getByRole("img", { name: /Visitors per day/ })).toBeVisible();
  for (const cell of await page.locator("td.number").allTextContents()) {
    expect(Number(cell.trim())).toBeGreaterThanOrEqual(10);
  }
  await expectNoSeriousA11yViolations(page);

  const feed = await page.request.get("/reports/usage.atom");
  expect(feed.status()).toBe(200);
  expect(await feed.text()).toContain(`/reports/usage/${month}`);
});
