// Promise P1: reading the site sets no cookies at all.
import { expect, gotoReady, test } from "../fixtures";

test("browsing the home page, the privacy policy and the forum sets no cookie", async ({
  page,
  context,
}) => {
  for (const path of ["/", "/privacy", "/forum"]) {
    await gotoReady(page, path);
  }

  expect(await context.cookies()).toEqual([]);
});
