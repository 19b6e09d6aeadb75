// After the whole browser run: nothing any test's browser sent about
// itself stayed in the database or the portal's log — no network address (the tests come
// from 127.0.0.1, and ::1 where it is used) and no user agent, which every
// Chromium request carried. Promises P1 and P2: pages, sign-ins,
// posts and mail of the whole run are all in this one database.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SCAN = String.raw`
import re, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
# The full-text index keeps binary blocks: read them leniently too.
db.text_factory = lambda raw: raw.decode("utf-8", "replace")
# The site's own address (http://127.0.0.1:PORT) is in links the portal
# writes; an address standing alone is what must never be kept.
address = re.compile(r"(?<![\w/.:])(127\.0\.0\.1|::1)(?![\w.:])")
agent = re.compile(r"Mozilla/5\.0 \(|HeadlessChrome/|Chrome/\d+\.\d")
found = []
tables = [row[0] for row in db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
for table in tables:
    columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
    for column in columns:
        for (value,) in db.execute(f'SELECT CAST("{column}" AS TEXT) FROM "{table}"'):
            if value and (address.search(value) or agent.search(value)):
                found.append(f"{table}.{column}: {value[:120]!r}")
                break
print("\n".join(found))
`;

export default function noTraceLeft(): void {
  const dir = process.env.PORTAL_E2E_DB_DIR;
  if (process.env.E2E_NO_SERVER || !dir) return;
  const database = path.join(dir, "e2e.db");
  if (!fs.existsSync(database)) return;
  const found = execFileSync("python3", ["-c", SCAN, database], { encoding: "utf8" }).trim();
  if (found !== "") {
    throw new Error(`the database keeps what a browser sent about itself:\n${found}`);
  }
  const logged = scanLog(path.join(dir, "portal.log"));
  console.log(
    `no-trace-left: no address or user agent in the database, nor in ${logged} log lines, after the run`,
  );
}

// The portal's whole log (support/portal-logged.mjs): every request at the
// info level. The portal's own addresses stand in it where it says where it
// listens and in its links (and those of the mail and sign-in servers); a
// client's address, with or without a port, must never.
function scanLog(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const address = /(?<![\w.:])(127\.0\.0\.1|::1)(?![\w.])/;
  const agent = /Mozilla\/5\.0 \(|HeadlessChrome\/|Chrome\/\d+\.\d/;
  const found = lines.filter((line) => {
    if (line.includes("Community Portal is listening")) return false;
    const withoutLinks = line.replace(/[a-z]+:\/\/(\[::1\]|127\.0\.0\.1)(:\d+)?/g, "");
    return address.test(withoutLinks) || agent.test(line);
  });
  if (found.length > 0) {
    throw new Error(
      `the log keeps what a browser sent about itself:\n${found.slice(0, 5).map((l) => l.slice(0, 300)).join("\n")}`,
    );
  }
  return lines.length;
}
