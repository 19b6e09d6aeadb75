// The page shell every route shares: landmarks, skip link, main navigation, footer.
import { expect, gotoReady, isJavaScriptEnabled, test, waitForHydration } from "../fixtures";

const NAV_LINKS = [
  { name: "Forum", href: "/forum" },
  { name: "Jobs", href: "/jobs" },
  { name: "Contribute", href: "/contribute" },
  { name: "Privacy", href: "/privacy" },
] as const;

test.describe("the home page", () => {
  test("has a visible level-one heading", async ({ page }) => {
    await gotoReady(page, "/");

    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  });

  test("has a main landmark with id main", async ({ page }) => {
    await gotoReady(page, "/");

    await expect(page.getByRole("main")).toHaveAttribute("id", "main");
  });

  test("offers a skip link to the main content as the first Tab stop", async ({ page }) => {
    await gotoReady(page, "/");

    await page.keyboard.press("Tab");

    const focused = page.locator(":focus");
    await expect(focused).toHaveClass(/\bskip-link\b/);
    await expect(focused).toHaveAttribute("href", "#main");
    await expect(focused).toHaveAccessibleName(/skip to content/i);
  });

  test("has a navigation labelled Main linking to Forum, Jobs, Contribute and Privacy", async ({
    page,
  }) => {
    await gotoReady(page, "/");

    const nav = page.getByRole("navigation", { name: "Main", exact: true });
    for (const { name, href } of NAV_LINKS) {
      await expect(nav.getByRole("link", { name, exact: true })).toHaveAttribute("href", href);
    }
  });

  test("has a footer that links to the privacy policy", async ({ page }) => {
    await gotoReady(page, "/");

    const footer = page.locator("footer.site-footer");
    await expect(footer.locator('a[href="/privacy"]')).toBeVisible();
  });
});

test.describe("the main navigation", () => {
  for (const { name, href } of NAV_LINKS) {
    test(`leads to the ${name} page, which has a heading and marks its link as current`, async ({
      page,
    }) => {
      await gotoReady(page, "/");
      const nav = page.getByRole("navigation", { name: "Main", exact: true });

      await nav.getByRole("link", { name, exact: true }).click();

      await expect(page).toHaveURL(href);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(nav.getByRole("link", { name, exact: true })).toHaveAttribute(
        "aria-current",
        "page",
      );
      await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
    });
  }

  test("every link is a page the server renders, and with JavaScript each one hydrates", async ({
    page,
  }) => {
    let documentLoads = 0;
    page.on("request", (request) => {
      if (request.resourceType() === "document") documentLoads += 1;
    });
    await gotoReady(page, "/");
    const nav = page.getByRole("navigation", { name: "Main", exact: true });

    for (const { name, href } of NAV_LINKS) {
      await nav.getByRole("link", { name, exact: true }).click();
      await expect(page).toHaveURL(href);
      await expect(nav.getByRole("link", { name, exact: true })).toHaveAttribute(
        "aria-current",
        "page",
      );
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Only the page's islands hydrate: the navigation is plain links.
      if (isJavaScriptEnabled(page)) await waitForHydration(page);
    }

    // The pages are server-rendered islands: moving between them is an
    // ordinary page load, with or without JavaScript.
    expect(documentLoads, "number of full page loads").toBe(1 + NAV_LINKS.length);
  });
});
