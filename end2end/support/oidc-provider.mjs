// A real OpenID Connect provider for the browser tests (the `oidc-provider`
// package). Playwright starts it (see `webServer` in playwright.config.ts)
// before the portal, which discovers it from its issuer URL.
//
//   HTTP  127.0.0.1:$E2E_OIDC_PORT  (default 3180); issuer http://127.0.0.1:$E2E_OIDC_PORT
//         GET /health                             → 200 "ok"
//         GET /.well-known/openid-configuration   → discovery document
//
// One confidential client, authorization code flow with PKCE (S256):
//   E2E_OIDC_CLIENT_ID      (default "portal")
//   E2E_OIDC_CLIENT_SECRET  (default "e2e-oidc-secret"), sent with HTTP Basic
//   E2E_OIDC_REDIRECT_URI   (default http://127.0.0.1:3100/auth/local/callback)
//
// Sign-in is the package's plain-HTML development login form: any login and
// any password are accepted, and the login becomes the account: sub = login,
// email = login@example.test (verified), preferred_username = name = login.
// Consent is never asked: the client is granted openid, email and profile.
//
// Keys, cookies, sessions and grants live in memory, for the life of the process.
// The package's notices about development-only defaults (in-memory storage,
// the development login form, the Node.js version) are hidden unless
// E2E_OIDC_VERBOSE is set.
import crypto from "node:crypto";
import http from "node:http";

if (!process.env.E2E_OIDC_VERBOSE) {
  for (const level of ["info", "warn"]) {
    const original = console[level];
    console[level] = (...args) => {
      if (typeof args[0] === "string" && /^(\x1b\[[\d;]*m)?oidc-provider (NOTICE|WARNING): /.test(args[0])) return;
      original(...args);
    };
  }
}
// Imported after the filter above: the package warns as it loads.
const { default: Provider } = await import("oidc-provider");

const HOST = "127.0.0.1";
const oidcPort = port("E2E_OIDC_PORT", 3180);
const issuer = `http://${HOST}:${oidcPort}`;
const clientId = setting("E2E_OIDC_CLIENT_ID", "portal");
const clientSecret = setting("E2E_OIDC_CLIENT_SECRET", "e2e-oidc-secret");
const redirectUri = setting("E2E_OIDC_REDIRECT_URI", "http://127.0.0.1:3100/auth/local/callback");
const SCOPES = ["openid", "email", "profile"];

function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    console.error(`oidc-provider: ${name}=${JSON.stringify(raw)} is not a port number`);
    process.exit(2);
  }
  return value;
}

function setting(name, fallback) {
  const raw = process.env[name];
  return raw === undefined || raw === "" ? fallback : raw;
}

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  return { ...jwk, kid: crypto.randomUUID(), alg: "RS256", use: "sig" };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "RS256",
    },
  ],
  jwks: { keys: [signingKey()] },
  cookies: { keys: [crypto.randomBytes(32).toString("base64url")] },
  pkce: { required: () => true },
  scopes: SCOPES,
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["preferred_username", "name"],
  },
  // Put the scope's claims in the ID token too, not only behind userinfo.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
  },
  // Every login is an account of the same name.
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@example.test`,
          email_verified: true,
          preferred_username: id,
          name: id,
        };
      },
    };
  },
  // No consent page: the one client already holds every scope.
  async loadExistingGrant(ctx) {
    const { client, session, provider } = ctx.oidc;
    const grantId = session.grantIdFor(client.clientId);
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;
    if (existing?.accountId === session.accountId) return existing;
    const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(SCOPES.join(" "));
    await grant.save();
    return grant;
  },
  ttl: {
    AccessToken: 60 * 60,
    AuthorizationCode: 60,
    IdToken: 60 * 60,
    Interaction: 60 * 60,
    Session: 24 * 60 * 60,
    Grant: 24 * 60 * 60,
  },
});
provider.proxy = false;

for (const event of ["server_error", "authorization.error", "grant.error", "userinfo.error", "end_session.error"]) {
  provider.on(event, (_ctx, error) => {
    const detail = error.error_description ? `${error.message}: ${error.error_description}` : error.message;
    console.error(`oidc-provider (${event}): ${detail}`);
  });
}

// The login page's stylesheet imports a web font from the internet: drop the
// import, so the browser stays offline and logs no blocked request.
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === "string" && ctx.type === "text/html") {
    ctx.body = ctx.body.replace(/@import url\([^)]*\);?/g, "");
  }
});

const handle = provider.callback();
const server = http.createServer((request, response) => {
  response.setHeader("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
  if (request.method === "GET" && request.url === "/health") {
    response.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
    response.end("ok\n");
    return;
  }
  handle(request, response);
});

await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(oidcPort, HOST, () => {
    server.off("error", reject);
    resolve();
  });
}).catch((error) => {
  console.error(`oidc-provider: cannot listen on ${HOST}:${oidcPort}: ${error.message}`);
  process.exit(1);
});
console.log(`oidc-provider: issuer ${issuer}, client ${clientId} → ${redirectUri}`);

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
