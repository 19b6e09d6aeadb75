// The newsletter from a visitor's side: sign up with a name and an
// address, confirm from the mailed link, change lists from the page the
// link opens, leave everything; and a member joining from their choices.
import type { Page } from "@playwright/test";
import { expect, expectNoSeriousA11yViolations, gotoReady, test } from "../fixtures";
import { linkFrom, mailsTo, waitForMail } from "../mail";
import { acceptPolicy, addMember, expectWelcome, signIn, signOut } from "../members";

/** Makes a list visitors may join, as the signed-in administrator. */
async function makeList(page: Page, name: string, audience = "everyone"): Promise<void> {
  await gotoReady(page, "/admin/mail-lists");
  const form = page.getByRole("region", { name: "Make a list" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel(/^Description/).fill("What we shipped, once a month.");
  await form.getByLabel("Who may join").selectOption(audience);
  await form.getByRole("button", { name: "Make the list" }).click();
  await expect(page.getByRole("table", { name: "Mail lists" })).toContainText(name);
}

test.describe("newsletter", () => {
  test("a visitor signs up, confirms from the mail, changes lists and leaves", async ({
    page,
    request,
  }, testInfo) => {
    const admin = addMember(testInfo, "nl");
    const news = `News ${admin.username}`;
    const advisories = `Advisories ${admin.username}`;
    await signIn(page, admin.username, admin.password);
    await expectWelcome(page, admin);
    await makeList(page, news);
    await makeList(page, advisories);
    await signOut(page);
    const email = `reader-${admin.username}@example.org`;

    // The home page offers the newsletter; its page asks for name, address, lists.
    await gotoReady(page, "/");
    await expect(page.getByRole("region", { name: "Get the newsletter" })).toBeVisible();
    await gotoReady(page, "/newsletter");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Newsletter");
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel("Your email address", { exact: true }).fill(email);
    await page.getByLabel(news, { exact: true }).check();
    await page.getByRole("button", { name: "Subscribe" }).click();
    await expect(page.locator(".field:has(#field-name) .field-error")).toContainText("Give your name");
    await expect(page.getByLabel("Your name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel("Your name", { exact: true }).fill("Ada Reader");
    await page.getByLabel("Your email address", { exact: true }).fill(email);
    await page.getByLabel(news, { exact: true }).check();
    await page.getByRole("button", { name: "Subscribe" }).click();
    await expect(page).toHaveURL("/newsletter/sent");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your mail");

    // Only the confirmation is mailed; the page behind its link needs a press.
    const confirm = await waitForMail(request, email, "Confirm your newsletter subscription");
    expect(confirm.text).toContain("Hello Ada Reader,");
    expect(confirm.html).toContain("Hello Ada Reader,");
    expect([confirm.tls, confirm.user]).toEqual([true, "portal"]);
    // A confirmation is no list mail: nothing to leave yet.
    expect(confirm.headers["list-unsubscribe"]).toBeUndefined();
    await page.goto(linkFrom(confirm, "/newsletter/confirm"));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confirm your subscription");
    await expectNoSeriousA11yViolations(page);
    await page.getByRole("button", { name: "Confirm my subscription" }).click();
    await expect(page).toHaveURL(/\/newsletter\/preferences\?token=[\w-]+&confirmed=1$/);
    await expect(page.getByRole("status")).toContainText("Your subscription is confirmed");
    await expect(page.getByLabel(news, { exact: true })).toBeChecked();
    await expect(page.getByLabel(advisories, { exact: true })).not.toBeChecked();
    await expectNoSeriousA11yViolations(page);

    // Another list instead, and a fuller name.
    await page.getByLabel("Your name", { exact: true }).fill("Ada B. Reader");
    await page.getByLabel(news, { exact: true }).uncheck();
    await page.getByLabel(advisories, { exact: true }).check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page).toHaveURL(/saved=1$/);
    await expect(page.getByRole("status")).toHaveText("Saved.");
    await expect(page.getByLabel(advisories, { exact: true })).toBeChecked();
    await expect(page.getByLabel(news, { exact: true })).not.toBeChecked();
    await expect(page.getByLabel("Your name", { exact: true })).toHaveValue("Ada B. Reader");

    // Leaving everything, and never again.
    await page.getByLabel(/^Never mail this address again/).check();
    await page.getByRole("button", { name: "Unsubscribe from everything" }).click();
    await expect(page).toHaveURL("/newsletter/left");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("You have left");
    await expectNoSeriousA11yViolations(page);

    // Signing the address up again looks the same and sends nothing.
    await gotoReady(page, "/newsletter");
    await page.getByLabel("Your name", { exact: true }).fill("Ada Reader");
    await page.getByLabel("Your email address", { exact: true }).fill(email);
    await page.getByLabel(news, { exact: true }).check();
    await page.getByRole("button", { name: "Subscribe" }).click();
    await expect(page).toHaveURL("/newsletter/sent");
    await page.waitForTimeout(3_000); // more than one round of the mail worker
    const confirmations = (await mailsTo(request, email)).filter(
      (mail) => mail.subject === "Confirm your newsletter subscription",
    );
    expect(confirmations).toHaveLength(1);
  });

  test("a member joins and leaves a list from their choices", async ({ page }, testInfo) => {
    const member = addMember(testInfo, "nm");
    const letter = `Letter ${member.username}`;
    await signIn(page, member.username, member.password);
    await expectWelcome(page, member);
    await acceptPolicy(page);
    await makeList(page, letter, "members");

    await gotoReady(page, "/account/choices");
    const section = page.getByRole("region", { name: "Newsletters" });
    await expect(section).toContainText("Sent to your account's address");
    await section.getByRole("button", { name: `Join ${letter}` }).click();
    await expect(section.getByRole("button", { name: `Leave ${letter}` })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await section.getByRole("button", { name: `Leave ${letter}` }).click();
    await expect(section.getByRole("button", { name: `Join ${letter}` })).toBeVisible();
  });
});
