// The Contributor License Agreement: a member with a confirmed address
// reads the agreement, signs it, lands on the receipt and downloads it;
// the page then says the signature covers them. JavaScript on and off.
import { expect, expectNoSeriousA11yViolations, gotoReady, test } from "../fixtures";
import { waitForMail } from "../mail";
import { addMember, expectWelcome, signIn } from "../members";

test("a member signs the individual agreement and downloads the receipt", async ({
  page,
  request,
}, testInfo) => {
  const member = addMember(testInfo, "c");
  const fullName = `Ada ${member.username}`;
  await signIn(page, member.username, member.password);
  await expectWelcome(page, member);

  await gotoReady(page, "/contribute");
  await expect(
    page.getByRole("heading", { level: 2, name: "Individual Contributor License Agreement" }),
  ).toBeVisible();
  await expect(page.getByLabel("Contact email address", { exact: true })).toHaveValue(
    member.email,
  );
  await expectNoSeriousA11yViolations(page);

  await page.getByLabel("Full legal name", { exact: true }).fill(fullName);
  await page.getByLabel("Signature: type your full name to sign", { exact: true }).fill(fullName);
  await page.getByRole("checkbox", { name: /^I agree/ }).check();
  await page.getByRole("button", { name: "Sign", exact: true }).click();

  await expect(page).toHaveURL(/\/contribute\/receipts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your signature receipt");
  await expect(page.getByText(fullName).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the receipt" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^cla-receipt-\d+\.txt$/);

  const mail = await waitForMail(
    request,
    member.email,
    "Your receipt: Individual Contributor License Agreement",
  );
  expect(mail.text).toContain(fullName);

  await gotoReady(page, "/contribute");
  await expect(
    page.getByRole("status").filter({ hasText: "Your signature covers your contributions" }),
  ).toBeVisible();
  const covered = await request.get(
    `/api/cla/v1/status?email=${encodeURIComponent(member.email)}`,
  );
  expect(await covered.json()).toEqual({
    covered: true,
    agreement: "individual",
    version: 1,
    via: "individual",
  });

  // Members from `addMember` are administrators: the signature is listed.
  await gotoReady(page, `/admin/cla?q=${member.username}`);
  await expect(page.getByRole("row", { name: new RegExp(fullName) })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await gotoReady(page, "/admin/documents");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Publish a document version");
  await expectNoSeriousA11yViolations(page);
});
