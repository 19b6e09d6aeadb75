// The privacy policy page: versioned, dated, hashed, and listing what is stored.
import { expect, gotoReady, test } from "../fixtures";

function fact(page: import("@playwright/test").Page, term: string) {
  return page.locator(
    `xpath=//dl[contains(concat(" ", normalize-space(@class), " "), " document-facts ")]` +
      `//dt[normalize-space()="${term}"]/following-sibling::dd[1]`,
  );
}

test.describe("the privacy policy page", () => {
  test.beforeEach(async ({ page }) => {
    await gotoReady(page, "/privacy");
  });

  test("has the heading Privacy policy", async ({ page }) => {
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Privacy policy");
  });

  test("shows the policy version", async ({ page }) => {
    await expect(fact(page, "Version")).toHaveText(/^\s*\d+(\.\d+)*\s*$/);
  });

  test("shows the effective date as a machine-readable time element", async ({ page }) => {
    const time = fact(page, "Effective").locator("time");

    await expect(time).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}$/);
    const datetime = (await time.getAttribute("datetime")) ?? "";
    expect(Number.isNaN(Date.parse(`${datetime}T00:00:00Z`)), `${datetime} is a real date`).toBe(
      false,
    );
    await expect(time).toHaveText(/\S/);
  });

  test("shows the SHA-256 of the policy text as 64 lowercase hex digits", async ({ page }) => {
    await expect(page.locator("code.hash")).toHaveText(/^\s*[0-9a-f]{64}\s*$/);
  });

  test("lists what is stored in a data table with at least one row", async ({ page }) => {
    const rows = page.locator("section#data table.data-table tr:has(td)");

    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
  });

  test("names every cookie the portal can set, and says what visit statistics keep", async ({
    page,
  }) => {
    const policy = page.locator("article.document .prose");
    for (const cookie of [
      "portal_session",
      "portal_pending_sign_in",
      "portal_sign_in_flow",
      "portal_applicant",
    ]) {
      await expect(policy.getByRole("cell", { name: cookie, exact: true })).toBeVisible();
    }
    const statistics = policy.locator("h2:has-text('Visit statistics') ~ p").first();
    await expect(statistics).toContainText("without the query");
    await expect(policy).toContainText("nothing at all is recorded for your visit");
  });

  test("has a privacy contact section the policy points to", async ({ page }) => {
    const contact = page.getByRole("region", { name: "Privacy contact" });
    await expect(contact).toBeVisible();
    await expect(contact).toContainText(/privacy contact|write to/);
  });
});
