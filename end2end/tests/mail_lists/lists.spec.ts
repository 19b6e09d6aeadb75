// The mail lists administrators make on /admin/mail-lists.
import { expect, expectNoSeriousA11yViolations, gotoReady, test } from "../fixtures";
import { addMember, expectWelcome, signIn } from "../members";

test.describe("mail lists", () => {
  test("an administrator makes a list, is told when a name is taken, renames and archives it", async ({
    page,
  }, testInfo) => {
    const admin = addMember(testInfo, "lists");
    await signIn(page, admin.username, admin.password);
    await expectWelcome(page, admin);

    await gotoReady(page, "/admin/mail-lists");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mail lists");
    const table = page.getByRole("table", { name: "Mail lists" });
    await expect(table.getByRole("row", { name: /Daily forum digest/ })).toContainText(
      "made by the portal",
    );
    await expectNoSeriousA11yViolations(page);

    const name = `News ${admin.username}`;
    const form = page.getByRole("region", { name: "Make a list" });
    const make = async () => {
      await form.getByLabel("Name", { exact: true }).fill(name);
      await form.getByLabel(/^Description/).fill("What we shipped, once a month.");
      await form.getByLabel("Who may join").selectOption("everyone");
      await form.getByRole("button", { name: "Make the list" }).click();
    };
    await make();
    await expect(page).toHaveURL("/admin/mail-lists");
    const row = table.getByRole("row", { name: new RegExp(name) });
    await expect(row).toContainText("Anyone, with or without an account");
    await expect(row).toContainText("open");

    // The same name again is refused at the field.
    await make();
    await expect(form.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(form).toContainText("A list with this name already exists");

    // Renamed, and for members only.
    await gotoReady(page, "/admin/mail-lists");
    const renamed = `Updates ${admin.username}`;
    await page.getByText(`Edit ${name}`).click();
    const edit = page.locator("details.inline-edit[open]");
    await edit.getByLabel("Name", { exact: true }).fill(renamed);
    await edit.getByLabel("Who may join").selectOption("members");
    await edit.getByRole("button", { name: "Save" }).click();
    const row2 = table.getByRole("row", { name: new RegExp(renamed) });
    await expect(row2).toContainText("Members only");

    await gotoReady(page, "/admin/mail-lists");
    await page.getByRole("button", { name: `Archive ${renamed}` }).click();
    await expect(page.getByRole("button", { name: `Restore ${renamed}` })).toBeVisible();
    await expect(table.getByRole("row", { name: new RegExp(renamed) })).toContainText("archived");
    await expectNoSeriousA11yViolations(page);
  });
});
