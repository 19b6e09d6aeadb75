// Members for the browser tests: registering through the form and confirming
// the address from the mail, signing in and out.
//
// Tests that are about something else than registering get their member
// from `addMember`, which uses the portal's own `portal create-admin`
// command: quicker than the form and the mail. (Every test comes from
// 127.0.0.1, so playwright.config.ts raises the per-address limits.)
import { spawnSync } from "node:child_process";
import type { APIRequestContext, Page, TestInfo } from "@playwright/test";
import { expect, gotoReady } from "./fixtures";
import { linkFrom, waitForMail, type Mail } from "./mail";

export const PASSWORD = "correct horse battery staple";
export const CONFIRM_SUBJECT = "Confirm your email address";
export const SESSION_COOKIE = "portal_session";

export type Member = { username: string; email: string; password: string };

let membersMade = 0;

/**
 * A member nobody has registered yet: unique per test, project and run.
 * `prefix` (a letter) tells in the database which spec made the member.
 */
export function newMember(testInfo: TestInfo, prefix = "m"): Member {
  const mode = testInfo.project.name === "js-on" ? "a" : "b";
  const username = `${prefix}${Date.now().toString(36)}${testInfo.workerIndex}${membersMade++}${mode}`;
  return { username, email: `${username}@example.org`, password: PASSWORD };
}

export async function fillRegistration(page: Page, member: Member): Promise<void> {
  await gotoReady(page, "/account/register");
  await page.getByLabel("Username", { exact: true }).fill(member.username);
  await page.getByLabel("Email address", { exact: true }).fill(member.email);
  await page.getByLabel("Password", { exact: true }).fill(member.password);
  await page.getByRole("checkbox", { name: "I am 13 years old or older." }).check();
  await page
    .getByRole("checkbox", { name: /^I have read and accept the privacy policy\.?$/ })
    .check();
}

/** Registers through the form and waits for the "check your mail" page. Costs one registration. */
export async function register(page: Page, member: Member): Promise<void> {
  await fillRegistration(page, member);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL("/account/check-mail");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your mail");
}

/**
 * Opens the confirmation link from the mail and confirms the address; returns
 * the mail.
 */
export async function confirmAddress(
  page: Page,
  request: APIRequestContext,
  member: Member,
): Promise<Mail> {
  const mail = await waitForMail(request, member.email, CONFIRM_SUBJECT);
  await gotoReady(page, linkFrom(mail));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confirm your email address");
  await page.getByRole("button", { name: "Confirm my address" }).click();

  await expect(page).toHaveURL("/account/verified");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Address confirmed");
  return mail;
}

/** Fills in and sends the sign-in form; where that leads is up to the test. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await gotoReady(page, "/account/sign-in");
  await page.getByLabel("Username or email address", { exact: true }).fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** The welcome page that ends a sign-in, with the member's name in the header. */
export async function expectWelcome(page: Page, member: Member): Promise<void> {
  await expect(page).toHaveURL("/account/welcome");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Welcome, ${member.username}`);
  await expect(page.locator(".account-nav")).toContainText(member.username);
  await acceptPolicy(page);
}

/**
 * Accepts the privacy policy in force as the signed-in member, as its page
 * would: an account made with `portal create-admin` (see `addMember`) has
 * accepted nothing, and may not post or sign until it does. Accepting
 * twice changes nothing. The page itself is tested in tests/privacy/.
 */
export async function acceptPolicy(page: Page): Promise<void> {
  const origin = new URL(page.url()).origin;
  const headers = { origin };
  const current = await page.request.post("/api/documents/current", {
    form: { kind: "privacy_policy" },
    headers,
  });
  expect(current.ok(), `documents/current answered ${current.status()}`).toBe(true);
  const { sha256 } = (await current.json()) as { sha256: string };
  const accepted = await page.request.post("/api/privacy/accept", {
    form: { sha256 },
    headers,
    maxRedirects: 0,
  });
  expect(accepted.status(), "privacy/accept").toBeLessThan(400);
}

/** Signs out with the header's button and checks the header says so. */
export async function signOut(page: Page): Promise<void> {
  const accountNav = page.locator(".account-nav");
  await accountNav.getByRole("button", { name: "Sign out" }).click();

  await expect(page).toHaveURL("/");
  await expect(accountNav.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await expect(accountNav.getByRole("button", { name: "Sign out" })).toHaveCount(0);
}

/**
 * Adds a member with a confirmed address straight to the database of the
 * portal under test, with `portal create-admin` (the only account-making
 * command the portal has), without the form and the mail. The member therefore holds the admin role; the account pages and
 * sign-in treat it like any other member, the header shows an "Admin" link.
 */
export function addMember(testInfo: TestInfo, prefix = "m"): Member {
  const member = newMember(testInfo, prefix);
  portal(["create-admin", "--username", member.username, "--email", member.email], {
    input: `${member.password}\n`,
  });
  return member;
}

/**
 * Runs a `portal` command on the database of the portal under test and
 * returns what it printed. Its links use `baseURL` when given.
 */
export function portal(
  args: string[],
  { input, baseURL }: { input?: string; baseURL?: string } = {},
): string {
  const bin = process.env.E2E_PORTAL_BIN;
  const databaseUrl = process.env.E2E_DATABASE_URL;
  if (!bin || !databaseUrl) {
    throw new Error(
      "portal commands need E2E_PORTAL_BIN and E2E_DATABASE_URL (set by playwright.config.ts; " +
        "with E2E_NO_SERVER, set E2E_DATABASE_URL to the database of your server)",
    );
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: databaseUrl,
    RUST_LOG: "warn",
  };
  if (baseURL) env.PORTAL_BASE_URL = baseURL;
  if (process.env.E2E_SECRET_KEY_FILE) env.PORTAL_SECRET_KEY_FILE = process.env.E2E_SECRET_KEY_FILE;
  const result = spawnSync(bin, args, { input, env, encoding: "utf8", timeout: 30_000 });
  if (result.error || result.status !== 0) {
    throw new Error(
      `portal ${args[0]} failed (${result.error ?? `exit ${result.status}`}):\n` +
        `${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}
