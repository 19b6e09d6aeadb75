// A real SMTP server for the browser tests, with an HTTP window onto what it
// received. Playwright starts it (see `webServer` in playwright.config.ts)
// before the portal, whose mail worker delivers to it. Like a production
// relay it takes mail only after STARTTLS and AUTH, so the portal's TLS and
// credentials are exercised by every test that sends mail.
//
//   SMTP  127.0.0.1:$E2E_SMTP_PORT       (default 2525)
//         STARTTLS with $E2E_SMTP_KEY / $E2E_SMTP_CERT (PEM files), then
//         AUTH PLAIN or LOGIN as $E2E_SMTP_USER / $E2E_SMTP_PASSWORD
//   HTTP  127.0.0.1:$E2E_MAIL_HTTP_PORT  (default 2580)
//         GET /health              → 200 "ok"
//         GET /messages?to=ADDRESS → JSON [{to, subject, text, html, headers,
//                                    tls, user}], newest last
//         GET /messages            → every message
//
// `headers` maps each lower-case header name to its unfolded value (the
// last one, for a repeated header); `tls` and `user` tell how the message
// was submitted. Messages are kept in memory only, for the life of the process.
import fs from "node:fs";
import http from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

const HOST = "127.0.0.1";
const smtpPort = port("E2E_SMTP_PORT", 2525);
const httpPort = port("E2E_MAIL_HTTP_PORT", 2580);
/** Upper bound on kept messages, so a runaway sender cannot eat the memory. */
const MAX_MESSAGES = 10_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    console.error(`mail-server: ${name}=${JSON.stringify(raw)} is not a port number`);
    process.exit(2);
  }
  return value;
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`mail-server: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const credentials = { user: required("E2E_SMTP_USER"), password: required("E2E_SMTP_PASSWORD") };
const tls = { key: fs.readFileSync(required("E2E_SMTP_KEY")), cert: fs.readFileSync(required("E2E_SMTP_CERT")) };

/**
 * @type {{to: string[], subject: string, text: string, html: string,
 *   headers: Record<string, string>, tls: boolean, user: string}[]}
 */
const messages = [];

const normalize = (address) => address.trim().toLowerCase();

const smtp = new SMTPServer({
  // No mail without AUTH, and no AUTH before STARTTLS.
  authOptional: false,
  allowInsecureAuth: false,
  authMethods: ["PLAIN", "LOGIN"],
  secure: false,
  ...tls,
  size: MAX_MESSAGE_BYTES,
  logger: false,
  banner: "portal end-to-end test mail server",
  onAuth(auth, session, callback) {
    if (!session.secure) return callback(new Error("STARTTLS first"));
    if (auth.username === credentials.user && auth.password === credentials.password) {
      return callback(null, { user: auth.username });
    }
    callback(new Error("invalid username or password"));
  },
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((parsed) => {
        // The envelope is where the message really went; the To header is
        // what it claims. Keep both, so a lookup by either address works.
        const recipients = new Set(session.envelope.rcptTo.map((r) => normalize(r.address)));
        for (const group of [parsed.to ?? []].flat()) {
          for (const { address } of group.value ?? []) {
            if (address) recipients.add(normalize(address));
          }
        }
        messages.push({
          to: [...recipients],
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          html: typeof parsed.html === "string" ? parsed.html : "",
          headers: Object.fromEntries(
            parsed.headerLines.map(({ key, line }) => [
              key,
              line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ").trim(),
            ]),
          ),
          tls: session.secure,
          user: String(session.user ?? ""),
        });
        if (messages.length > MAX_MESSAGES) messages.shift();
        callback();
      })
      .catch((error) => {
        console.error(`mail-server: could not parse a message: ${error.message}`);
        callback(new Error("could not parse the message"));
      });
  },
});
smtp.on("error", (error) => console.error(`mail-server (SMTP): ${error.message}`));

const web = http.createServer((request, response) => {
  const url = new URL(request.url ?? "/", `http://${HOST}`);
  const send = (status, body, type = "application/json") => {
    // One request per connection: a reused keep-alive socket that the
    // server is closing at that moment can answer 408 instead of the list.
    response.writeHead(status, {
      "content-type": type,
      "cache-control": "no-store",
      connection: "close",
    });
    response.end(body);
  };
  if (request.method !== "GET") return send(405, '{"error":"GET only"}');
  if (url.pathname === "/health") return send(200, "ok\n", "text/plain");
  if (url.pathname === "/messages") {
    const to = url.searchParams.get("to");
    const wanted = to === null ? messages : messages.filter((m) => m.to.includes(normalize(to)));
    return send(
      200,
      JSON.stringify(wanted.map((message) => ({ ...message, to: message.to.join(", ") }))),
    );
  }
  send(404, '{"error":"not found"}');
});

function listen(server, port, what) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error) => {
    console.error(`mail-server: cannot listen for ${what} on ${HOST}:${port}: ${error.message}`);
    process.exit(1);
  });
}

await listen(smtp, smtpPort, "SMTP");
await listen(web, httpPort, "HTTP");
console.log(`mail-server: SMTP on ${HOST}:${smtpPort}, HTTP on http://${HOST}:${httpPort}`);

function shutdown() {
  web.close();
  smtp.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
