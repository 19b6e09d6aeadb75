// Runs the portal for the browser run with its whole log (every request,
// at the info level, as JSON lines) kept in a file, so that the teardown
// can check that no address or user agent ever reached the log either.
// Warnings, errors and anything that is not a log line (a panic) still go
// to the terminal. A SIGTERM is passed on, so the portal shuts down as it
// would under a service manager.
//
//   node portal-logged.mjs LOGFILE PORTAL_BIN [ARGS...]
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";

const [logFile, bin, ...args] = process.argv.slice(2);
const log = fs.createWriteStream(logFile, { flags: "a" });
const portal = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });

function keep(stream, out) {
  readline.createInterface({ input: stream }).on("line", (line) => {
    log.write(line + "\n");
    let level = null;
    try {
      level = JSON.parse(line).level;
    } catch {
      // not a log line
    }
    if (level !== "INFO" && level !== "DEBUG" && level !== "TRACE") out.write(line + "\n");
  });
}
keep(portal.stdout, process.stdout);
keep(portal.stderr, process.stderr);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => portal.kill(signal));
}
portal.on("exit", (code, signal) => {
  log.end(() => process.exit(code ?? (signal ? 1 : 0)));
});
