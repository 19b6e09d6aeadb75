// The forum and its moderation, with JavaScript on and off.
//
// The main flow: an administrator adds a category; Alice, an ordinary
// member, starts a thread that waits for approval (the server runs with the
// default PORTAL_FORUM_HELD_POSTS=1) until the administrator approves it;
// Bob quotes her, is refused a reply with too many links, replies; Alice
// answers with a reply that mentions Bob; Bob reports it; the administrator
// sees the report with the reported text, hides the post, resolves the
// report, and finds both in the moderation log. A visitor then reads the
// thread without the hidden reply and without getting a cookie.
//
// Then: Markdown preview without posting, a script injection that stays
// inert, search with marked words (and hidden posts never found), and axe
// scans of the forum's and the moderators' pages.
//
// Administrators come from `addMember` (they moderate too). Ordinary members
// register through the form and confirm the address from the mail. Each
// person has a browser context of their own; console errors, page errors and
// CSP reports in any of them fail the test, as the `context` fixture does for
// the test's own page.
import path from "node:path";
import type {
  APIRequestContext,
  Browser,
  BrowserContext,
  Locator,
  Page,
  TestInfo,
} from "@playwright/test";
import {
  expect,
  expectNoSeriousA11yViolations,
  gotoReady,
  isJavaScriptEnabled,
  test as base,
  waitForHydration,
} from "../fixtures";
import {
  addMember,
  confirmAddress,
  expectWelcome,
  newMember,
  portal,
  register,
  signIn,
  type Member,
} from "../members";
import { linkFrom, waitForMail } from "../mail";

/** Other people's browser contexts, watched like the test's own. */
class People {
  readonly problems: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly testInfo: TestInfo,
    private readonly allowedConsoleErrors: RegExp[],
  ) {}

  /** A fresh browser context (no cookies) with the project's JavaScript setting. */
  async open(): Promise<Page> {
    const context = await this.browser.newContext({
      baseURL: this.testInfo.project.use.baseURL,
      javaScriptEnabled: this.testInfo.project.use.javaScriptEnabled,
    });
    this.contexts.push(context);
    context.on("console", (message) => {
      const text = message.text();
      const csp = /Content Security Policy|Refused to/i.test(text);
      if (message.type() !== "error" && !csp) return;
      const { url } = message.location();
      if (!csp && this.allowedConsoleErrors.some((re) => re.test(`${text} @ ${url}`))) return;
      this.problems.push(`console.${message.type()} on ${message.page()?.url()}: ${text} (${url})`);
    });
    context.on("weberror", (webError) => {
      const error = webError.error();
      this.problems.push(`uncaught error on ${webError.page()?.url()}: ${error.stack ?? error.message}`);
    });
    return context.newPage();
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.close()));
  }
}

const test = base.extend<{ people: People }>({
  people: async ({ browser, allowedConsoleErrors }, use, testInfo) => {
    const people = new People(browser, testInfo, allowedConsoleErrors);
    await use(people);
    await people.closeAll();
    expect(
      people.problems,
      "the other people's browsers reported console errors, page errors or CSP violations",
    ).toEqual([]);
  },
});

type CategoryRef = { id: number; name: string; path: string };

/** A new administrator (a moderator too), signed in on `page`. */
async function signedInAdmin(page: Page, testInfo: TestInfo): Promise<Member> {
  const admin = addMember(testInfo, "f");
  await signIn(page, admin.username, admin.password);
  await expectWelcome(page, admin);
  return admin;
}

/** An ordinary member (no role): registered, address confirmed from the mail, signed in on `page`. */
async function verifiedMember(
  page: Page,
  request: APIRequestContext,
  testInfo: TestInfo,
  prefix: string,
): Promise<Member> {
  const member = newMember(testInfo, prefix);
  await register(page, member);
  await confirmAddress(page, request, member);
  await signIn(page, member.username, member.password);
  await expectWelcome(page, member);
  return member;
}

