// Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and
// single-use recovery codes, and resetting a forgotten password by mail.
//
// The tests compute the app's codes themselves (tests/totp.ts). The portal
// accepts each 30-second step's code only once per account, so a sign-in
// after turning two-factor on waits for a later step, or uses a recovery code.
//
// Members: the first test registers through the form like a new member;
// the others add theirs with `addMember` (tests/members.ts), since every test
// registers from 127.0.0.1 and the portal allows ten registrations per
// address and hour, eight of which accounts.spec.ts uses.
import { randomBytes } from "node:crypto";
import type { BrowserContext, Page } from "@playwright/test";
import {
  expect,
  expectNoSeriousA11yViolations,
  gotoReady,
  test,
} from "../fixtures";
import { linkFrom, waitForMail } from "../mail";
import {
  SESSION_COOKIE,
  addMember,
  confirmAddress,
  expectWelcome,
  newMember,
  register,
  signIn,
  signOut,
  type Member,
} from "../members";
import { STEP_SECONDS, codeForStep, currentCode, waitForStepAfter, wrongCode } from "../totp";

const RESET_SUBJECT = "Reset your password";

type Setup = { secret: string; recoveryCodes: string[] };

/** Presses "Set up an authenticator app" and reads the key and recovery codes off the page. */
async function beginSetUp(page: Page): Promise<Setup> {
  await gotoReady(page, "/account/two-factor");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Two-factor sign-in");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();

  const qr = page.locator("div.qr");
  await expect(qr).toHaveAttribute("role", "img");
  await expect(qr.locator("svg")).toBeVisible();
  const secretCode = page.locator("code.totp-secret");
  await expect(secretCode).toHaveText(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})*$/);
  const secret = (await secretCode.innerText()).replace(/\s+/g, "");

  const codes = page.locator("ul.recovery-codes li code");
  await expect(codes).toHaveCount(10);
  const recoveryCodes = (await codes.allInnerTexts()).map((code) => code.trim());
  for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
  expect(new Set(recoveryCodes).size, "ten different recovery codes").toBe(10);
  await expect(page.getByLabel("Code from the app", { exact: true })).toBeVisible();
  return { secret, recoveryCodes };
}

/**
 * Turns two-factor on with the app's current code. Returns the step of that
 * code: the portal takes no code of that step again.
 */
