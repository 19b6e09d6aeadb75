// Accessibility scans with axe-core, with JavaScript on and off.
//
// With JavaScript on, AxeBuilder injects axe into the page as usual. With
// JavaScript off (Chromium's script execution disabled) nothing queued by
// the page's own world ever runs, so AxeBuilder hangs; there axe runs in an
// isolated world over CDP instead, where promises, animation frames and
// message ports still work (only setTimeout is stubbed out).
import { createRequire } from "node:module";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import type { AxeResults, Result } from "axe-core";
import { isJavaScriptEnabled } from "./js-mode";

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const BLOCKING_IMPACTS = new Set(["serious", "critical"]);

// The same axe-core build AxeBuilder injects.
const axeSource: string = createRequire(require.resolve("@axe-core/playwright"))("axe-core").source;

/** Runs axe on the current page; fails on any serious or critical violation. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = isJavaScriptEnabled(page)
    ? await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
    : await analyzeWithoutPageScripts(page);
  const blocking = results.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact ?? ""));

  if (blocking.length > 0) {
    await test.info().attach(`axe-violations${new URL(page.url()).pathname.replace(/\W+/g, "-")}.json`, {
      body: JSON.stringify(blocking, null, 2),
      contentType: "application/json",
    });
  }
  const report = blocking.map(describeViolation).join("\n\n");
  expect(
    blocking.length,
    `serious or critical accessibility violations on ${page.url()}:\n\n${report}\n`,
  ).toBe(0);
}

function describeViolation(v: Result): string {
  const nodes = v.nodes
    .map((node) => {
      const summary = (node.failureSummary ?? "").replace(/\n/g, "\n      ");
      return `    - ${node.target.join(" ")}\n      ${summary}`;
    })
    .join("\n");
  return `[${v.impact}] ${v.id}: ${v.help}\n  ${v.helpUrl}\n${nodes}`;
}

// setTimeout callbacks never fire while script execution is disabled;
// animation frames and message ports do, so timers are rebuilt from them.
const TIMER_SHIM = `(() => {
  const timers = new Map();
  let nextId = 1, viaMessage = false, viaFrame = false;
  const channel = new MessageChannel();
  const pump = () => {
    const now = performance.now();
    for (const [id, t] of [...timers]) {
      if (t.due <= now) { timers.delete(id); t.fn(...t.args); }
    }
    schedule();
  };
  const schedule = () => {
    if (timers.size === 0) return;
    const now = performance.now();
    if ([...timers.values()].some((t) => t.due <= now)) {
      if (!viaMessage) { viaMessage = true; channel.port2.postMessage(0); }
    } else if (!viaFrame) {
      viaFrame = true;
      requestAnimationFrame(() => { viaFrame = false; pump(); });
    }
  };
  channel.port1.onmessage = () => { viaMessage = false; pump(); };
  globalThis.setTimeout = (fn, delay, ...args) => {
    const id = nextId++;
    timers.set(id, {
      fn: typeof fn === "function" ? fn : () => {},
      due: performance.now() + Math.max(0, Number(delay) || 0),
      args,
    });
    schedule();
    return id;
  };
  globalThis.clearTimeout = (id) => { timers.delete(id); };
})();`;

async function analyzeWithoutPageScripts(page: Page): Promise<AxeResults> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { frameTree } = await cdp.send("Page.getFrameTree");
    const { executionContextId: contextId } = await cdp.send("Page.createIsolatedWorld", {
      frameId: frameTree.frame.id,
      worldName: "e2e-axe",
    });
    const evaluate = async (expression: string) => {
      const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
        expression,
        contextId,
        awaitPromise: true,
        returnByValue: true,
      });
      if (exceptionDetails) {
        throw new Error(`axe (JavaScript off): ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      }
      return result.value as unknown;
    };
    await evaluate(TIMER_SHIM);
    await evaluate(axeSource);
    const options = { runOnly: { type: "tag", values: WCAG_TAGS } };
    const json = await evaluate(
      `axe.run(document, ${JSON.stringify(options)}).then((r) => JSON.stringify(r))`,
    );
    return JSON.parse(json as string) as AxeResults;
  } finally {
    await cdp.detach();
  }
}
