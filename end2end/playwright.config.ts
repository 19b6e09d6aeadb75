// Browser tests for Community Portal.
//
// Every test runs twice: `js-on` (the hydrated Leptos app) and `js-off`
// (plain server-rendered HTML and forms). The server under test is the
// already-built release binary, started with a fresh SQLite database per run.
//
//   scripts/build-site.sh              # builds target/release/portal + target/site
//   cd end2end && npm ci && npm test
//
// Environment:
//   PORTAL_BIN     server binary; a relative path is resolved against this
//                  directory (default ../target/release/portal)
//   E2E_SITE_ROOT  its site root, relative to the workspace (default
//                  target/site; scripts/test.sh builds target/site-test)
//   E2E_PORT       port for the server (default 3100)
//   E2E_SMTP_PORT  port of the test mail server's SMTP side (default 2525)
//   E2E_MAIL_HTTP_PORT  port of its HTTP side, where tests read the mail
//                  the portal sent (default 2580); see support/mail-server.mjs
//   E2E_OIDC_PORT  port of the test OpenID Connect provider, the portal's
//                  "Local ID" sign-in (default 3180); see support/oidc-provider.mjs
//   E2E_KEEP_DB    keep the temporary database directory after the run
//   E2E_NO_SERVER  do not start the server (only for `--list` or when pointing
//                  the suite at a server you started yourself on E2E_PORT)
//   E2E_DATABASE_URL  with E2E_NO_SERVER: that server's database, where
//                  tests add members with `portal create-admin` (tests/members.ts)
//   E2E_SECRET_KEY_FILE  with E2E_NO_SERVER: that server's key file, if it
//                  has one (PORTAL_SECRET_KEY_FILE)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2525);
const mailHttpPort = Number(process.env.E2E_MAIL_HTTP_PORT ?? 2580);
// Workers read this to find the mail (tests/mail.ts).
process.env.E2E_MAIL_HTTP_PORT = String(mailHttpPort);
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 3180);
const oidcIssuer = `http://127.0.0.1:${oidcPort}`;
const oidcClientId = "portal";
const oidcClientSecret = "e2e-oidc-secret";
// Workers read this to reach the OpenID Connect provider.
process.env.E2E_OIDC_PORT = String(oidcPort);
const workspaceRoot = path.resolve(__dirname, "..");
const portalBin = path.resolve(
  __dirname,
  process.env.PORTAL_BIN ?? "../target/release/portal",
);

