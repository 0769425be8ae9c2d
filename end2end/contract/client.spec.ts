import { expect, test } from "@playwright/test";
import createClient from "openapi-fetch";
import { uniqueEmail } from "../tests/support";
import type { paths } from "./portico-api";
import { managerWithToken } from "./seed";

// A client generated from the committed OpenAPI document (`make test` runs
// openapi-typescript, then tsc): if the document stops describing what this
// test sends and reads, the build fails before the test runs.
test("a client generated from the document invites and lists invitations", async ({ browser, baseURL }) => {
  const { token, tenantId } = await managerWithToken(browser, "Typed Ltd");
  const api = createClient<paths>({ baseUrl: baseURL, headers: { Authorization: `Bearer ${token}` } });

  const email = uniqueEmail("typed");
  const created = await api.POST("/api/v1/registration/invite", {
    body: { email, roles: ["extractor-viewer"], url: `${baseURL}/invite`, tenantId },
  });
  expect(created.response.status).toBe(200);
  expect(created.data?.email).toBe(email);
  expect(created.data?.status).toBe("pending");

  const listed = await api.GET("/api/v1/invites", { params: { query: { status: "pending", tenantId } } });
  expect(listed.response.status).toBe(200);
  expect(listed.data?.items.map((invite) => invite.email)).toContain(email);
  expect(listed.data?.total).toBeGreaterThanOrEqual(1);

  // A page of one, found by the address's beginning (the envelope is typed).
  const found = await api.GET("/api/v1/invites", {
    params: { query: { email: email.slice(0, 8), perPage: 1, page: 1, tenantId } },
  });
  expect(found.data?.items.map((invite) => invite.email)).toEqual([email]);
  expect(found.data?.perPage).toBe(1);

  const me = await api.GET("/api/v1/me");
  expect(me.data?.memberships.map((m) => m.tenantId)).toContain(tenantId);

  // Errors are typed as well: the field-by-field body.
  const refused = await api.POST("/api/v1/registration/invite", {
    body: { email: "not-an-email", roles: ["extractor-viewer"], url: `${baseURL}/invite`, tenantId },
  });
  expect(refused.response.status).toBe(400);
  expect(refused.error?.fields.email).toBeTruthy();
});
