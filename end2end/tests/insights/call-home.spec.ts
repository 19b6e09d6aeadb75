// Call home: an administrator publishes a product's releases, a product
// asks for updates and sends a usage report, and the installs dashboard
// shows it — with JavaScript on and off.
import { expect, expectNoSeriousA11yViolations, gotoReady, test } from "../fixtures";
import { acceptPolicy, addMember, expectWelcome, signIn } from "../members";

test("an administrator publishes releases and reads what the products report", async ({ page, request }, testInfo) => {
  const slug = `agent-${testInfo.project.name}`;
  const name = `Agent ${testInfo.project.name}`;
  const admin = addMember(testInfo, "rel");
  await signIn(page, admin.username, admin.password);
  await expectWelcome(page, admin);
  await acceptPolicy(page);
  await gotoReady(page, "/admin/members");
  await page.getByRole("link", { name: "releases", exact: true }).click();
  await expect(page).toHaveURL("/admin/releases");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Releases");

  // The product, with the default channels.
  const add = page.getByRole("region", { name: "Add a product" });
  await add.getByLabel("Name", { exact: true }).fill(name);
  await add.getByLabel("Key", { exact: true }).fill(slug);
  await expect(add.getByLabel("Channels", { exact: true })).toHaveValue("stable, beta");
  await add.getByRole("button", { name: "Add the product" }).click();
  const product = page.getByRole("region", { name, exact: true });
  await expect(product).toContainText("No release published.");

  // A version that is not semantic is refused at its field.
  await product.getByText(`Publish a version of ${name}`).click();
  await product.getByLabel("Version", { exact: true }).fill("1.0");
  await product.getByRole("button", { name: "Publish" }).click();
  await expect(product.getByText(/Write the version as a semantic version/)).toBeVisible();
  // Only in this product's form, with or without JavaScript.
  await expect(page.getByText(/Write the version as a semantic version/)).toHaveCount(1);
  await expectNoSeriousA11yViolations(page);
  await product.getByLabel("Version", { exact: true }).fill("1.0.0");
  await product.getByRole("button", { name: "Publish" }).click();
  await expect(product.getByRole("table")).toContainText("1.0.0");
  await product.getByText(`Publish a version of ${name}`).click();
  await product.getByLabel("Version", { exact: true }).fill("1.1.0");
  await product.getByLabel(/^Release notes \(web address\)/).fill("https://example.org/notes/1.1.0");
  await product.getByLabel("Fixes a security problem", { exact: true }).check();
  await product.getByRole("button", { name: "Publish" }).click();
  await expect(product.getByRole("table").getByRole("row")).toHaveCount(3);

  // The product asks, and reports.
  const check = await request.get(`/api/updates/v1?product=${slug}&version=1.0.0&os=linux&arch=x86_64`);
  expect(check.status()).toBe(200);
  expect(await check.json()).toMatchObject({
    latest: "1.1.0",
    update_available: true,
    security: true,
    notes_url: "https://example.org/notes/1.1.0",
  });
  const report = {
    install_id: `e2e-install-${testInfo.project.name}-0001`,
    product: slug,
    version: "1.0.0",
    os: "linux",
    arch: "x86_64",
    servers: { postgresql: 2 },
    problems: [{ code: "E_DISK", count: 2 }],
  };
  const refused = await request.post("/api/usage/v1", { data: { ...report, hostname: "db1" } });
  expect(refused.status()).toBe(400);
  const sent = await request.post("/api/usage/v1", { data: report });
  expect(sent.status()).toBe(202);

  // The dashboard.
  await gotoReady(page, "/admin/members");
  await page.getByRole("link", { name: "installs", exact: true }).click();
  await expect(page).toHaveURL("/admin/insights/installs");
  await page.getByLabel("Product", { exact: true }).selectOption(slug);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(`/admin/insights/installs?product=${slug}&weeks=12`);
  await expect(page.getByRole("heading", { name: `Active installs of ${name}, week by week` })).toBeVisible();
  const byVersion = page.getByRole("region", { name: "Installs by version" });
  await expect(byVersion.locator("thead th")).toHaveText(["Week of", "All", "1.0.0"]);
  await expect(page.getByRole("region", { name: /^Managed servers/ })).toContainText("postgresql");
  await expect(page.getByRole("region", { name: /^Problems/ })).toContainText("E_DISK");
  await expect(page.getByRole("img", { name: new RegExp(`Installs of ${name} that reported`) })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});
