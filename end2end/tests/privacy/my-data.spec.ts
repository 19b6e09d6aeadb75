// A member's own data: the JSON download from the account page, and
// deleting the account.
//
// Members are added with `addMember` (tests/members.ts), which makes them
// administrators; each test adds two, so the one who deletes is never the
// only administrator (who may not).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  expect,
  expectNoSeriousA11yViolations,
  gotoReady,
  test,
} from "../fixtures";
import { linkFrom, waitForMail } from "../mail";
import { SESSION_COOKIE, addMember, expectWelcome, portal, signIn } from "../members";

test("a member downloads their data as JSON from the account page", async ({ page }, testInfo) => {
  const member = addMember(testInfo, "dl");
  await signIn(page, member.username, member.password);
  await expectWelcome(page, member);

  await gotoReady(page, "/account");
  const section = page.getByRole("region", { name: "Your data" });
  await expect(section).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    section.getByRole("link", { name: "Download your data" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(await readFile(await download.path(), "utf8"));
  expect(data.username).toBe(member.username);
  const account = data.features.Account.accounts;
  expect(account.fields.email).toBe("Email address");
  expect(account.rows[0].email).toBe(member.email);
  expect(account.rows[0].password_hash).toMatch(/^\(held, but used by the software only/);
  expect(data.features.Account.sessions.rows.length).toBeGreaterThan(0);

  // The same, on a page.
  await section.getByRole("link", { name: "See your data" }).click();
  await expect(page).toHaveURL("/account/data");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your data");
  const accountSection = page.getByRole("region", { name: "Account", exact: true });
  await expect(accountSection.getByRole("table", { name: "Accounts" })).toContainText(
    member.email,
  );
  await expect(accountSection.getByRole("table", { name: "Sessions" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test("a member asks for an archive and downloads it once from the mailed link", async ({
  page,
  request,
}, testInfo) => {
  const member = addMember(testInfo, "zip");
  await signIn(page, member.username, member.password);
  await expectWelcome(page, member);

  await gotoReady(page, "/account/data");
  const section = page.getByRole("region", { name: "An archive with your files" });
  await section.getByRole("button", { name: "Mail me an archive" }).click();
  await expect(section.getByRole("status")).toContainText("We are preparing your archive");
  await expectNoSeriousA11yViolations(page);

  const mail = await waitForMail(request, member.email, "Your data archive is ready");
  expect(mail.text).not.toContain(member.username);
  const link = linkFrom(mail, "/account/data/archive.zip");
  // Signed in, the link gives the zip once.
  const archive = await page.request.get(link, { maxRedirects: 0 });
  expect(archive.status()).toBe(200);
  expect(archive.headers()["content-type"]).toBe("application/zip");
  expect((await archive.body()).subarray(0, 2).toString()).toBe("PK");
  expect((await page.request.get(link, { maxRedirects: 0 })).status()).toBe(410);
});

test.describe("deleting the account", () => {
  test("a member deletes their account after confirming with the password", async ({
    page,
    context,
    request,
  }, testInfo) => {
    addMember(testInfo, "stay");
    const member = addMember(testInfo, "del");
    await signIn(page, member.username, member.password);
    await expectWelcome(page, member);

    await gotoReady(page, "/account");
    await page.getByRole("link", { name: "Delete your account" }).click();
    await expect(page).toHaveURL("/account/delete");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Delete your account");
    await expect(page.getByRole("region", { name: "What stays" })).toContainText(
      "Your posts stay in their threads, shown without your name.",
    );
    await expectNoSeriousA11yViolations(page);

    // A wrong password is refused at its field, and nothing is deleted.
    await page.getByLabel("Your username", { exact: true }).fill(member.username);
    await page.getByLabel("Your password", { exact: true }).fill("not the password at all");
    await page.getByRole("button", { name: "Delete my account" }).click();
    const passwordError = page.locator(".field:has(#field-password) .field-error");
    await expect(passwordError).toContainText("This is not your password.");
    await expect(page.getByLabel("Your password", { exact: true })).toHaveAttribute(
      "aria-invalid",
      "true",
    );
    expect((await context.cookies()).map((c) => c.name)).toContain(SESSION_COOKIE);

    await page.getByLabel("Your username", { exact: true }).fill(member.username);
    await page.getByLabel("Your password", { exact: true }).fill(member.password);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect(page).toHaveURL("/account/deleted");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account was deleted");
    expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);
    await expect(
      page.locator(".account-nav").getByRole("link", { name: "Sign in", exact: true }),
    ).toBeVisible();

    const last = await waitForMail(request, member.email, "Your account was deleted");
    expect(last.text).toContain("This is the last mail we send you.");

    // The account is gone: its name and password sign nobody in.
    await signIn(page, member.username, member.password);
    await expect(page.locator(".field:has(#field-password) .field-error")).toBeVisible();
    await expect(page).toHaveURL(/\/account\/sign-in/);
  });
});

test("a member changes their username from the account page", async ({ page }, testInfo) => {
  const member = addMember(testInfo, "ren");
  await signIn(page, member.username, member.password);
  await expectWelcome(page, member);

  await gotoReady(page, "/account");
  const section = page.getByRole("region", { name: "Change your username" });
  const renamed = `${member.username}x`;
  await section.getByLabel("New username", { exact: true }).fill(renamed);
  await section.getByRole("button", { name: "Change username" }).click();
  await expect(page).toHaveURL("/account?changed=username");
  await expect(section.getByRole("status")).toContainText("Your username was changed.");
  await gotoReady(page, "/account");
  await expect(page.locator(".account-nav")).toContainText(renamed);
});

test("after a material change of the privacy policy, a member is asked to accept it", async ({
  page,
}, testInfo) => {
  const member = addMember(testInfo, "pol");
  await signIn(page, member.username, member.password);
  await expectWelcome(page, member);
  // Publish the policy in force, with one more sentence, as a material change.
  const shipped = path.resolve(__dirname, "../../../migrations/src/policy/privacy-v8.md");
  const policy = testInfo.outputPath("privacy.md");
  const added = "We also read this sentence in a test.";
  await writeFile(policy, `${await readFile(shipped, "utf8")}\n${added}\n`);
  portal(["publish", "--document", "privacy-policy", "--title", "Privacy policy", "--file", policy, "--material"]);

  await gotoReady(page, "/forum");
  const notice = page.locator("main p.policy-update");
  await expect(notice).toContainText("Our privacy policy changed on");
  await notice.getByRole("link", { name: /^Read and accept version \d+$/ }).click();
  await expect(page).toHaveURL("/account/policy");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("The privacy policy changed");
  // What changed since the version they accepted, open at once. (Tests
  // running beside this one may publish too, so the lines are checked by
  // the Rust tests, not here.)
  const changes = page.locator("details.changes[open]");
  await expect(changes.locator("summary")).toHaveText(
    /^What changed in version \d+ since version \d+, which you accepted$/,
  );
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "I accept this version" }).click();
  await expect(page).toHaveURL("/account?accepted=policy");
  await gotoReady(page, "/forum");
  await expect(page.locator("main p.policy-update")).toHaveCount(0);
});

test("a member withdraws optional processing from one page, and it takes effect at once", async ({
  page,
}, testInfo) => {
  const member = addMember(testInfo, "choices");
  await gotoReady(page, "/account/sign-in");
  await page.getByLabel("Username or email address", { exact: true }).fill(member.username);
  await page.getByLabel("Password", { exact: true }).fill(member.password);
  await page.getByLabel("Keep me signed in on this device for 30 days").check();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expectWelcome(page, member);
  const remembered = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(remembered?.expires).toBeGreaterThan(0);

  await gotoReady(page, "/account");
  await page.getByRole("link", { name: "Your choices" }).click();
  await expect(page).toHaveURL("/account/choices");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your choices");

  // The digest: on, then off again, from here.
  const digest = page.getByRole("region", { name: "Mail digest" });
  await digest.getByRole("button", { name: "Turn the digest on" }).click();
  await expect(digest.getByRole("status")).toHaveText(/^On: once a day at most/);
  await digest.getByRole("button", { name: "Turn the digest off" }).click();
  await expect(digest.getByRole("status")).toHaveText(/^Off: the forum sends you no mail\./);

  // "Remember me": this device is forgotten, and stays signed in.
  const remember = page.getByRole("region", { name: "Remember me" });
  await expect(remember.getByRole("status")).toHaveText(
    "One device keeps you signed in for up to 30 days.",
  );
  await remember.getByRole("button", { name: "Forget remembered devices" }).click();
  await expect(remember.getByRole("status")).toHaveText(
    "Done: no device remembers you any more.",
  );
  await gotoReady(page, "/account/choices");
  await expect(page.getByRole("region", { name: "Remember me" }).getByRole("status")).toHaveText(
    /^No device keeps you signed in/,
  );
  await expect(page.locator(".account-nav")).toContainText(member.username);

  await expect(page.getByRole("region", { name: "Sign-in methods" })).toBeVisible();
  // Its switches are tested in tests/mail_lists/newsletter.spec.ts.
  await expect(page.getByRole("region", { name: "Newsletters" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});
