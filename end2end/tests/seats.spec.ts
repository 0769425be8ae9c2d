import { expect, test, type APIRequestContext } from "@playwright/test";
import { PASSWORD, confirmedManager, mailedLink, ready, sendInvite, uniqueEmail } from "./support";

/** A verified account that joins by its pending invitation, all over REST. */
async function joinByInvitation(request: APIRequestContext, email: string) {
  const token = (await (await request.post("/api/v1/auth/token", { data: { email, password: PASSWORD } })).json())
    .accessToken;
  const joined = await request.post("/api/v1/registration", { headers: { Authorization: `Bearer ${token}` }, data: {} });
  expect(joined.status(), await joined.text()).toBe(200);
}

test("the operator sets a seat limit; the manager sees the seats, and a full tenant's invite form says why it is blocked", async ({
  page,
  request,
  javaScriptEnabled: js,
}) => {
  const tenantPath = await confirmedManager(page, js, `Seats Co ${Date.now()} ${js}`);
  const tenantId = tenantPath.split("/").pop();

  // A second member: an account of its own, verified, invited, joined.
  const member = uniqueEmail(js ? "seat-js" : "seat-nojs");
  const signup = await request.post("/api/v1/auth/signup", {
    data: { email: member, password: PASSWORD, firstName: "Sam", lastName: "Seat" },
  });
  expect(signup.status()).toBe(201);
  const verify = await mailedLink(member, "Confirm your email address", "/verify-email?token=");
  // Confirmed from another context than the sign-up: a new password is chosen (SPEC §2).
  const confirmed = await request.post("/rpc/verify_email", {
    form: { token: new URL(verify).searchParams.get("token")!, password: PASSWORD },
  });
  expect(confirmed.status()).toBe(200);
  await sendInvite(page, js, tenantPath, member);
  await joinByInvitation(request, member);
  // And one pending invitation.
  await sendInvite(page, js, tenantPath, uniqueEmail("pending"));

  // The operator: 3 seats.
  const set = await request.patch(`/api/v1/admin/tenants/${tenantId}`, {
    headers: { Authorization: `Bearer ${process.env.PORTICO_E2E_ADMIN_TOKEN}` },
    data: { seatLimit: 3 },
  });
  expect(set.status(), await set.text()).toBe(200);

  await page.goto(tenantPath);
  await ready(page, js);
  await expect(page.getByTestId("seats")).toHaveText("2 of 3 seats used, 1 reserved.");

  // Full: the invite forms cannot be sent, and the page says why.
  await page.goto(`${tenantPath}/invites`);
  await ready(page, js);
  await expect(page.getByTestId("seats-full")).toContainText("No seat left: all 3 seats are used or reserved");
  const form = page.getByRole("region", { name: "Invite someone" });
  await expect(form.getByRole("button", { name: "Send invitation" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Send invitations" })).toBeDisabled();
});
