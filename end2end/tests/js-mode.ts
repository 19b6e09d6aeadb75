// Which pages run with JavaScript: recorded per browser context by the
// `context` fixture, so `test.use({ javaScriptEnabled })` overrides count too.
import { test, type BrowserContext, type Page } from "@playwright/test";

const javaScriptEnabledFor = new WeakMap<BrowserContext, boolean>();

export function recordJavaScriptEnabled(context: BrowserContext, enabled: boolean): void {
  javaScriptEnabledFor.set(context, enabled);
}

/** Whether this page runs with JavaScript (the project's or a `test.use` setting). */
export function isJavaScriptEnabled(page: Page): boolean {
  return (
    javaScriptEnabledFor.get(page.context()) ??
    test.info().project.use.javaScriptEnabled !== false
  );
}
