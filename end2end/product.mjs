// A small product that signs people in with Portico, as a customer's
// product would: openid-client 6 (a certified OpenID relying-party
// library) does discovery, the code flow with PKCE, state and nonce, the
// ID token's checks (signature against the JWKS, issuer, audience, `iss`
// in the response) and RP-initiated logout. It registers itself with
// Portico's operator API on first use.
//
//   node product.mjs <port> <portico base URL>   (PORTICO_E2E_ADMIN_TOKEN)
import * as http from "node:http";
import { randomBytes } from "node:crypto";
import * as client from "openid-client";

const port = Number(process.argv[2]);
const issuer = process.argv[3];
const origin = `http://127.0.0.1:${port}`;
const redirectUri = `${origin}/callback`;
const signedOutUri = `${origin}/signed-out`;

/** sid -> { pending?: {verifier, state, nonce}, person?: {claims, idToken} } */
const sessions = new Map();
let config;

async function configuration() {
  if (config) return config;
  const res = await fetch(`${issuer}/api/v1/admin/oidc-clients`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${process.env.PORTICO_E2E_ADMIN_TOKEN}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      name: "Product",
      redirectUris: [redirectUri],
      postLogoutRedirectUris: [signedOutUri],
    }),
  });
  if (res.status !== 201) throw new Error(`registering the client: ${res.status} ${await res.text()}`);
  const registered = await res.json();
  config = await client.discovery(new URL(issuer), registered.clientId, registered.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  return config;
}

const escape = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function page(res, title, body) {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><main>${body}</main></body></html>`);
}

function redirect(res, location, cookie) {
  const headers = { location };
  if (cookie) headers["set-cookie"] = cookie;
  res.writeHead(303, headers);
  res.end();
}

function sessionOf(req) {
  const sid = /(?:^|;\s*)product_sid=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
  if (sid && sessions.has(sid)) return [sid, sessions.get(sid)];
  const fresh = randomBytes(16).toString("hex");
  sessions.set(fresh, {});
  return [fresh, sessions.get(fresh)];
}

async function handle(req, res) {
  const url = new URL(req.url, origin);
  const [sid, session] = sessionOf(req);
  const cookie = `product_sid=${sid}; HttpOnly; SameSite=Lax; Path=/`;
  switch (url.pathname) {
    case "/healthz":
      res.end("ok");
      return;
    case "/": {
      // Someone arriving (after accepting an invitation) is signed in.
      if (!session.person) return redirect(res, "/login", cookie);
      const c = session.person.claims;
      return page(
        res,
        "Product",
        `<h1>Welcome to the product</h1>
         <p data-testid="email">Signed in as ${escape(c.email)}</p>
         <p data-testid="tenant">tenant_id: ${escape(c.tenant_id)} (${escape(c.tenant_name)})</p>
         <p data-testid="roles">roles: ${escape(c.roles.join(", "))}</p>
         <p><a href="/logout">Sign out</a></p>`,
      );
    }
    case "/login": {
      const cfg = await configuration();
      const verifier = client.randomPKCECodeVerifier();
      const pending = { verifier, state: client.randomState(), nonce: client.randomNonce() };
      session.pending = pending;
      const target = client.buildAuthorizationUrl(cfg, {
        redirect_uri: redirectUri,
        scope: "openid email profile",
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state: pending.state,
        nonce: pending.nonce,
      });
      return redirect(res, target.href, cookie);
    }
    case "/callback": {
      const cfg = await configuration();
      const pending = session.pending;
      if (!pending) return page(res, "Error", "<p>No sign-in in progress.</p>");
      delete session.pending;
      const tokens = await client.authorizationCodeGrant(cfg, url, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      session.person = { claims: tokens.claims(), idToken: tokens.id_token };
      return redirect(res, "/", cookie);
    }
    case "/logout": {
      const cfg = await configuration();
      const idToken = session.person?.idToken;
      delete session.person;
      if (!idToken) return redirect(res, "/signed-out", cookie);
      const target = client.buildEndSessionUrl(cfg, {
        id_token_hint: idToken,
        post_logout_redirect_uri: signedOutUri,
      });
      return redirect(res, target.href, cookie);
    }
    case "/signed-out":
      return page(res, "Signed out", "<h1>You are signed out of the product</h1>");
    default:
      res.writeHead(404);
      res.end("not found");
  }
}

http
  .createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error(e);
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`product error: ${e.message}`);
    });
  })
  .listen(port, "127.0.0.1");
