// Jobs: a recruiter posts a job; a visitor applies with a PDF résumé, opens
// the mailed status link, sees the status and withdraws; a disguised file is
// refused at the field. Runs with JavaScript on and off.
//
// The recruiter comes from `addMember` (an administrator), who grants
// themselves the recruiter role on /admin/members (their session is renewed
// with the new role) and signs in again, as a member would on another device.
import type { Browser, BrowserContext, Page, TestInfo } from "@playwright/test";
import { expect, expectNoSeriousA11yViolations, gotoReady, test } from "../fixtures";
import { linkFrom, waitForMail } from "../mail";
import { addMember, signIn, type Member } from "../members";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

async function becomeRecruiter(page: Page, member: Member): Promise<void> {
  await signIn(page, member.username, member.password);
  await expect(page).toHaveURL("/account/welcome");
  await gotoReady(page, `/admin/members?q=${member.username}`);
  await page.getByRole("button", { name: `Grant recruiter (${member.username})` }).click();
  // Signing in again works as well as the renewed session.
  await signIn(page, member.username, member.password);
  await expect(page).toHaveURL("/account/welcome");
  await expect(page.locator(".account-nav").getByRole("link", { name: "Recruiting" })).toBeVisible();
}

async function postJob(page: Page, title: string): Promise<void> {
  await gotoReady(page, "/recruit/jobs/new");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Team", { exact: true }).fill("Engine room");
  await page.getByLabel("Location", { exact: true }).fill("Berlin");
  await page.getByLabel("Workplace", { exact: true }).selectOption("remote");
  await page.getByLabel("Employment", { exact: true }).selectOption("full_time");
  await page.getByLabel("Description", { exact: true }).fill("Build **engines** with us.");
  await page.getByRole("button", { name: "Save posting" }).click();
  await expect(page).toHaveURL("/recruit");
  await expect(page.getByRole("link", { name: title })).toBeVisible();
}

/**
 * A recruiter, in a browser context of their own, who has posted a job
 * called `title`. That context is not the one the test checks for console
 * errors.
 */
async function recruiterWithJob(
  browser: Browser,
  testInfo: TestInfo,
  prefix: string,
  title: (member: Member) => string,
): Promise<{ context: BrowserContext; page: Page; title: string }> {
  const context = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
  });
  const page = await context.newPage();
  const recruiter = addMember(testInfo, prefix);
  await becomeRecruiter(page, recruiter);
  const posted = title(recruiter);
  await postJob(page, posted);
  return { context, page, title: posted };
}

async function fillApplication(page: Page, email: string, file: { name: string; buffer: Buffer; mimeType: string }): Promise<void> {
  await page.getByLabel("Full name", { exact: true }).fill("Ada Lovelace");
  await page.getByLabel("Street and number", { exact: true }).fill("12 St James's Square");
  await page.getByLabel("City", { exact: true }).fill("London");
  await page.getByLabel("Postal code", { exact: true }).fill("SW1Y 4JH");
  await page.getByLabel("Country", { exact: true }).fill("United Kingdom");
  await page.getByLabel("Phone", { exact: true }).fill("+44 20 7946 0958");
  await page.getByLabel("Email address", { exact: true }).fill(email);
  await page.getByLabel("Résumé", { exact: true }).setInputFiles(file);
}

test("a visitor applies with a PDF, follows the status link and withdraws", async ({
  browser,
  context,
  page: visitor,
  request,
}, testInfo) => {
  const { context: recruiterContext, page, title } = await recruiterWithJob(
    browser,
    testInfo,
    "r",
    (member) => `Engine builder ${member.username}`,
  );

  await gotoReady(visitor, "/jobs");
  await visitor.getByRole("link", { name: title }).click();
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(visitor.locator(".prose strong")).toHaveText("engines");
  await expectNoSeriousA11yViolations(visitor);

  const email = `${title.split(" ").pop()}-applicant@example.org`;
  await fillApplication(visitor, email, { name: "cv.pdf", buffer: PDF, mimeType: "application/pdf" });
  await visitor.getByRole("button", { name: "Send application" }).click();
  await expect(visitor).toHaveURL("/jobs/applied");
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Thank you for applying");
  expect(await context.cookies(), "applying sets no cookie").toEqual([]);

  const mail = await waitForMail(request, email, "Your application");
  await gotoReady(visitor, linkFrom(mail, "/jobs/application/claim"));
  await visitor.getByRole("button", { name: "Show my application" }).click();
  await expect(visitor).toHaveURL("/jobs/application");
  await expect(visitor.locator(".status")).toHaveText("Received");
  await expect(visitor.getByRole("link", { name: title })).toBeVisible();
  await expectNoSeriousA11yViolations(visitor);

  const download = visitor.waitForEvent("download");
  await visitor.getByRole("link", { name: /^Download \(PDF\)$/ }).click();
  expect((await download).suggestedFilename()).toMatch(/^resume-\d+\.pdf$/);

  await visitor.getByRole("button", { name: "Withdraw my application" }).click();
  await expect(visitor.locator(".status")).toHaveText("Withdrawn");
  await expect(visitor.getByRole("button", { name: "Withdraw my application" })).toHaveCount(0);

  // The recruiter sees the application and its history.
  await gotoReady(page, "/recruit");
  await page.getByRole("link", { name: "Ada Lovelace" }).first().click();
  await expect(page.locator(".status")).toHaveText("Withdrawn");
  await expect(page.locator(".applicant-name")).toHaveText("Ada Lovelace");
  await recruiterContext.close();
});

test("a file that is not a PDF or DOCX is refused at the field", async ({
  browser,
  page,
}, testInfo) => {
  const recruiter = await recruiterWithJob(
    browser,
    testInfo,
    "s",
    (member) => `File checker ${member.username}`,
  );
  await recruiter.context.close();

  await gotoReady(page, "/jobs");
  await page.getByRole("link", { name: recruiter.title }).click();
  await fillApplication(page, "file-checker@example.org", {
    name: "cv.pdf",
    buffer: Buffer.from("<!doctype html><script>alert(1)</script>"),
    mimeType: "application/pdf",
  });
  await page.getByRole("button", { name: "Send application" }).click();

  const resume = page.getByLabel("Résumé", { exact: true });
  await expect(resume).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-resume-error")).toHaveText(
    "The résumé must be a PDF or DOCX file; this file is neither.",
  );
});