/** Adds a category on /admin/forum and opens it from /forum. */
async function createCategory(page: Page, name: string, description: string): Promise<CategoryRef> {
  await gotoReady(page, "/admin/forum");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Forum categories");
  const form = page.getByRole("region", { name: "Add a category" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel(/^Description/).fill(description);
  await form.getByLabel("Position", { exact: true }).fill("10");
  await form.getByRole("button", { name: "Add category" }).click();
  await expect(page).toHaveURL("/admin/forum");
  // The list shows it once the form is done (with JavaScript, the call has returned).
  await expect(
    page.locator(`.category-admin-list input[name='name'][value=${JSON.stringify(name)}]`),
  ).toHaveCount(1);

  await gotoReady(page, "/forum");
  const card = page.locator(".category-card").filter({ hasText: name });
  await expect(card).toContainText(description);
  await card.getByRole("link", { name, exact: true }).click();
  await expect(page).toHaveURL(/\/forum\/c\/\d+-[\w-]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  const path = new URL(page.url()).pathname;
  return { id: Number(path.split("/")[3].split("-")[0]), name, path };
}

/** Starts a thread from /forum/new and returns its address. */
async function startThread(
  page: Page,
  category: CategoryRef,
  title: string,
  body: string,
): Promise<string> {
  await gotoReady(page, `/forum/new?category=${category.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Start a thread");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Your post", { exact: true }).fill(body);
  await page.getByRole("button", { name: "Post thread" }).click();
  await expect(page).toHaveURL(/\/forum\/t\/\d+-[\w-]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  return new URL(page.url()).pathname;
}

/** The post (li.post) on a thread page whose text holds `text`. */
function post(page: Page, text: string) {
  return page.locator("li.post").filter({ hasText: text });
}

/**
 * What a thread page must show at once after one of its forms. Should it
 * not (a failure recorded with `expect.soft`, so the test still fails), the
 * page is loaded afresh and the rest of the flow goes on with what the
 * server saved.
 */
async function showsAtOnce(page: Page, shown: Locator, what: string): Promise<void> {
  await expect.soft(shown, `${what}, without loading the page again`).toBeVisible();
  if (!(await shown.isVisible())) {
    await page.reload(); // not goto: the address may differ from this one by its #fragment only
    if (isJavaScriptEnabled(page)) await waitForHydration(page);
  }
  await expect(shown, `${what}, on the page loaded afresh`).toBeVisible();
}

/** The numeric id of a post element (`id="post-<id>"`). */
async function postId(page: Page, text: string): Promise<number> {
  const id = await post(page, text).getAttribute("id");
  expect(id, `the post holding "${text}" has an id`).toMatch(/^post-\d+$/);
  return Number(id!.slice("post-".length));
}

test.describe("the forum's main flow", () => {
  test("a held thread is approved, a reported reply is hidden and logged, and visitors no longer see it", async ({
    page: mod,
    request,
    people,
  }, testInfo) => {
    test.setTimeout(180_000);
    const admin = await signedInAdmin(mod, testInfo);
    const run = admin.username; // unique per run, project and test
    const category = await createCategory(mod, `Help desk ${run}`, "Questions about the printers");

    const alicePage = await people.open();
    const alice = await verifiedMember(alicePage, request, testInfo, "a");
    const bobPage = await people.open();
    const bob = await verifiedMember(bobPage, request, testInfo, "b");

    const title = `Printer on fire ${run}`;
    const opening = `The third floor printer smells of smoke, ${run}.`;
    const bobText = `Unplug it first, then call facilities ${run}.`;
    const marker = `rudeword${run}`;
    const aliceReply = `@${bob.username} nobody asked you, ${marker}`;
    const reportNote = `Insulting a helper (${run})`;
    const hideReason = `Insults another member (${run})`;
    const conclusion = `Reply hidden, author reminded of the rules (${run})`;

    // Alice starts a thread from the category page. Her first post waits for approval.
    await gotoReady(alicePage, category.path);
    await expect(alicePage.getByText("No threads yet. Start the first one!")).toBeVisible();
    await alicePage.getByRole("link", { name: "Start a thread" }).click();
    await expect(alicePage).toHaveURL(`/forum/new?category=${category.id}`);
    await expect(alicePage.getByText(/^Posts are public: anyone can read them/)).toBeVisible();
    await expect(
      alicePage.getByText("Your first posts wait for a moderator's approval before others can see them."),
    ).toBeVisible();
    await alicePage.getByLabel("Title", { exact: true }).fill(title);
    await alicePage.getByLabel("Your post", { exact: true }).fill(opening);
    await alicePage.getByRole("button", { name: "Post thread" }).click();
    await expect(alicePage).toHaveURL(/\/forum\/t\/\d+-[\w-]+$/);
    const threadPath = new URL(alicePage.url()).pathname;
    await expect(alicePage.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(post(alicePage, opening)).toBeVisible();
    await expect(post(alicePage, opening).locator(".post-header .badge")).toHaveText(
      "Awaiting approval",
    );
    const openingId = await postId(alicePage, opening);

    // Nobody else sees it yet.
    expect((await request.get(threadPath)).status(), "a held thread for a visitor").toBe(404);
    expect(await (await request.get(category.path)).text()).not.toContain(title);

    // The moderator approves it from the queue.
    await gotoReady(mod, "/moderation");
    const waiting = mod
      .getByRole("region", { name: "Awaiting approval" })
      .locator(".report-card")
      .filter({ hasText: opening });
    await expect(waiting).toContainText(title);
    await expect(waiting).toContainText(`By ${alice.username}`);
    await waiting.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(waiting).toHaveCount(0);

    // Now the thread shows on the category page and its own page.
    await gotoReady(alicePage, category.path);
    const row = alicePage.locator(".thread-row").filter({ hasText: title });
    await expect(row).toContainText(`Started by ${alice.username} · 0 replies`);
    await row.getByRole("link", { name: title }).click();
    await expect(alicePage).toHaveURL(threadPath);
    await expect(post(alicePage, opening)).toBeVisible();
    await expect(post(alicePage, opening).locator(".badge")).toHaveCount(0);

    // Bob quotes Alice; a reply with three links is refused (he is new); he replies.
    await gotoReady(bobPage, threadPath);
    await expect(post(bobPage, opening)).toContainText(alice.username);
    await expect(
      bobPage.getByText("Your first posts wait for a moderator's approval before others can see them."),
    ).toBeVisible();
    await post(bobPage, opening).getByRole("link", { name: "Quote" }).click();
    const bobBox = bobPage.getByLabel("Your post", { exact: true });
    await expect(bobPage).toHaveURL(new RegExp(`${threadPath}\\?quote=${openingId}#compose$`));
    // Quoting loads the page from the server, script or not.
    if (isJavaScriptEnabled(bobPage)) await waitForHydration(bobPage);
    await expect
      .soft(bobBox, "Quote puts the quoted post into the reply box")
      .toHaveValue(`@${alice.username} wrote:\n> ${opening}\n\n`);

    await bobBox.fill("See https://a.example, https://b.example and https://c.example");
    await bobPage.getByRole("button", { name: "Post reply" }).click();
    await expect(bobPage.locator("#field-body-error")).toHaveText(
      "New members may include at most 2 links in a post. Remove some, or post them once you have taken part a little longer.",
    );
    await expect(bobBox).toHaveAttribute("aria-invalid", "true");

    await bobBox.fill(`@${alice.username} wrote:\n> ${opening}\n\n${bobText}`);
    await bobPage.getByRole("button", { name: "Post reply" }).click();
    await expect(bobPage).toHaveURL(new RegExp(`^[^?]*${threadPath}#post-\\d+$`));
    await showsAtOnce(bobPage, post(bobPage, bobText), "Bob's new reply");
    await expect(post(bobPage, bobText).locator(".post-header .badge")).toHaveText(
      "Awaiting approval",
    );
    const bobReplyId = await postId(bobPage, bobText);

    // Alice's first post was approved, so her reply is public at once.
    await gotoReady(alicePage, threadPath);
    await expect(post(alicePage, bobText)).toHaveCount(0); // Bob's is still held
    await alicePage.getByLabel("Your post", { exact: true }).fill(aliceReply);
    await alicePage.getByRole("button", { name: "Post reply" }).click();
    await expect(alicePage).toHaveURL(new RegExp(`^[^?]*${threadPath}#post-\\d+$`));
    await showsAtOnce(alicePage, post(alicePage, marker), "Alice's new reply");
    await expect(post(alicePage, marker).locator(".badge")).toHaveCount(0);
    const aliceReplyId = await postId(alicePage, marker);

    // Bob was mentioned; the notification leads to the post, which he reports.
    await gotoReady(bobPage, "/forum/notifications");
    const mention = bobPage
      .locator(".notification-list li")
      .filter({ hasText: `${alice.username} mentioned you in` });
    await expect(mention).toHaveCount(1);
    await mention.getByRole("link", { name: title }).click();
    await expect(bobPage).toHaveURL(`${threadPath}#post-${aliceReplyId}`);
    const reported = post(bobPage, marker);
    await reported.locator("details.report > summary").click();
    await reported.getByLabel("Why do you report this post?").selectOption({
      label: "Abusive or harassing",
    });
    await reported.getByLabel(/^Note for the moderators/).fill(reportNote);
    await reported.getByRole("button", { name: "Send report" }).click();
    await expect(bobPage).toHaveURL(
      new RegExp(`${threadPath}\\?reported=${aliceReplyId}#post-${aliceReplyId}$`),
    );
    await showsAtOnce(
      bobPage,
      post(bobPage, marker).getByRole("status").filter({
        hasText: "Thank you: the moderators will look at this post.",
      }),
      "the thanks for the report",
    );
    await expect(post(bobPage, marker).locator("details.report")).toHaveCount(0);

    // The moderator sees the report with the text as reported and Bob's flag.
    await gotoReady(mod, "/moderation");
    const report = mod
      .getByRole("region", { name: "Open reports" })
      .locator(".report-card")
      .filter({ hasText: marker });
    await expect(report).toHaveCount(1);
    await expect(report.getByRole("link", { name: title })).toBeVisible();
    await expect(report).toContainText(`Post by ${alice.username} · now visible to everyone`);
    await expect(report.locator("pre.markdown-source")).toHaveText(aliceReply);
    const flags = report.locator(".flag-list > li");
    await expect(flags).toHaveCount(1);
    await expect(flags).toContainText(`${bob.username} — Abusive or harassing`);
    await expect(flags.locator("blockquote")).toHaveText(reportNote);

    // Bob's reply is fine: approve it. Then hide Alice's reply and resolve the report.
    const bobWaiting = mod
      .getByRole("region", { name: "Awaiting approval" })
      .locator(".report-card")
      .filter({ hasText: bobText });
    await bobWaiting.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(bobWaiting).toHaveCount(0);

    await report.getByLabel("Reason to hide", { exact: true }).fill(hideReason);
    await report.getByRole("button", { name: "Hide", exact: true }).click();
    await expect(report).toContainText(`Post by ${alice.username} · now hidden by a moderator`);
    await expect(report.getByRole("button", { name: "Unhide", exact: true })).toBeVisible();
    await report.getByLabel("Conclusion", { exact: true }).fill(conclusion);
    await report.getByRole("button", { name: "Resolve report" }).click();
    await expect(report).toHaveCount(0);

    // The log has one row per action, with the moderator and the reason.
    await gotoReady(mod, "/moderation/log");
    await expect(mod.getByRole("heading", { level: 1 })).toHaveText("Moderation log");
    const logRow = (action: string, target: string | RegExp) =>
      mod
        .getByRole("row")
        .filter({ has: mod.getByRole("cell", { name: action, exact: true }) })
        .filter({ has: mod.getByRole("cell", { name: target, exact: true }) });
    await expect(logRow("Hid a post", `post ${aliceReplyId}`).getByRole("cell")).toHaveText([
      /UTC$/,
      admin.username,
      "Hid a post",
      `post ${aliceReplyId}`,
      hideReason,
      "",
    ]);
    await expect(
      logRow("Resolved a report", /^report \d+$/).filter({ hasText: conclusion }).getByRole("cell"),
    ).toHaveText([/UTC$/, admin.username, "Resolved a report", /^report \d+$/, conclusion, ""]);
    await expect(logRow("Approved a post", `post ${openingId}`)).toHaveCount(1);
    await expect(logRow("Approved a post", `post ${bobReplyId}`)).toHaveCount(1);

    // The moderator still sees the hidden post, marked.
    await gotoReady(mod, threadPath);
    await expect(post(mod, marker).locator(".post-header .badge")).toHaveText(
      "Hidden by a moderator",
    );

    // Alice got Bob's reply as a notification; Bob's mention is gone with the hidden post.
    await gotoReady(alicePage, "/forum/notifications");
    await expect(
      alicePage.locator(".notification-list li").filter({ hasText: `${bob.username} replied to` }),
    ).toHaveCount(1);
    await gotoReady(bobPage, "/forum/notifications");
    await expect(
      bobPage.getByText(
        "Nothing yet. Replies to your threads and mentions of your @username show up here.",
      ),
    ).toBeVisible();

    // A visitor reads the thread without the hidden reply, and gets no cookie.
    const visitor = await people.open();
    await gotoReady(visitor, "/forum");
    await visitor.getByRole("link", { name: category.name, exact: true }).click();
    const visitorRow = visitor.locator(".thread-row").filter({ hasText: title });
    await expect(visitorRow).toContainText(`Started by ${alice.username} · 1 reply`);
    await visitorRow.getByRole("link", { name: title }).click();
    await expect(visitor).toHaveURL(threadPath);
    await expect(visitor.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(visitor.locator(`#post-${openingId} .prose`)).toHaveText(opening);
    await expect(visitor.locator(`#post-${bobReplyId} .prose`)).toContainText(bobText);
    await expect(visitor.locator("li.post")).toHaveCount(2);
    await expect(visitor.getByText(marker)).toHaveCount(0);
    await expect(visitor.locator(`#post-${aliceReplyId}`)).toHaveCount(0);
    await expect(visitor.locator("details")).toHaveCount(0); // no report or moderation forms
    await expect(visitor.locator("p.notice")).toHaveText("Sign in or create an account to post.");
    expect(await visitor.context().cookies(), "reading the forum sets no cookie").toEqual([]);
    const permalink = await request.get(`/forum/p/${aliceReplyId}`, { maxRedirects: 0 });
    expect(permalink.status(), "the hidden post's permalink for a visitor").toBe(404);
  });
});

test("Preview shows the Markdown rendered without posting", async ({ page }, testInfo) => {
  const admin = await signedInAdmin(page, testInfo);
  const category = await createCategory(page, `Drafts ${admin.username}`, "Trying things out");

  await gotoReady(page, `/forum/new?category=${category.id}`);
  const title = page.getByLabel("Title", { exact: true });
  const body = page.getByLabel("Your post", { exact: true });
  await title.fill("Just a preview");
  await body.fill("This is **bold** and _slanted_.");
  await expect(page.getByRole("region", { name: "Preview" })).toHaveCount(0);
  await page.getByRole("button", { name: "Preview" }).click();

  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.locator(".prose strong")).toHaveText("bold");
  await expect(preview.locator(".prose em")).toHaveText("slanted");
  if (isJavaScriptEnabled(page)) {
    await expect(page).toHaveURL(`/forum/new?category=${category.id}`);
  } else {
    // The form went to the server, which sent the draft back to the page.
    await expect(page).toHaveURL(/\/forum\/new\?category=\d+&.*preview=1#compose$/);
  }
  await expect(body).toHaveValue("This is **bold** and _slanted_.");
  await expect(title).toHaveValue("Just a preview");

  // Nothing was posted.
  await gotoReady(page, category.path);
  await expect(page.getByText("No threads yet. Start the first one!")).toBeVisible();
});

test.describe("deleting categories", () => {
  test("an administrator deletes an empty category, and is told why not for one with threads", async ({
    page,
  }, testInfo) => {
    const admin = await signedInAdmin(page, testInfo);
    const kept = await createCategory(page, `Busy ${admin.username}`, "Has a thread");
    await startThread(page, kept, `Still here ${admin.username}`, "A thread keeps its category.");
    const empty = await createCategory(page, `Short-lived ${admin.username}`, "Never used");

    await gotoReady(page, "/admin/forum");
    await page.getByRole("button", { name: `Delete ${kept.name}` }).click();
    await expect(page.getByRole("alert")).toHaveText(
      "The category still holds 1 thread, counting hidden and deleted ones. Moderators can move them to another category first.",
    );
    await gotoReady(page, "/admin/forum");
    await page.getByRole("button", { name: `Delete ${empty.name}` }).click();
    await expect(page.getByRole("button", { name: `Delete ${empty.name}` })).toHaveCount(0);
    await expect(page.getByRole("button", { name: `Delete ${kept.name}` })).toBeVisible();
    expect((await page.request.get(empty.path)).status(), "the deleted category's page").toBe(404);
  });
});

test("a script in a post or a title stays inert", async ({ page, people }, testInfo) => {
  const admin = await signedInAdmin(page, testInfo);
  const category = await createCategory(page, `Security ${admin.username}`, "Trying to break things");
  // The first line is the classic attempt (a line that starts with <script>
  // is raw HTML to Markdown); the second tries the same link as Markdown.
  const payload =
    '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">[x](javascript:window.__xss=1)' +
    "\n\n[click me](javascript:window.__xss=1) and **still here**";
  const title = `<img src=x onerror="window.__xss=1"> Escaped ${admin.username}`;

  const threadPath = await startThread(page, category, title, payload);

  for (const reader of [page, await people.open()]) {
    await gotoReady(reader, threadPath);
    await expect(reader.getByRole("heading", { level: 1 })).toHaveText(title);
    const prose = reader.locator("li.post .prose");
    await expect(prose).toHaveCount(1);
    await expect(prose.locator("strong")).toHaveText("still here");
    await expect(prose.getByText("click me")).toBeVisible();
    await expect(reader.locator("main script, main img, main [onerror]")).toHaveCount(0);
    await expect(prose.locator("[href^='javascript' i], [src], [style]")).toHaveCount(0);
    expect(await prose.innerHTML()).not.toMatch(/<script|<img|<[^>]*onerror=|href="\s*javascript/i);
    if (isJavaScriptEnabled(reader)) {
      expect(await reader.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    }
  }
});

test("search finds a thread by a word of its body, marked, and never a hidden post", async ({
  page,
}, testInfo) => {
  const admin = await signedInAdmin(page, testInfo);
  const category = await createCategory(page, `Search ${admin.username}`, "Things to find");
  const word = `quokka${admin.username}`;
  const title = `Calibration trouble ${admin.username}`;
  const threadPath = await startThread(
    page,
    category,
    title,
    `The ${word} calibration fails after the second restart.`,
  );

  await gotoReady(page, "/forum");
  await page.getByRole("searchbox", { name: "Search the forum" }).fill(word);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(`/forum/search?q=${word}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Search the forum");
  await expect(page.getByRole("status")).toHaveText("1 post matches.");
  const hit = page.locator(".search-hit");
  await expect(hit).toHaveCount(1);
  await expect(hit.locator("mark")).toHaveText(word);
  await expect(hit.locator(".snippet")).toContainText("calibration fails");
  await hit.getByRole("link", { name: title }).click();
  await expect(page).toHaveURL(new RegExp(`${threadPath}#post-\\d+$`));

  // A moderator hides the post from the thread page; search no longer finds it.
  const opening = post(page, word);
  await opening.locator("details.moderate > summary").click();
  await opening.getByLabel("Reason to hide", { exact: true }).fill("Testing search visibility");
  await opening.getByRole("button", { name: "Hide", exact: true }).click();
  await expect(post(page, word).locator(".post-header .badge")).toHaveText("Hidden by a moderator");
  await expect(page.getByText("Hidden by a moderator: only moderators see this thread.")).toBeVisible();

  await gotoReady(page, `/forum/search?q=${word}`);
  await expect(page.getByRole("status")).toHaveText(`Nothing matches “${word}”.`);
});

test("the mail digest is off until a member turns it on, and its link stops it without a sign-in", async ({
  page: alicePage,
  request,
  people,
}, testInfo) => {
  test.setTimeout(120_000);
  const modPage = await people.open();
  const admin = await signedInAdmin(modPage, testInfo);
  const category = await createCategory(modPage, `Digest ${admin.username}`, "Mail tests");
  const alice = await verifiedMember(alicePage, request, testInfo, "d");

  await gotoReady(alicePage, "/forum/notifications");
  const digest = alicePage.getByRole("region", { name: "Mail digest" });
  await expect(digest.getByRole("status")).toHaveText(/^Off: the forum sends you no mail\./);
  await digest.getByRole("button", { name: "Turn the digest on" }).click();
  await expect(digest.getByRole("status")).toHaveText(/^On: once a day at most/);
  await expect(digest.getByRole("button", { name: "Turn the digest off" })).toBeVisible();
  await expectNoSeriousA11yViolations(alicePage);

  // The administrator mentions Alice; the digest lists it.
  const title = `Release party ${admin.username}`;
  await startThread(modPage, category, title, `@${alice.username} will you bring the cake?`);
  const queued = portal(["send-digests"], { baseURL: testInfo.project.use.baseURL });
  expect(queued).toContain("Queued");
  const mail = await waitForMail(request, alice.email, "Forum digest: 1 new notification");
  expect(mail.text).toContain(`${admin.username} mentioned you in \u201c${title}\u201d`);
  const link = linkFrom(mail, "/mail/unsubscribe");

  // Anyone holding the mail can stop it; opening the link alone does not.
  const reader = await people.open();
  await gotoReady(reader, link);
  await expect(reader.getByRole("heading", { level: 1 })).toHaveText("Unsubscribe");
  await expect(reader.locator("p.lead")).toHaveText("Stop getting the daily forum digest by mail?");
  await expectNoSeriousA11yViolations(reader);
  await gotoReady(alicePage, "/forum/notifications");
  await expect(digest.getByRole("status")).toHaveText(/^On:/);

  await reader.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(reader.locator("p.lead")).toHaveText(
    "You will not get the daily forum digest any more.",
  );
  expect(await reader.context().cookies(), "unsubscribing sets no cookie").toEqual([]);
  await gotoReady(alicePage, "/forum/notifications");
  await expect(digest.getByRole("status")).toHaveText(/^Off:/);
});

test("the forum's and the moderators' pages have no serious accessibility violations", async ({
  page: mod,
  people,
}, testInfo) => {
  test.setTimeout(90_000);
  const admin = await signedInAdmin(mod, testInfo);
  const category = await createCategory(mod, `Accessible ${admin.username}`, "Checked with axe");
  await expectNoSeriousA11yViolations(mod); // /forum/c/…
  await gotoReady(mod, "/admin/forum");
  await expectNoSeriousA11yViolations(mod);
  await gotoReady(mod, "/forum");
  await expectNoSeriousA11yViolations(mod);
  await gotoReady(mod, `/forum/new?category=${category.id}`);
  await expectNoSeriousA11yViolations(mod);

  // Another member starts a thread and gets a reply; the moderator reports one post.
  const authorPage = await people.open();
  const author = addMember(testInfo, "g");
  await signIn(authorPage, author.username, author.password);
  await expectWelcome(authorPage, author);
  const opening = `Is there a keyboard shortcut for this? ${admin.username}`;
  const threadPath = await startThread(authorPage, category, `Shortcuts ${admin.username}`, opening);
  await authorPage.getByLabel("Your post", { exact: true }).fill("Answering **myself**: no.");
  await authorPage.getByRole("button", { name: "Post reply" }).click();
  await expect(authorPage).toHaveURL(new RegExp(`^[^?]*${threadPath}#post-\\d+$`));

  await gotoReady(mod, threadPath);
  const first = post(mod, opening);
  await first.locator("details.report > summary").click();
  await first.getByLabel("Why do you report this post?").selectOption("off_topic");
  await first.getByRole("button", { name: "Send report" }).click();
  await expect(mod).toHaveURL(/\?reported=\d+#post-\d+$/);

  // The thread page as a moderator, with every report and moderation form open.
  await gotoReady(mod, threadPath);
  await expect(mod.locator("details.report")).toHaveCount(2);
  await expect(mod.locator("details.moderate")).toHaveCount(3); // two posts and the thread
  for (const summary of await mod.locator("details > summary").all()) await summary.click();
  await expect(mod.getByRole("button", { name: "Send report" }).first()).toBeVisible();
  await expect(mod.getByLabel("Reason to hide", { exact: true }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(mod);

  await gotoReady(mod, "/moderation");
  const report = mod.locator(".report-card").filter({ hasText: opening });
  await expect(report).toContainText("Off-topic");
  await expectNoSeriousA11yViolations(mod);
  const conclusion = `Fine after all (${admin.username})`;
  await report.getByLabel("Conclusion", { exact: true }).fill(conclusion);
  await report.getByRole("button", { name: "Resolve report" }).click();
  await expect(report).toHaveCount(0);

  await gotoReady(mod, "/moderation/log");
  await expect(mod.getByRole("cell", { name: conclusion, exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(mod);

  await gotoReady(mod, `/forum/search?q=${encodeURIComponent("keyboard shortcut")}`);
  await expect(mod.locator(".search-hit mark").first()).toBeVisible();
  await expectNoSeriousA11yViolations(mod);
});

test.describe("after a material change of the privacy policy", () => {
  test("a member may read but not post until they accept it", async ({ page }, testInfo) => {
    await signedInAdmin(page, testInfo);
    const category = await createCategory(page, `Held ${testInfo.project.name}`, "Consent first.");
    const policy = path.resolve(__dirname, "../../../migrations/src/policy/privacy-v8.md");
    portal(["publish", "--document", "privacy-policy", "--title", "Privacy policy", "--file", policy, "--material"]);

    // Reading still works; posting is refused with what to do.
    await gotoReady(page, category.path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(category.name);
    await gotoReady(page, `/forum/new?category=${category.id}`);
    await page.getByLabel("Title", { exact: true }).fill("Held back");
    await page.getByLabel("Your post", { exact: true }).fill("Posted before accepting.");
    await page.getByRole("button", { name: "Post thread" }).click();
    await expect(page.getByRole("alert")).toContainText("Our privacy policy changed");
    await expect(page.getByRole("link", { name: "Held back" })).toHaveCount(0);

    // Accepting from the notice lets the member post again.
    const notice = page.locator("main p.policy-update");
    await notice.getByRole("link", { name: /^Read and accept version \d+$/ }).click();
    await expect(page).toHaveURL("/account/policy");
    await page.getByRole("button", { name: "I accept this version" }).click();
    await expect(page).toHaveURL("/account?accepted=policy");
    await startThread(page, category, "Posted after accepting", "Now it is posted.");
    await gotoReady(page, category.path);
    await expect(page.getByRole("link", { name: "Held back" })).toHaveCount(0);
  });
});
