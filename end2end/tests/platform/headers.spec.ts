// Security headers on a page response, and CSP nonces on every script.
import { expect, gotoReady, test } from "../fixtures";

/** Directive name → source list, from a Content-Security-Policy header. */
function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) {
      directives.set(name.toLowerCase(), sources);
    }
  }
  return directives;
}

const NONCE_SOURCE = /^'nonce-([A-Za-z0-9+/_=-]+)'$/;

test.describe("the home page response", () => {
  test("has a Content-Security-Policy whose script-src allows a nonce", async ({ page }) => {
    const response = await gotoReady(page, "/");

    const csp = (await response!.headerValue("content-security-policy")) ?? "";
    const scriptSrc = parseCsp(csp).get("script-src") ?? [];
    expect(scriptSrc.some((source) => NONCE_SOURCE.test(source)), `script-src in: ${csp}`).toBe(
      true,
    );
  });

  test("has a Content-Security-Policy that forbids framing", async ({ page }) => {
    const response = await gotoReady(page, "/");

    const csp = (await response!.headerValue("content-security-policy")) ?? "";
    expect(parseCsp(csp).get("frame-ancestors"), `frame-ancestors in: ${csp}`).toEqual([
      "'none'",
    ]);
  });

  test("gives every script element the nonce from the Content-Security-Policy", async ({
    page,
  }) => {
    const response = await gotoReady(page, "/");
    const csp = (await response!.headerValue("content-security-policy")) ?? "";
    const nonce = (parseCsp(csp).get("script-src") ?? [])
      .map((source) => NONCE_SOURCE.exec(source)?.[1])
      .find(Boolean);
    expect(nonce, `a nonce in: ${csp}`).toBeTruthy();

    // Browsers hide nonce attributes after parsing, so read the served HTML.
    const html = await response!.text();
    const scriptTags = html.match(/<script\b[^>]*>/gi) ?? [];
    const nonces = scriptTags.map(
      (tag) => /\snonce\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(tag)?.slice(1).find(
        (v) => v !== undefined,
      ),
    );
    expect(scriptTags.length, "the page has scripts to check").toBeGreaterThan(0);
    expect(nonces, scriptTags.join("\n")).toEqual(scriptTags.map(() => nonce));
  });

  test("tells browsers not to sniff content types", async ({ page }) => {
    const response = await gotoReady(page, "/");

    expect(await response!.headerValue("x-content-type-options")).toBe("nosniff");
  });

  test("sets a Referrer-Policy", async ({ page }) => {
    const response = await gotoReady(page, "/");

    expect(await response!.headerValue("referrer-policy")).toMatch(/\S/);
  });
});