// The config is evaluated by the runner and again by every worker; the
// runner creates the directory and workers inherit it through the environment.
function freshDatabaseDir(): string {
  const existing = process.env.PORTAL_E2E_DB_DIR;
  if (existing) return existing;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-e2e-"));
  process.env.PORTAL_E2E_DB_DIR = dir;
  if (!process.env.E2E_KEEP_DB) {
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return dir;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const startServer = !process.env.E2E_NO_SERVER;
const databaseUrl = startServer
  ? `sqlite://${path.join(freshDatabaseDir(), "e2e.db")}?mode=rwc`
  : process.env.E2E_DATABASE_URL;
// The server key lives beside the fresh database, never in the checkout:
// the server makes it on first start and `portal` commands share it.
const secretKeyFile = startServer
  ? path.join(freshDatabaseDir(), "secret.key")
  : process.env.E2E_SECRET_KEY_FILE;
// The test mail server speaks STARTTLS with a certificate from a throwaway
// authority made here (by the runner; workers find the files), which the
// portal is told to trust with PORTAL_SMTP_CA_FILE, as for a relay with a
// private CA.
const smtpUser = "portal";
const smtpPassword = "e2e-smtp-secret";
function testTls(dir: string): { ca: string; key: string; cert: string } {
  const file = (name: string) => path.join(dir, name);
  const files = { ca: file("smtp-ca.pem"), key: file("smtp-key.pem"), cert: file("smtp-cert.pem") };
  if (fs.existsSync(files.cert)) return files;
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl("req", "-x509", ...ecKey, "-keyout", file("smtp-ca-key.pem"), "-out", files.ca,
    "-days", "7", "-subj", "/CN=Portal end-to-end test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
  openssl("req", "-new", ...ecKey, "-keyout", files.key, "-out", file("smtp.csr"), "-subj", "/CN=127.0.0.1");
  fs.writeFileSync(file("smtp.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", file("smtp.csr"), "-CA", files.ca, "-CAkey", file("smtp-ca-key.pem"),
    "-CAcreateserial", "-days", "7", "-extfile", file("smtp.ext"), "-out", files.cert);
  return files;
}
const smtpTls = startServer ? testTls(freshDatabaseDir()) : undefined;
// The portal's whole log, beside the database (support/portal-logged.mjs).
const portalLog = startServer ? path.join(freshDatabaseDir(), "portal.log") : undefined;

// Workers read these to add members with `portal create-admin` (tests/members.ts).
process.env.E2E_PORTAL_BIN = portalBin;
if (databaseUrl) process.env.E2E_DATABASE_URL = databaseUrl;
if (secretKeyFile) process.env.E2E_SECRET_KEY_FILE = secretKeyFile;

export default defineConfig({
  testDir: "./tests",
  // After the last test: no address or user agent stayed in the database.
  globalTeardown: "./support/no-trace-left.ts",
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  workers: 1, // 2-core machine: the server and Chromium already share them
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 5_000 },

  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium", // Debian package; never `playwright install`
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },

  projects: [
    { name: "js-on", use: { browserName: "chromium", javaScriptEnabled: true } },
    { name: "js-off", use: { browserName: "chromium", javaScriptEnabled: false } },
  ],

  // The mail server and the OpenID Connect provider first: the portal
  // delivers the mail it queues to the one and signs people in with the other.
  webServer: startServer
    ? [
        {
          name: "mail",
          command: "exec node support/mail-server.mjs",
          cwd: __dirname,
          env: {
            E2E_SMTP_PORT: String(smtpPort),
            E2E_MAIL_HTTP_PORT: String(mailHttpPort),
            E2E_SMTP_USER: smtpUser,
            E2E_SMTP_PASSWORD: smtpPassword,
            E2E_SMTP_KEY: smtpTls!.key,
            E2E_SMTP_CERT: smtpTls!.cert,
          },
          url: `http://127.0.0.1:${mailHttpPort}/health`,
          timeout: 15_000,
          reuseExistingServer: false,
          stdout: "pipe",
          stderr: "pipe",
          gracefulShutdown: { signal: "SIGTERM", timeout: 3_000 },
        },
        {
          name: "oidc",
          command: "exec node support/oidc-provider.mjs",
          cwd: __dirname,
          env: {
            E2E_OIDC_PORT: String(oidcPort),
            E2E_OIDC_REDIRECT_URI: `${baseURL}/auth/local/callback`,
            E2E_OIDC_CLIENT_ID: oidcClientId,
            E2E_OIDC_CLIENT_SECRET: oidcClientSecret,
          },
          url: `${oidcIssuer}/health`,
          timeout: 15_000,
          reuseExistingServer: false,
          stdout: "pipe",
          stderr: "pipe",
          gracefulShutdown: { signal: "SIGTERM", timeout: 3_000 },
        },
        {
          name: "portal",
          command:
            `[ -x ${shellQuote(portalBin)} ] || { echo >&2 "portal binary not found at ${portalBin}: ` +
            `run scripts/build-site.sh first, or set PORTAL_BIN"; exit 127; }; ` +
            `exec node ${shellQuote(path.join(__dirname, "support/portal-logged.mjs"))} ${shellQuote(portalLog!)} ${shellQuote(portalBin)} serve`,
          cwd: workspaceRoot,
          env: {
            PORTAL_LISTEN: `127.0.0.1:${port}`,
            PORTAL_BASE_URL: baseURL,
            PORTAL_SMTP_URL: `smtp://${smtpUser}:${smtpPassword}@127.0.0.1:${smtpPort}?tls=required`,
            PORTAL_SMTP_CA_FILE: smtpTls!.ca,
            PORTAL_MAIL_UNSUBSCRIBE_ADDRESS: "unsubscribe@localhost",
            // Every test comes from 127.0.0.1: lift the per-address limits
            // on registering and signing in (the integration tests check them).
            PORTAL_REGISTRATIONS_PER_IP_PER_HOUR: "1000",
            PORTAL_SIGN_INS_PER_IP_PER_10_MINUTES: "1000",
            PORTAL_FORUM_POSTS_PER_IP_PER_10_MINUTES: "1000",
            PORTAL_INSIGHTS_VIEWS_PER_MINUTE: "10000",
            PORTAL_OIDC_LOCAL_ISSUER: oidcIssuer,
            PORTAL_OIDC_LOCAL_CLIENT_ID: oidcClientId,
            PORTAL_OIDC_LOCAL_CLIENT_SECRET: oidcClientSecret,
            PORTAL_OIDC_LOCAL_NAME: "Local ID",
            DATABASE_URL: databaseUrl!,
            PORTAL_SECRET_KEY_FILE: secretKeyFile!,
            LEPTOS_SITE_ROOT: process.env.E2E_SITE_ROOT ?? "target/site",
            // Every request is logged, and the teardown reads the log.
            RUST_LOG: "info",
            PORTAL_LOG_FORMAT: "json",
          },
          url: `${baseURL}/readyz`,
          timeout: 120_000,
          reuseExistingServer: false,
          stdout: "pipe",
          stderr: "pipe",
          gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
        },
      ]
    : undefined,
});
