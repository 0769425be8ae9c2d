// A company's identity provider for the SSO specs: oidc-provider (a
// certified OpenID Connect provider, from npm) with its development
// sign-in pages: any login and password sign in, and the login becomes
// the person's address (`login@domain` as typed, email_verified true).
//
//   node idp.mjs <port> <portico base URL>
// The client Portico registers at it: PORTICO_E2E_IDP_CLIENT_ID/_SECRET.
import Provider from "oidc-provider";

const port = Number(process.argv[2]);
const portico = process.argv[3];
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.PORTICO_E2E_IDP_CLIENT_ID,
      client_secret: process.env.PORTICO_E2E_IDP_CLIENT_SECRET,
      redirect_uris: [`${portico}/sso/callback`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: id,
          email_verified: true,
          given_name: "Idp",
          family_name: id.split("@")[0],
        };
      },
    };
  },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["given_name", "family_name"],
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["portico-e2e-idp-cookies"] },
});
provider.listen(port, "127.0.0.1", () => {
  console.log(`identity provider on ${port} for ${portico}`);
});
