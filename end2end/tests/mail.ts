// Reading the mail the portal sent, from the test mail server
// (support/mail-server.mjs, started by playwright.config.ts).
import { expect, type APIRequestContext } from "@playwright/test";

export type Mail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Lower-case header name → unfolded value. */
  headers: Record<string, string>;
  /** Whether the portal submitted it after STARTTLS, and as which user. */
  tls: boolean;
  user: string;
};

const mailHttpPort = Number(process.env.E2E_MAIL_HTTP_PORT ?? 2580);
const MAIL_API = `http://127.0.0.1:${mailHttpPort}`;

/** Every message the mail server received for `to`, oldest first. */
export async function mailsTo(request: APIRequestContext, to: string): Promise<Mail[]> {
  const response = await request.get(`${MAIL_API}/messages`, { params: { to } });
  expect(
    response.ok(),
    `the test mail server answered ${response.status()}: ${await response.text()}`,
  ).toBe(true);
  return (await response.json()) as Mail[];
}

/**
 * Waits until a mail with exactly `subject` has arrived for `to` and returns
 * the newest such mail. The portal's mail worker polls its outbox every two
 * seconds, so this allows a generous 20 s.
 */
export async function waitForMail(
  request: APIRequestContext,
  to: string,
  subject: string,
  { timeout = 20_000 }: { timeout?: number } = {},
): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        found = (await mailsTo(request, to)).filter((m) => m.subject === subject).at(-1);
        return found !== undefined;
      },
      {
        message: `a mail to ${to} with the subject "${subject}" within ${timeout / 1000} s`,
        timeout,
        intervals: [250, 500, 1_000],
      },
    )
    .toBe(true);
  return found!;
}

/**
 * The first link to `path` with a token (`http://…/account/verify?token=…` by
 * default, the confirmation link) in the mail's text.
 */
export function linkFrom(mail: Mail, path = "/account/verify"): string {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = mail.text.match(new RegExp(`https?://[^\\s<>"]+${escaped}\\?token=[^\\s<>"]+`));
  expect(match, `a ${path}?token=… link in the mail:\n${mail.text}`).not.toBeNull();
  return match![0];
}