async function turnOn(page: Page, secret: string): Promise<number> {
  const { code, step } = currentCode(secret);
  await page.getByLabel("Code from the app", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();

  await expect(page.getByText("Two-factor sign-in is on.")).toBeVisible();
  await expect(page).toHaveURL("/account/two-factor");
  await expect(page.getByLabel("Your password", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Turn off two-factor sign-in" })).toBeVisible();
  // The key and the recovery codes are shown only until set-up is finished.
  await expect(page.locator("code.totp-secret")).toHaveCount(0);
  await expect(page.locator("ul.recovery-codes")).toHaveCount(0);
  return step;
}

/** Signs in with the password of a member with two-factor on: the portal asks for a code. */
async function signInUpToCode(page: Page, member: Member): Promise<void> {
  await signIn(page, member.username, member.password);
  await expect(page).toHaveURL("/account/two-factor/check");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enter your code");
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function expectCodeRefused(page: Page, context: BrowserContext): Promise<void> {
  const fieldError = page.locator(".field:has(#field-code) .field-error");
  await expect(fieldError).toBeVisible();
  await expect(fieldError).toContainText(/^\s*This code is not right\./);
  await expect(page.getByLabel("Code", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/account\/two-factor\/check(\?|$)/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enter your code");
  await expectSignedOut(context);
}

async function expectSignedIn(context: BrowserContext): Promise<void> {
  const cookieNames = (await context.cookies()).map((c) => c.name);
  expect(cookieNames, "cookies once signed in").toContain(SESSION_COOKIE);
}

async function expectSignedOut(context: BrowserContext): Promise<void> {
  const cookieNames = (await context.cookies()).map((c) => c.name);
  expect(cookieNames, "cookies while not signed in").not.toContain(SESSION_COOKIE);
}

test.describe("two-factor sign-in", () => {
  test("a member turns on two-factor sign-in and then signs in with a code from the app", async ({
    page,
    context,
    request,
  }, testInfo) => {
    // Up to one 30-second step of waiting for a code the portal has not seen.
    test.setTimeout(60_000 + STEP_SECONDS * 1000);
    const member = newMember(testInfo, "t");
    await register(page, member);
    await confirmAddress(page, request, member);
    await signIn(page, member.username, member.password);
    await expectWelcome(page, member);

    const { secret } = await beginSetUp(page);
    const usedStep = await turnOn(page, secret);
    await signOut(page);

    await signInUpToCode(page, member);
    await expectSignedOut(context);

    await enterCode(page, wrongCode(secret));
    await expectCodeRefused(page, context);

    // The code that turned two-factor on, seconds ago: still within the
    // portal's one step of leeway, but used up.
    await enterCode(page, codeForStep(secret, usedStep));
    await expectCodeRefused(page, context);

    await waitForStepAfter(usedStep);
    await enterCode(page, currentCode(secret).code);

    await expectWelcome(page, member);
    await expectSignedIn(context);
  });

  test("a recovery code signs in once", async ({ page, context }, testInfo) => {
    const member = addMember(testInfo, "t");
    await signIn(page, member.username, member.password);
    await expectWelcome(page, member);
    const { secret, recoveryCodes } = await beginSetUp(page);
    await turnOn(page, secret);
    await signOut(page);

    await signInUpToCode(page, member);
    await enterCode(page, recoveryCodes[0]);
    await expectWelcome(page, member);
    await expectSignedIn(context);
    await signOut(page);

    await signInUpToCode(page, member);
    await enterCode(page, recoveryCodes[0]);
    await expectCodeRefused(page, context);

    // The refusal is about that code: another one still signs in.
    await enterCode(page, recoveryCodes[1]);
    await expectWelcome(page, member);
    await expectSignedIn(context);
  });
});

test.describe("a forgotten password", () => {
  test("a member who forgot the password resets it from the mail and signs in with the new one", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const member = addMember(testInfo, "r");
    const newPassword = `new passphrase ${randomBytes(6).toString("hex")}`;

    await gotoReady(page, "/account/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL("/account/forgot");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Forgot your password?");
    await page.getByLabel("Email address", { exact: true }).fill(member.email);
    await page.getByRole("button", { name: "Mail me a link" }).click();

    await expect(page).toHaveURL("/account/reset-sent");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your mail");

    const mail = await waitForMail(request, member.email, RESET_SUBJECT);
    await gotoReady(page, linkFrom(mail, "/account/reset"));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Choose a new password");
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();

    await expect(page).toHaveURL("/account/password-changed");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Password changed");

    await signIn(page, member.username, newPassword);
    await expectWelcome(page, member);
    await expectSignedIn(context);
    await signOut(page);

    await signIn(page, member.username, member.password);
    await expect(page).toHaveURL(/\/account\/sign-in(\?|$)/);
    const fieldError = page.locator(".field:has(#field-password) .field-error");
    await expect(fieldError).toContainText("The username or password is not right.");
    await expectSignedOut(context);
  });
});

test("the two-factor and password-reset pages have no serious accessibility violations", async ({
  page,
}, testInfo) => {
  const member = addMember(testInfo, "x");
  await signIn(page, member.username, member.password);
  await expectWelcome(page, member);

  const { secret } = await test.step("/account/two-factor while setting up", async () => {
    const setup = await beginSetUp(page);
    await expectNoSeriousA11yViolations(page);
    return setup;
  });
  await test.step("/account/two-factor when on", async () => {
    await turnOn(page, secret);
    await expectNoSeriousA11yViolations(page);
  });
  await signOut(page);
  await test.step("/account/two-factor/check", async () => {
    await signInUpToCode(page, member);
    await expectNoSeriousA11yViolations(page);
  });
  for (const [path, heading] of [
    ["/account/forgot", "Forgot your password?"],
    ["/account/reset?token=x", "Choose a new password"],
  ]) {
    await test.step(path, async () => {
      await gotoReady(page, path);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await expectNoSeriousA11yViolations(page);
    });
  }
});
