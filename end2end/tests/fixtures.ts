// Shared test fixtures and helpers.
//
// Import `test` and `expect` from here, not from "@playwright/test": this
// `test` fails any test whose pages logged a console error, threw an uncaught
// error, or reported a Content-Security-Policy violation.
import {
  test as base,
  expect,
  type ConsoleMessage,
  type Page,
  type Response,
} from "@playwright/test";
import { isJavaScriptEnabled, recordJavaScriptEnabled } from "./js-mode";

export { expect };
export { expectNoSeriousA11yViolations } from "./axe";
export { isJavaScriptEnabled };

/** Console text that is a problem whatever its level. */
const ALWAYS_A_PROBLEM = /Content Security Policy|Refused to/i;

type Options = {
  /**
   * Console errors a test expects and accepts, matched against
   * "<message> @ <url of the script or resource>". Set with
   * `test.use({ allowedConsoleErrors: [notFoundDocumentError(path)] })`.
   * CSP violations are never accepted.
   */
  allowedConsoleErrors: RegExp[];
};

export const test = base.extend<Options>({
  allowedConsoleErrors: [[], { option: true }],

  context: async ({ context, javaScriptEnabled, allowedConsoleErrors }, use, testInfo) => {
    recordJavaScriptEnabled(context, javaScriptEnabled !== false);
    const problems: string[] = [];

    const onConsole = (message: ConsoleMessage) => {
      const text = message.text();
      const isCspProblem = ALWAYS_A_PROBLEM.test(text);
      if (message.type() !== "error" && !isCspProblem) return;
      const { url, lineNumber } = message.location();
      if (!isCspProblem && allowedConsoleErrors.some((re) => re.test(`${text} @ ${url}`))) return;
      const where = url ? ` (${url}${lineNumber ? `:${lineNumber}` : ""})` : "";
      problems.push(`console.${message.type()} on ${pageUrl(message.page())}: ${text}${where}`);
    };
    context.on("console", onConsole);
    context.on("weberror", (webError) => {
      const error = webError.error();
      problems.push(
        `uncaught error on ${pageUrl(webError.page())}: ${error.stack ?? error.message}`,
      );
    });

    await use(context);

    if (problems.length > 0) {
      await testInfo.attach("browser-problems.txt", {
        body: problems.join("\n\n"),
        contentType: "text/plain",
      });
    }
    expect(problems, "the browser reported console errors, page errors or CSP violations").toEqual(
      [],
    );
  },
});

/**
 * Chromium logs a document that answers 404 as a console error. This matches
 * that message for exactly `path` (and not, say, a missing stylesheet).
 */
export function notFoundDocumentError(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `^Failed to load resource: the server responded with a status of 404\\b.* @ https?://[^/]+${escaped}$`,
  );
}

function pageUrl(page: Page | null): string {
  return page?.url() ?? "(unknown page)";
}

/**
 * Navigates to `path` and, when JavaScript is on, waits until the app has
 * hydrated (it sets `<html data-hydrated="true">`), so JS-on tests exercise the
 * hydrated page rather than the server HTML that happens to look the same.
 */
export async function gotoReady(page: Page, path: string): Promise<Response | null> {
  const response = await page.goto(path);
  if (isJavaScriptEnabled(page)) {
    await waitForHydration(page);
  }
  return response;
}

export async function waitForHydration(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true", null, {
      timeout: 15_000,
    });
  } catch (error) {
    throw new Error(
      `${page.url()} never set <html data-hydrated="true">: hydration did not finish ` +
        `(wasm failed to load, a CSP block, or a hydration panic; see console output).\n${String(error)}`,
    );
  }
}
