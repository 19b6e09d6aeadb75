// Member accounts: registration with a mailed confirmation link, sign-in,
// sign-out. The portal delivers its mail to the test mail server that
// playwright.config.ts starts (support/mail-server.mjs).
//
// With JavaScript on, the forms submit through fetch and the router
// navigates; with it off they are plain form posts answered by a redirect.
// Both must look the same to a member, so the tests do not tell them apart.
import {
  expect,
  expectNoSeriousA11yViolations,
  gotoReady,
  test,
} from "../fixtures";
import { linkFrom, mailsTo, waitForMail } from "../mail";
import {
  CONFIRM_SUBJECT,
  PASSWORD,
  SESSION_COOKIE,
  confirmAddress,
  fillRegistration,
  newMember,
  register,
  signIn,
} from "../members";

test("a new member registers, confirms the address from the mail, signs out and signs in again", async ({
  page,
  context,
  request,
}, testInfo) => {
  const member = newMember(testInfo);

  await register(page, member);

  const mail = await confirmAddress(page, request, member);
  expect(mail.text).toContain(member.username);

  await signIn(page, member.username, member.password);

  await expect(page).toHaveURL("/account/welcome");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    `Welcome, ${member.username}`,
  );
  const accountNav = page.locator(".account-nav");
  await expect(accountNav).toContainText(member.username);
  await expect(accountNav.getByRole("button", { name: "Sign out" })).toBeVisible();
  const session = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(session, `a ${SESSION_COOKIE} cookie after signing in`).toBeDefined();
  expect(session!.httpOnly, "the session cookie is httpOnly").toBe(true);
  expect(session!.sameSite, "the session cookie's SameSite").toBe("Lax");

  await accountNav.getByRole("button", { name: "Sign out" }).click();

  await expect(page).toHaveURL("/");
  await expect(accountNav.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await expect(accountNav.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  const cookieNames = (await context.cookies()).map((c) => c.name);
  expect(cookieNames, "cookies after signing out").not.toContain(SESSION_COOKIE);
});

test.describe("signing in", () => {
  test("a wrong password is refused with a message at the field", async ({
    page,
    context,
  }, testInfo) => {
    const member = newMember(testInfo);
    await register(page, member);

    await signIn(page, member.username, "not the right password at all");

    await expect(page).toHaveURL(/\/account\/sign-in(\?|$)/);
    const password = page.getByLabel("Password", { exact: true });
    const fieldError = page.locator(".field:has(#field-password) .field-error");
    await expect(fieldError).toBeVisible();
    await expect(fieldError).toContainText("The username or password is not right.");
    await expect(password).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
    const cookieNames = (await context.cookies()).map((c) => c.name);
    expect(cookieNames, "cookies after a refused sign-in").not.toContain(SESSION_COOKIE);
  });

  test("signing in before confirming the address asks for it and mails a new link", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const member = newMember(testInfo);
    await register(page, member);
    const first = await waitForMail(request, member.email, CONFIRM_SUBJECT);

    await signIn(page, member.username, member.password);

    await expect(page).toHaveURL(/\/account\/sign-in(\?|$)/);
    const fieldError = page.locator(".field:has(#field-login) .field-error");
    await expect(fieldError).toContainText("Your email address is not confirmed yet.");
    const cookieNames = (await context.cookies()).map((c) => c.name);
    expect(cookieNames, "cookies after an unconfirmed sign-in").not.toContain(SESSION_COOKIE);
    await expect
      .poll(async () => (await mailsTo(request, member.email)).length, { timeout: 20_000 })
      .toBe(2);
    const second = (await mailsTo(request, member.email)).at(-1)!;
    expect(linkFrom(second)).not.toEqual(linkFrom(first));

    await confirmAddress(page, request, member);
    await signIn(page, member.username, member.password);
    await expect(page).toHaveURL("/account/welcome");
  });
});

test.describe("registering", () => {
  test("registration refuses a too-short password at its field and keeps nothing", async ({
    page,
    request,
  }, testInfo) => {
    const member = { ...newMember(testInfo), password: "short" };

    await fillRegistration(page, member);
    await page.getByRole("button", { name: "Create account" }).click();

    const fieldError = page.locator(".field:has(#field-password) .field-error");
    await expect(fieldError).toHaveText("Use at least 12 characters.");
    await expect(page).toHaveURL(/\/account\/register(\?|$)/);
    await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute(
      "aria-invalid",
      "true",
    );

    // Nothing was kept: the same username and address register afresh.
    await register(page, { ...member, password: PASSWORD });
    await waitForMail(request, member.email, CONFIRM_SUBJECT);
    // The outbox is delivered in the order it was written: a mail queued by
    // the refused attempt would have arrived first.
    expect(await mailsTo(request, member.email), "mails after the refused registration").toHaveLength(1);
  });
});

test("the registration and sign-in pages have no serious accessibility violations", async ({
  page,
}) => {
  for (const path of [
    "/account/register",
    "/account/sign-in",
    "/account/verify?token=x",
    "/account/check-mail",
  ]) {
    await test.step(path, async () => {
      await gotoReady(page, path);
      await expectNoSeriousA11yViolations(page);
    });
  }
});
