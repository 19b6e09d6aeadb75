// Signing in with an OpenID Connect provider: the real `oidc-provider`
// package runs beside the portal as "Local ID" (support/oidc-provider.mjs),
// with its plain-HTML login form that takes any login and password.
// A newcomer signs in, chooses a username, signs out and back in; a member
// links the provider in the settings and unlinks it; a cancelled sign-in
// ends on a page that says so. Runs with JavaScript on and off.
import type { Page } from "@playwright/test";
import {
  expect,
  expectNoSeriousA11yViolations,
  gotoReady,
  test,
} from "../fixtures";
import { addMember, expectWelcome, newMember, signIn, signOut } from "../members";

const PROVIDER = `http://127.0.0.1:${process.env.E2E_OIDC_PORT ?? 3180}`;

/** Signs in at the provider's login form, if it asks (it remembers a session). */
async function loginAtProvider(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => url.origin === PROVIDER || url.pathname !== "/account/sign-in");
  if (new URL(page.url()).origin !== PROVIDER) return;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in");
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password will do");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

test.describe("a newcomer", () => {
  test("signs in with the provider, picks a username, and comes back to the same account", async ({
    page,
  }, testInfo) => {
    const person = newMember(testInfo, "o");

    await gotoReady(page, "/account/sign-in");
    await page.getByRole("button", { name: "Sign in with Local ID" }).click();
    await loginAtProvider(page, person.username);

    await expect(page).toHaveURL("/account/sign-in/finish");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Choose your username");
    await expect(page.getByLabel("Username", { exact: true })).toHaveValue(person.username);
    await expect(page.getByText(`${person.username}@example.test`)).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // Forgetting the two statements is caught at the fields; nothing is created.
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("You need to be 13 or older to use this site.")).toBeVisible();

    await page.getByRole("checkbox", { name: "I am 13 years old or older." }).check();
    await page
      .getByRole("checkbox", { name: /^I have read and accept the privacy policy\.?$/ })
      .check();
    await page.getByRole("button", { name: "Create account" }).click();
    await expectWelcome(page, person);

    await signOut(page);
    await gotoReady(page, "/account/sign-in");
    await page.getByRole("button", { name: "Sign in with Local ID" }).click();
    await loginAtProvider(page, person.username);
    await expectWelcome(page, person);
  });
});

test("a member links the provider in the settings and unlinks it", async ({ page }, testInfo) => {
  const member = addMember(testInfo, "k");
  const login = `id-${member.username}`;
  await signIn(page, member.username, member.password);
  await expectWelcome(page, member);

  await gotoReady(page, "/account");
  await page.getByRole("button", { name: "Link Local ID" }).click();
  await loginAtProvider(page, login);
  await expect(page).toHaveURL("/account/sign-in/finish");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Link Local ID");
  await page.getByRole("button", { name: "Link Local ID" }).click();

  await expect(page).toHaveURL(/\/account#sign-in-methods$/);
  const methods = page.locator("#sign-in-methods");
  await expect(methods.getByRole("row", { name: new RegExp(login) })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await methods.getByRole("button", { name: `Unlink Local ID (${login})` }).click();
  await expect(methods.getByRole("row", { name: new RegExp(login) })).toHaveCount(0);
  await expect(methods.getByRole("button", { name: "Link Local ID" })).toBeVisible();
});

test("a sign-in cancelled at the provider ends on a page that says so", async ({ page }) => {
  await gotoReady(page, "/account/sign-in");
  await page.getByRole("button", { name: "Sign in with Local ID" }).click();
  await page.waitForURL((url) => url.origin === PROVIDER);
  await page.getByRole("link", { name: "[ Cancel ]" }).click();

  await expect(page).toHaveURL(/\/account\/sign-in\/failed\?reason=denied/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in did not work");
  await expect(page.getByRole("alert")).toContainText("You cancelled at the provider");
});
