// Unknown addresses get a friendly, stable error page that leaks no internals.
import { expect, gotoReady, notFoundDocumentError, test } from "../fixtures";

const MISSING = "/this-page-does-not-exist";

test.describe("a page that does not exist", () => {
  // Chromium logs the 404 status of the document itself as a console error.
  test.use({ allowedConsoleErrors: [notFoundDocumentError(MISSING)] });

  test("answers HTTP 404", async ({ page }) => {
    const response = await gotoReady(page, MISSING);

    expect(response?.status()).toBe(404);
  });

  test("shows the heading Page not found and the error code not_found", async ({ page }) => {
    await gotoReady(page, MISSING);

    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(page.locator(".error-code code")).toHaveText("not_found");
  });

  test("reveals nothing about the server's internals", async ({ page }) => {
    await gotoReady(page, MISSING);

    const text = await page.locator("body").innerText();
    expect(text).not.toMatch(/\b(panic\w*|stack|sqlx|thread)\b/i);
  });
});
