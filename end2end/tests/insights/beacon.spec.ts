// Visit statistics: the server counts the pages it serves; with JavaScript,
// the app reports each client-side navigation with a beacon that carries
// the path alone. Without JavaScript there is nothing to report.
import type { Request } from "@playwright/test";
import { expect, gotoReady, isJavaScriptEnabled, test } from "../fixtures";

test("a client-side navigation is reported by a beacon with the path alone", async ({ page }) => {
  const beacons: Request[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/insights/view") beacons.push(request);
  });
  await gotoReady(page, "/");
  await page.getByRole("navigation").getByRole("link", { name: "Forum", exact: true }).click();
  await expect(page).toHaveURL("/forum");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  if (!isJavaScriptEnabled(page)) {
    // Each page came from the server, which counted it itself.
    expect(beacons).toHaveLength(0);
    return;
  }
  await expect.poll(() => beacons.length).toBe(1);
  const beacon = beacons[0];
  expect(beacon.method()).toBe("POST");
  expect(beacon.postData()).toBe("/forum");
  const response = await beacon.response();
  expect(response?.status()).toBe(204);
  // It sends no cookie of ours, and nothing but the path.
  expect((await beacon.allHeaders())["cookie"] ?? "").not.toContain("portal_");
});
