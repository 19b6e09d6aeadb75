// The visit statistics for administrators: a page drawn on the server (an
// SVG chart with its numbers behind it, tables with CSV links), the same
// with JavaScript off.
import { expect, expectNoSeriousA11yViolations, gotoReady, test } from "../fixtures";
import { acceptPolicy, addMember, expectWelcome, signIn } from "../members";

test("an administrator reads the visit statistics of a range of days", async ({ page, request }, testInfo) => {
  // A visit of a real browser's make, so that there is something to show
  // (the test browser is headless, which counts as well).
  const home = await request.get("/forum", {
    headers: {
      "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "accept-language": "fr-FR,fr;q=0.9",
    },
  });
  expect(home.status()).toBe(200);

  const admin = addMember(testInfo, "ins");
  await signIn(page, admin.username, admin.password);
  await expectWelcome(page, admin);
  await acceptPolicy(page);
  await gotoReady(page, "/admin/members");
  await page.getByRole("link", { name: "visit statistics" }).click();
  await expect(page).toHaveURL("/admin/insights");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Visit statistics");

  const tiles = page.locator("dl.tiles");
  await expect(tiles.locator("dt")).toHaveText(["Visitors", "Page views", "Visits", "Bounce rate", "Visit length"]);
  await expect(page.getByRole("img", { name: /Visitors and page views per day/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Pages", exact: true }).getByRole("table")).toContainText("/forum");
  await expect(page.getByRole("region", { name: "Languages" })).toContainText("fr");
  await expect(page.getByRole("link", { name: "Pages as CSV", exact: true })).toHaveAttribute(
    "href",
    /^\/admin\/insights\.csv\?table=page&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/,
  );
  await expectNoSeriousA11yViolations(page);

  // A shorter range, by the form.
  await page.getByLabel("From", { exact: true }).fill("2026-12-01");
  await page.getByLabel("To", { exact: true }).fill("2026-12-02");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL("/admin/insights?from=2026-12-01&to=2026-12-02");
  await expect(page.getByRole("heading", { name: /^2026-12-01 to 2026-12-02, against the 2 days before$/ })).toBeVisible();
});
