// Accessibility: axe finds no serious or critical WCAG 2.1 A/AA violations.
import { expectNoSeriousA11yViolations, gotoReady, notFoundDocumentError, test } from "../fixtures";

const MISSING = "/this-page-does-not-exist";

const PAGES = [
  { name: "home page", path: "/" },
  { name: "forum", path: "/forum" },
  { name: "jobs page", path: "/jobs" },
  { name: "contribute page", path: "/contribute" },
  { name: "corporate agreement page", path: "/contribute/corporate" },
  { name: "privacy policy", path: "/privacy" },
];

for (const { name, path } of PAGES) {
  test(`the ${name} has no serious accessibility violations`, async ({ page }) => {
    await gotoReady(page, path);

    await expectNoSeriousA11yViolations(page);
  });
}

test.describe("a missing page", () => {
  test.use({ allowedConsoleErrors: [notFoundDocumentError(MISSING)] });

  test("has no serious accessibility violations", async ({ page }) => {
    await gotoReady(page, MISSING);

    await expectNoSeriousA11yViolations(page);
  });
});
