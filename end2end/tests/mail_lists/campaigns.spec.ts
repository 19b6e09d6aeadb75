// A campaign from the administrator's side: write it with a preview, send
// a test, send it to a list, and watch it arrive through the real SMTP
// server with both parts and its way out.
import { expect, expectNoSeriousA11yViolations, gotoReady, test } from "../fixtures";
import { isJavaScriptEnabled } from "../js-mode";
import { waitForMail } from "../mail";
import { acceptPolicy, addMember, expectWelcome, signIn } from "../members";

test.describe("campaigns", () => {
  test("an administrator writes, tries and sends a campaign to a list", async ({
    page,
    request,
  }, testInfo) => {
    const admin = addMember(testInfo, "cp");
    const list = `Digest ${admin.username}`;
    const subject = `Shipped in December ${admin.username}`;
    await signIn(page, admin.username, admin.password);
    await expectWelcome(page, admin);
    await acceptPolicy(page);

    // A list, joined by the administrator, so that the campaign reaches them.
    await gotoReady(page, "/admin/mail-lists");
    const make = page.getByRole("region", { name: "Make a list" });
    await make.getByLabel("Name", { exact: true }).fill(list);
    await make.getByLabel("Who may join").selectOption("members");
    await make.getByRole("button", { name: "Make the list" }).click();
    await expect(page.getByRole("table", { name: "Mail lists" })).toContainText(list);
    await gotoReady(page, "/account/choices");
    await page.getByRole("button", { name: `Join ${list}` }).click();
    await expect(page.getByRole("button", { name: `Leave ${list}` })).toBeVisible();

    await gotoReady(page, "/admin/mail-lists");
    await page.getByRole("link", { name: "Campaigns" }).click();
    await expect(page).toHaveURL("/admin/campaigns");
    await expectNoSeriousA11yViolations(page);
    await page.getByRole("link", { name: "New campaign" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("New campaign");

    // A subject is required; the refusal is at the field.
    const text = page.getByLabel("Text (Markdown)", { exact: true });
    await text.fill("We shipped **search** this month.\n\n[Release notes](https://example.org/notes)");
    const preview = page.getByRole("region", { name: "Preview" });
    if (isJavaScriptEnabled(page)) {
      await expect(preview.locator("strong")).toHaveText("search");
    }
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByLabel("Subject", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Subject", { exact: true }).fill(subject);
    await page.getByLabel("Text (Markdown)", { exact: true }).fill(
      "We shipped **search** this month.\n\n[Release notes](https://example.org/notes)",
    );
    await page.getByLabel(list, { exact: true }).check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page).toHaveURL(/\/admin\/campaigns\/\d+\?saved=1$/);
    await expect(page.getByRole("status")).toHaveText("Saved.");
    await expect(page.getByRole("region", { name: "Preview" }).locator("strong")).toHaveText("search");
    await expect(page.locator(".status-line")).toContainText("Reaches 1 confirmed subscribers");
    await expectNoSeriousA11yViolations(page);

    await page.getByRole("button", { name: "Send a test to yourself" }).click();
    await expect(page.getByRole("status")).toContainText("A test is on its way");
    const trial = await waitForMail(request, admin.email, `[Test] ${subject}`);
    expect(trial.html).toContain("<strong>search</strong>");

    await page.getByRole("button", { name: "Send to the lists" }).click();
    const mail = await waitForMail(request, admin.email, subject);
    // Submitted as to a production relay: after STARTTLS, authenticated.
    expect(mail.tls).toBe(true);
    expect(mail.user).toBe("portal");
    // A mail client can leave the list in one click (RFC 8058), or by mail.
    const leave = mail.headers["list-unsubscribe"].match(
      /^<https?:\/\/\S+\/mail\/unsubscribe\?token=([\w-]+)>, <mailto:unsubscribe@localhost\?subject=unsubscribe%20([\w-]+)>$/,
    );
    expect(leave, mail.headers["list-unsubscribe"]).not.toBeNull();
    expect(leave![2]).toBe(leave![1]);
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail.text).toContain("We shipped **search** this month.");
    expect(mail.text).toMatch(new RegExp(`Unsubscribe from "${list}": https?://\\S+/mail/unsubscribe\\?token=`));
    // Opens and clicks are counted per campaign: the image and the link
    // lead through the site, and the link goes only where the text said.
    expect(mail.html).toMatch(/<img src="https?:\/\/[^"]+\/mail\/o\/\d+"/);
    const click = mail.html.match(/href="(https?:\/\/[^"]+\/mail\/c\/\d+\/0)"/);
    expect(click, mail.html).not.toBeNull();
    const followed = await request.get(click![1], { maxRedirects: 0 });
    expect(followed.status()).toBe(303);
    expect(followed.headers()["location"]).toBe("https://example.org/notes");
    // The sender marks the campaign sent on its next round, a few seconds on.
    const campaignPage = page.url().replace(/\?.*$/, "");
    await expect(async () => {
      await gotoReady(page, campaignPage);
      await expect(page.locator(".status-line .status")).toHaveText("Sent", { timeout: 1_000 });
      await expect(page.locator(".send-progress")).toContainText("1 sent, 0 failed, 0 left", {
        timeout: 1_000,
      });
      const clicks = page.getByRole("table", { name: "Clicks per link" }).locator("tbody tr").first();
      await expect(clicks.locator("td").last()).toHaveText("1", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expectNoSeriousA11yViolations(page);

    // The subscribers page finds the administrator, and erases them.
    await gotoReady(page, "/admin/mail-lists");
    await page.getByRole("link", { name: "Subscribers" }).click();
    await expect(page).toHaveURL("/admin/subscribers");
    await expect(page.getByRole("heading", { name: "Over the last 90 days" })).toBeVisible();
    await page.getByLabel("Name, username or address contains").fill(admin.email);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/admin\/subscribers\?q=/);
    const rows = page.getByRole("table", { name: "Subscribers" }).locator("tbody tr");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(list);
    await expectNoSeriousA11yViolations(page);
    await rows.first().getByText(/^Erase @/).click();
    await rows.first().getByRole("button", { name: /^Yes, erase @/ }).click();
    await expect(page.getByText("Nobody found.")).toBeVisible();
  });
});
