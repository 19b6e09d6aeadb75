// Privacy requests, from the public form to the privacy team's answer:
// a visitor with no session sends a deletion request, confirms the address
// from the mailed link, and staff take the request, answer it and delete
// the account with one action; the sender is mailed at each step.
import {
  expect,
  expectNoSeriousA11yViolations,
  gotoReady,
  test,
} from "../fixtures";
import { linkFrom, mailsTo, waitForMail } from "../mail";
import { addMember, expectWelcome, signIn } from "../members";
import type { APIRequestContext } from "@playwright/test";

/** Waits for the `count`-th mail about request `id` to `to`; returns its text. */
async function nthRequestMail(
  request: APIRequestContext,
  to: string,
  id: string,
  count: number,
): Promise<string> {
  const subject = `Your privacy request #${id}`;
  let texts: string[] = [];
  await expect
    .poll(
      async () => {
        texts = (await mailsTo(request, to)).filter((m) => m.subject === subject).map((m) => m.text);
        return texts.length;
      },
      { message: `mail ${count} about request #${id}`, timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return texts[count - 1];
}

test.describe("privacy requests", () => {
  test("a deletion request is sent, confirmed, answered and carried out", async ({
    page,
    request,
  }, testInfo) => {
    // Four mails, each up to a round of the mail worker, and two members
    // made by the command line: more than 30 s when the machine is busy.
    test.setTimeout(90_000);
    const staff = addMember(testInfo, "dpo");
    const gone = addMember(testInfo, "req");

    // The form needs no account; bad input is refused at its field.
    await gotoReady(page, "/privacy");
    await page.getByRole("link", { name: "privacy request form" }).click();
    await expect(page).toHaveURL("/privacy/requests");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Privacy requests");
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel("Delete my data or my account", { exact: true }).check();
    await page.getByLabel("Your email address", { exact: true }).fill(gone.email);
    await page.getByRole("button", { name: "Send request" }).click();
    const details = page.getByLabel("Your request", { exact: true });
    await expect(page.locator(".field:has(#field-details) .field-error")).toContainText(
      "Tell us what you are asking for",
    );
    await expect(details).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Delete my data or my account", { exact: true }).check();
    await page.getByLabel("Your email address", { exact: true }).fill(gone.email);
    await page.getByLabel("Your name (optional)", { exact: true }).fill("Ada Lovelace");
    await details.fill("Please delete my account and everything about me.");
    await page.getByRole("button", { name: "Send request" }).click();
    await expect(page).toHaveURL("/privacy/requests/sent");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your mail");

    // Opening the mailed link changes nothing; the button confirms.
    const confirm = await waitForMail(request, gone.email, "Confirm your privacy request");
    expect(confirm.text).not.toContain("everything about me");
    await page.goto(linkFrom(confirm, "/privacy/requests/confirm"));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Confirm your privacy request",
    );
    await expectNoSeriousA11yViolations(page);
    await page.getByRole("button", { name: "Confirm my request" }).click();
    await expect(page).toHaveURL("/privacy/requests/confirmed");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Request received");
    let id: string | undefined;
    await expect
      .poll(
        async () => {
          const mails = await mailsTo(request, gone.email);
          id = mails.map((m) => m.subject.match(/^Your privacy request #(\d+)$/)?.[1]).find(Boolean);
          return id;
        },
        { message: "the mail that gives the request's number", timeout: 20_000 },
      )
      .toBeTruthy();
    expect(await nthRequestMail(request, gone.email, id!, 1)).toContain("We answer by");

    // Staff (an administrator here) find it in the queue by its deadline.
    await signIn(page, staff.username, staff.password);
    await expectWelcome(page, staff);
    await page.locator(".account-nav").getByRole("link", { name: "Privacy requests" }).click();
    await expect(page).toHaveURL("/privacy/queue");
    await expectNoSeriousA11yViolations(page);
    await page.getByRole("link", { name: `#${id} Deletion`, exact: true }).click();
    await expect(page).toHaveURL(`/privacy/queue/${id}`);
    await expect(page.locator(".request-email")).toHaveText(gone.email);
    await expect(page.locator(".request-details")).toHaveText(
      "Please delete my account and everything about me.",
    );
    await expectNoSeriousA11yViolations(page);

    await page.getByRole("button", { name: "Take this request" }).click();
    await expect(page.getByRole("button", { name: "Give back to the team" })).toBeVisible();
    await page.getByLabel("Status", { exact: true }).selectOption("in_progress");
    await page
      .getByLabel("Message to the sender (optional)", { exact: true })
      .fill("We are deleting your account today.");
    await page.getByRole("button", { name: "Save and mail the sender" }).click();
    await expect(page.locator(".status-line .status")).toHaveText("Being handled");
    expect(await nthRequestMail(request, gone.email, id!, 2)).toContain(
      "We are deleting your account today.",
    );

    // One action erases the account, exactly as its member would.
    const confirmField = page.getByLabel("Username of the account", { exact: true });
    await confirmField.fill("someone-else");
    await page.getByRole("button", { name: "Delete the account" }).click();
    await expect(page.locator(".field:has(#field-confirm) .field-error")).toContainText(
      `Type the username, ${gone.username}`,
    );
    await page.getByLabel("Username of the account", { exact: true }).fill(gone.username);
    await page.getByRole("button", { name: "Delete the account" }).click();
    await expect(page.locator(".status-line .status")).toHaveText("Done");
    await expect(page.getByRole("button", { name: "Delete the account" })).toHaveCount(0);
    await expect(page.locator(".history")).toContainText("Account erased");
    const last = await waitForMail(request, gone.email, "Your account was deleted");
    expect(last.text).toContain("in answer to a privacy request");
    expect(await nthRequestMail(request, gone.email, id!, 3)).toContain("Your account is deleted");

    // The account signs nobody in any more.
    const other = await page.context().browser()!.newContext({
      baseURL: testInfo.project.use.baseURL,
      javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    });
    const check = await other.newPage();
    await signIn(check, gone.username, gone.password);
    await expect(check).toHaveURL(/\/account\/sign-in/);
    await other.close();
  });
});
