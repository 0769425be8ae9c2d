# Portico's messages in English (SPEC §12). The German and Spanish files
# have exactly these ids (a test checks); plurals use Fluent selectors.

## Times and counts


## Roles

role-viewer = Viewer
role-member = Member
role-manager = Manager
role-organisation-viewer = Organisation viewer
role-organisation-member = Organisation member
role-organisation-manager = Organisation manager
role-viewer-can = can see the tenant's members, projects and invitations
role-member-can = can see the tenant and work in projects
role-manager-can = can invite people, change roles and run the tenant
role-organisation-viewer-can = can see the organisation and its people
role-organisation-member-can = can see the organisation and work in its projects
role-organisation-manager-can = can invite people to the organisation and manage them
role-in-organisation = { $role } in { $organisation }

## Mails

mail-hello = Hello,
mail-hello-name = Hello { $name },
mail-sent-by = Sent by Portico.
mail-paste-address = Or paste this address into your browser:
mail-verify-subject = Confirm your email address for Portico
mail-verify-body = Please confirm that this is your email address. The link works for 48 hours.
mail-verify-join = Once you confirm, you join { $tenant } on Portico.
mail-verify-action = Confirm email address
mail-reset-subject = Reset your Portico password
mail-reset-body = Someone asked to reset the password of your Portico account. If it was you, choose a new password with the link below; it works for one hour.
mail-reset-not-you = If it was not you, ignore this mail: your password stays as it is.
mail-reset-action = Choose a new password
mail-ownership-subject = Become the owner of { $tenant }
mail-ownership-body = { $owner } would like you to become the owner of { $tenant } on Portico. As its owner you stay a manager whom nobody else can remove or demote, and you decide who owns it next.
mail-ownership-how = Accept or decline with the link below, signed in as yourself; it works for 7 days. Until you accept, nothing changes.
mail-ownership-action = Answer the transfer
mail-requests-subject = People ask to join { $tenant }
mail-requests-body = { $count ->
    [one] One person asks to join { $tenant } and waits for a manager's answer.
   *[other] { $count } people ask to join { $tenant } and wait for a manager's answer.
}
mail-requests-how = Approve them (with the roles you choose) or deny them on the requests page. Requests nobody answers expire after 30 days.
mail-requests-action = Open the requests
mail-approved-subject = You have joined { $tenant }
mail-approved-body = A manager of { $tenant } approved your request: you are now a member, as { $roles }.
mail-approved-action = Open { $tenant }
mail-denied-subject = Your request to join { $tenant } was declined
mail-denied-body = A manager of { $tenant } declined your request to join.
mail-denied-how = If you think this is a mistake, ask someone in the tenant to invite you.
mail-denied-action = Go to your account
mail-webhook-subject = A webhook endpoint of { $tenant } was disabled
mail-webhook-body = Portico could not deliver the events of { $tenant } to { $url } for three days, so it disabled that webhook endpoint.
mail-webhook-how = Events from now on are not queued for it. Fix the receiver, then enable the endpoint on the webhooks page; deliveries already waiting go out then, and you can retry failed ones from its delivery log.
mail-webhook-action = Open the webhooks page
mail-invite-subject = { $inviter } invited you to { $tenant } on Portico
mail-invite-reminder-subject = Reminder: { $inviter } invited you to { $tenant } on Portico
mail-invite-reminder-note = This invitation expires soon. The link below replaces the one in the first mail.
mail-invite-body = { $inviter } invited you to join { $tenant } on Portico. Your roles:
mail-invite-their-message = Their message:
mail-invite-action = Accept the invitation
mail-invite-expires = The invitation expires { $when } ({ $date }).

## Times and counts
time-just-now = just now
time-in-minutes = in { $n ->
    [one] 1 minute
    *[other] { $n } minutes
    }
time-in-hours = in { $n ->
    [one] 1 hour
    *[other] { $n } hours
    }
time-in-days = in { $n ->
    [one] 1 day
    *[other] { $n } days
    }
time-in-months = in { $n ->
    [one] 1 month
    *[other] { $n } months
    }
time-in-years = in { $n ->
    [one] 1 year
    *[other] { $n } years
    }
time-minutes-ago = { $n ->
    [one] 1 minute
    *[other] { $n } minutes
    } ago
time-hours-ago = { $n ->
    [one] 1 hour
    *[other] { $n } hours
    } ago
time-days-ago = { $n ->
    [one] 1 day
    *[other] { $n } days
    } ago
time-months-ago = { $n ->
    [one] 1 month
    *[other] { $n } months
    } ago
time-years-ago = { $n ->
    [one] 1 year
    *[other] { $n } years
    } ago
seats-used = { $count ->
    [one] { $count } seat used
    *[other] { $count } seats used
    }

## Frame, navigation and shared parts
skip-to-content = Skip to content
nav-main = Main
footer-tagline = Portico — self-hosted tenant onboarding
footer-api = REST API
sign-in = Sign in
sign-out = Sign out
create-account = Create account
nav-account = Account
nav-account-of = Account of { $email }
nav-tenant = Tenant
nav-overview = Overview
nav-members = Members
nav-invitations = Invitations
nav-links = Invitation links
nav-requests = Join requests
nav-organisations = Organisations
nav-projects = Projects
nav-audit = Audit log
nav-webhooks = Webhooks
nav-domains = Domains
nav-sso = Single sign-on
nav-directory = Directory
pager-label = Pages
pager-previous = Previous
pager-next = Next
pager-page = Page { $page } of { $pages }
roles-tenant = Tenant role
roles-no-tenant = No tenant role
roles-organisation = Organisation role
roles-no-organisation = No organisation role
unverified-label = Email confirmation
unverified-text = Confirm your email address to send invitations. We sent you a link when you registered.
unverified-resend = Resend verification email
unverified-sent = Sent. Check your inbox.
error-title = Something is not right
error-home = Back to the home page

## Home page
loading = Loading…
home-title = Bring people into your product
home-lede = Portico lets people register and create a tenant, invite others by email with roles, and run members, organisations, projects and an audit log — in the browser or through a REST API.
home-have-account = Already have an account?
home-new-here = New here?
home-new-here-text = Create an account and your own tenant, then invite the people you work with.
home-invited = I have an invitation
home-invited-text = Open the link in the invitation email to accept it. Or sign in (or create an account) with the invited email address: your invitations are listed here.
home-welcome = Welcome, { $name }
home-waiting = Invitations waiting for you
home-confirm-first = Confirm your email address (see the mail we sent you) to accept them.
home-expires = expires { $date }
home-no-tenants = You are not a member of any tenant yet.
status-heading = Server status
status-button = Check server status
status-checking = Checking…
status-not-checked = Not checked yet.
status-up = Server { $version } is up; database { $database }. Checks run: { $checks }.
status-reachable = reachable
status-unreachable = unreachable
status-no-server = The server could not be reached.
status-answered = The server answered { $status }.

## Signing in, registering, passwords
field-email = Email
field-password = Password
field-new-password = New password
field-first-name = First name
field-last-name = Last name
field-tenant-name = Tenant name
field-project-name = Project name
login-enter-password = Enter your password.
login-signed-out = You are signed out.
login-password-changed = Your password is changed. Sign in with the new one.
login-sso-hint = Your organisation signs you in? Enter your work email and leave the password empty.
login-forgot = Forgot your password?
login-create-account = Create an account
logout-question = Sign out of Portico on this browser?
register-title = Create your account
register-lede = You get a tenant of your own, with a first project, and you manage it.
register-have-account = Already have an account?
forgot-sent = If an account exists for that email, we have sent it a link to choose a new password. Check your inbox.
forgot-send = Send reset link
forgot-back = Back to sign in
reset-title = Choose a new password
reset-submit = Set new password

## Confirming the email address
verify-title = Confirm your email address
verify-confirm-yours = Confirm that this email address is yours.
verify-other-browser = This address is being confirmed from another browser than the one that chose its password, so that password stops working now. Choose a new one.
verify-submit = Confirm email address
verify-done = Your email address is confirmed. Thank you!
verify-joined = You have joined the tenant of the link you signed up with.
open-tenant = Open the tenant
go-to-account = Go to your account

## Account page
account-language-unknown = Choose English, Deutsch or Español.
account-saved-profile = Your name is saved.
account-saved-password = Your password is changed. Other sessions are signed out.
account-saved-requested = Your request is sent. A manager decides; we mail you the answer.
account-saved-language = Your language is saved.
account-saved-left = You left the tenant.
account-confirmed = (confirmed)
account-not-confirmed = (not confirmed yet)
account-language = Language
account-language-label = Pages and mails in
account-language-browser = The browser's language
account-language-hint = Invitations made for you from now on are in this language too.
account-language-save = Save language
account-leave-label = Leave { $tenant }
account-join-label = Join { $tenant }
account-ask-label = Ask to join { $tenant }
account-token-use-before = Use a token as
account-token-use-after = with the REST API.
account-never = never
account-revoke-label = Revoke { $name }
account-title = Your account
account-new-link = We sent a new confirmation link. Check your inbox.
field-name = Name
account-profile = Profile
account-save-profile = Save profile
account-change-password = Change password
field-current-password = Current password
account-my-tenants = My tenants
account-leave = Leave
account-joinable = Tenants you can join
account-joinable-text = These tenants let in people with a confirmed email address at your domain, at once or when a manager approves.
account-join = Join
account-request-sent = Request sent: a manager decides
field-message-optional = Message (optional)
account-ask = Ask to join
account-api-tokens = API tokens
account-token-once = Copy your new token now; it is shown only once:
account-prefix = Prefix
account-last-used = Last used
col-action = Action
account-revoke = Revoke
account-create-token = Create an API token
account-token-name = Token name
account-create-token-button = Create token

## The invitation page
invite-used = Invitation already used
invite-used-text = This invitation has already been used. If it was you, sign in to continue.
invite-declined = Invitation declined
invite-declined-text = This invitation was declined.
invite-revoked = Invitation revoked
invite-revoked-text = This invitation was revoked by the tenant. Ask for a new one if you still need access.
invite-expired = Invitation expired
invite-expired-text = This invitation has expired. Ask the person who invited you to send a new one.
invite-wrong-person = This invitation is for { $email }, but you are signed in as { $me }.
invite-sign-out-to-continue = Sign out to continue as { $email }; you come back to this invitation.
invite-sign-out-continue = Sign out and continue
invite-join = Join { $tenant }
invite-have-account = You already have an account as { $email }. Sign in to accept the invitation.
invite-language = Language
invite-title = Invitation
invite-replaced = Invitation link replaced
invite-replaced-text = A newer invitation email replaced this link. Use the link in the most recent email you received.
invite-not-found = Invitation not found
invite-not-found-text = This invitation link is not valid. It may be mistyped, or a newer invitation replaced it. Ask the person who invited you for a new one.
invite-tenant = Tenant
invite-by = Invited by
invite-for = For
invite-roles = Roles
invite-expires = Expires
invite-their-message = Their message
invite-accept = Accept invitation
invite-decline = Decline
invite-sign-in-to-accept = Sign in to accept
invite-sign-in-and-accept = Sign in and accept

## Joining with a link
join-used-up = Link used up
join-used-up-text = This link has been used as many times as it allows. Ask whoever shared it for a new one.
join-revoked = Link revoked
join-revoked-text = The tenant's managers revoked this link. Ask them for a new one if you still need access.
join-expired = Link expired
join-expired-text = This link has expired. Ask whoever shared it for a new one.
join-already-member = You are already a member of { $tenant }.
join-wrong-domain = This link is for people with an @{ $domain } email address; you are signed in as { $email }.
join-sign-out-other = Sign out and use another account
join-request-sent = Your request to join { $tenant } is sent. A manager decides; we mail you the answer.
join-people-at = People with an @{ $domain } email address
join-confirm-sent = We sent a confirmation link to { $email }. Open it to confirm your address; you join then.
join-confirm-first = Confirm your email address ({ $email }) to join: we can send you a link that confirms it and joins you.
join-send-again = Send the link again
join-send = Send the link
join-new-domain = Use your @{ $domain } email address. We mail you a link to confirm it; you join when you open it.
join-new = We mail you a link to confirm your email address; you join when you open it.
join-new-domain-request = Use your @{ $domain } email address. We mail you a link to confirm it; opening it sends your request to the managers.
join-new-request = We mail you a link to confirm your email address; opening it sends your request to the managers.
join-title = Join
join-not-found = Link not found
join-not-found-text = This invitation link is not valid. It may be mistyped or cut short. Ask whoever shared it for the whole link.
join-request-how = A manager approves who joins with this link. Tell them who you are, if you like.
join-message = Message to the managers (optional)
join-have-account = Already have an account?
join-sign-in = Sign in to join
join-who = Who can join
join-new-here = New here? Create your account

## Ownership transfer page
ownership-answer-invalid = Use accept or decline.
ownership-asked = You are asked to become the owner of { $tenant }.
ownership-what = As the owner you stay a manager whom nobody else can remove, disable or demote. The present owner stays a manager.
ownership-ends = This offer ends
ownership-title = Ownership transfer
ownership-declined = You declined. The tenant keeps its owner.
ownership-sign-in = Sign in as the person this transfer was mailed to, to accept or decline it.
ownership-gone = This transfer link does not work: it was accepted, declined, cancelled, replaced by a newer one, or it expired.
ownership-accept = Accept ownership

## Tenant overview
seats-of-limit = { $used } of { $limit } seats used, { $reserved } reserved
seats-no-limit = { $used ->
    [one] { $used } seat used
    *[other] { $used } seats used
    }, { $reserved } reserved, no limit
overview-now-owner = You are now the owner of this tenant.
overview-owner = Owner: { $name } ({ $email })
overview-your-roles = Your roles: { $roles }
overview-funnel-total = { $count ->
    [one] { $count } invitation sent
    *[other] { $count } invitations sent
    } in the last { $weeks } weeks.
funnel-sent = sent
funnel-accepted = accepted
funnel-pending = pending
funnel-expired = expired
funnel-chart-label = Invitations per week: sent, accepted, pending, expired
status-active = Active
status-disabled = Disabled
status-deleted = Removed
overview-first = Invite your first teammate
overview-first-text = Nobody has been invited to this tenant yet. Invite the people you work with: they get an email with a link to join, with the roles you choose.
overview-invite-people = Invite people
overview-by-status = Members by status
overview-by-role = Members by role
overview-funnel = Invitation funnel
overview-by-week = Invitations by week sent
overview-week-of = Week of
funnel-col-sent = Sent
funnel-col-accepted = Accepted
funnel-col-pending = Pending
funnel-col-expired = Expired

## Choosing a tenant for an application
choose-invalid-request = The application's sign-in request is not valid.
choose-no-tenant = You are not an active member of any tenant, so you cannot sign in to { $client } yet. Ask a tenant's manager for an invitation.
choose-which = Which tenant do you want to use { $client } with?
choose-signed-in-as = Signed in as { $email }.
choose-other-account = Use another account
choose-title = Choose a tenant
choose-continue = Continue

## Not found
not-found-title = Page not found
not-found-text = There is nothing at this address. It may have moved, or the link may be mistyped.

## Members page
members-done-roles = Roles saved.
members-done-disabled = Member disabled.
members-done-enabled = Member re-enabled.
members-done-links = Their links are revoked.
members-done-nominated = Transfer requested: the new owner was mailed a link to accept.
members-done-transfer-cancelled = Transfer cancelled.
members-done-removed = Member removed.
members-links-still-work = Links { $name } made still work
members-link-line = Link { $id }: { $roles }, { $uses } of { $max } uses, until { $until }
members-active-and-disabled = Active and disabled
members-manage-label = Manage { $name }
members-re-enable = Re-enable
members-re-enable-question = Re-enable { $name }?
members-re-enable-yes = Yes, re-enable
members-disable = Disable
members-disable-question = Disable { $name }?
members-disable-yes = Yes, disable
members-remove-question = Remove { $name } from this tenant? Their access ends at once.
members-owner-note = { $name } owns this tenant: nobody else can demote, disable or remove them. Only they can hand ownership to someone else.
members-last-manager-note = { $name } is the last active extractor-manager. A tenant always keeps one: make someone else an extractor-manager before demoting, disabling or removing { $name }.
members-transfer-waiting = Waiting for { $name } ({ $email }) to accept, until
members-title = Members
members-links-text = Anyone holding one of these shareable links can still join. Revoke them unless the tenant still wants them.
members-revoke-them = Revoke them
members-search = Search members
col-status = Status
members-search-button = Search
col-organisation = Organisation
col-joined = Joined
col-actions = Actions
members-owner = Owner
members-manage = Manage
members-transfer = Transfer ownership
members-confirm-removal = Confirm removal
members-yes-remove = Yes, remove
cancel = Cancel
members-confirm-status = Confirm status change
members-save-roles = Save roles
members-remove = Remove
close = Close
members-transfer-text = The new owner must accept from the mail they get. Until then you stay the owner; afterwards you stay a manager.
members-cancel-transfer = Cancel transfer
members-new-owner = Email of the new owner (an active member)
members-send-transfer = Send transfer request

## Invitations page
bulk-none = Paste at least one email address.
bulk-too-many = Paste at most { $max } addresses at a time.
bulk-row-twice = Row { $row } ({ $address }): listed twice.
bulk-row-problem = Row { $row } ({ $address }): { $problem }
bulk-sent = Invitation sent.
invites-choose-organisation = Choose an organisation from the list.
invites-sent-to = Invitation sent to { $email }.
invites-no-seat = No seat left: all { $limit } seats are used or reserved by pending invitations. Revoke an invitation or remove a member to invite someone new.
invites-language = Language of the invitation
invites-language-auto = Their own, else the tenant's default
invites-bulk-how = Paste one email address per line, at most { $max }. Every row is checked before anything is sent.
invites-filter-all = All
invites-filter-expiring = Expiring soon
invites-resend-label = Resend to { $email }
invites-copy-label = Copy link for { $email }
invites-again-label = Invite { $email } again
invites-revoke-label = Revoke invitation of { $email }
invites-copy = Copy to clipboard
invites-copied = Copied
invite-status-pending = Pending
invite-status-accepted = Accepted
invite-status-declined = Declined
invite-status-revoked = Revoked
invite-status-expired = Expired
invites-title = Invitations
invites-invite-someone = Invite someone
field-message = Message
invites-send = Send invitation
invites-many = Invite many people
invites-addresses = Email addresses
invites-roles-everyone = Roles for everyone
invites-send-many = Send invitations
invites-bulk-results = Bulk results
invites-only-managers = Only managers can invite people.
invites-all = All invitations
invites-filter = Filter by status
invites-search = Find by email address (or its beginning)
invites-new-link = New link (earlier links for this invitation no longer work):
invites-resend = Resend
invites-copy-link = Copy link
invites-again = Invite again
invites-no-organisation = None (whole tenant)

## Invitation links page
links-mode-invalid = Use join or request.
links-organisation-n = organisation { $id }
links-whole-tenant = Whole tenant
links-intro = A link lets anyone who has it join with the roles you choose, up to a number of people, until it expires. They need a confirmed email address (at your domain, if you set one). Seats are checked at each join.
links-revoke-label = Revoke link { $id }
links-anyone = Anyone
links-uses = { $uses } of { $max }
links-at-once = At once
links-manager-approves = A manager approves
links-used-up = Used up
links-title = Invitation links
links-created = Link created. Copy it now; it is shown only once:
links-links = Links
links-none = No links yet.
links-where = Where
links-who = Who
links-col-uses = Uses
links-joining = Joining
links-state = State
links-create-title = Create a link
links-max-uses = Number of people who can join
links-valid-for = Valid for (hours)
links-domain = Only for email addresses at (optional)
links-domain-hint = A domain such as example.com; leave empty for anyone with a confirmed email address.
links-people = People who use the link
links-mode-join = join at once
links-mode-request = ask to join; a manager approves
links-create = Create link

## Join requests page
requests-done-approved = Approved: they are a member now.
requests-done-denied = Denied.
requests-approve = Approve { $name }
requests-deny = Deny { $name }
requests-asks-domain = Asks to join by the tenant's email domain, offered { $roles }.
requests-asks-link = Asks to join with an invitation link, offered { $roles }.
requests-asked = Asked
requests-intro = People whose confirmed address is at a domain of this tenant on requests, or who used a link that asks for approval. Approve with the roles you choose, or deny; they are mailed either way. Requests expire after 30 days.
requests-nobody = Nobody is waiting.

## Organisations and projects
collection-new-organisation = New organisation
collection-new-project = New project
collection-create-organisation = Create organisation
collection-create-project = Create project
collection-rename-label = New name for { $name }
collection-delete-label = Delete { $name }
collection-rename = Rename
collection-delete = Delete

## Audit log
audit-events = { $count ->
    [one] { $count } event
    *[other] { $count } events
    }
audit-actor = Actor
audit-action = Action
audit-any-action = Any action
audit-filter = Filter
audit-when = When
audit-target = Target

## Webhooks page
event-invite-created = an invitation is sent
event-invite-resent = an invitation gets a new link (resent, refreshed or copied)
event-invite-revoked = a manager revokes an invitation
event-invite-declined = the invited person declines
event-invite-accepted = the invited person accepts
event-invite-expired = an invitation expires unanswered
event-member-joined = someone joins the tenant
event-member-updated = a member's roles or status change
event-member-removed = a member is removed or leaves
event-tenant-owner-changed = a new owner accepts the tenant's ownership
event-join-request-created = someone asks to join the tenant
event-join-request-approved = a manager approves a join request
event-join-request-denied = a manager denies a join request
webhooks-intro-signed = Portico POSTs each event of this tenant to your endpoints as JSON, signed as
webhooks-intro-retries = Any 2xx answer delivers; anything else is retried for about three days.
webhooks-added = Endpoint added for { $url }. Copy its signing secret now; it is shown only once:
webhooks-delete-what = { $url } stops receiving events, and its delivery log is deleted with it.
webhooks-event-when = When { $what }.
webhooks-all-events = All events
webhooks-enabled = Enabled
webhooks-failing-since = Enabled, failing since
webhooks-disabled-failing = Disabled: three days without a successful delivery
webhooks-disabled = Disabled
webhooks-disable-label = Disable { $url }
webhooks-enable-label = Enable { $url }
webhooks-enable = Enable
webhooks-log-of = Delivery log of { $url }
webhooks-delivered = Delivered
webhooks-retrying = Retrying
webhooks-sending = Sending
webhooks-failed = Failed: no attempts left
webhooks-retry-label = Retry { $event } delivery { $id }
webhooks-retry = Retry
webhooks-log-pages = Delivery log pages
webhooks-deleted = The endpoint is deleted.
webhooks-retried = The delivery is due again and goes out in a moment.
webhooks-delete-question = Delete this endpoint?
webhooks-delete-endpoint = Delete endpoint
webhooks-keep = Keep it
webhooks-url = URL
webhooks-events = Events
webhooks-endpoint-url = Endpoint URL
webhooks-url-hint = An https:// address on the internet (private and loopback addresses are refused).
webhooks-description = Description
webhooks-tick-none = Tick none to receive every event, including types added later.
webhooks-delivery-log = Delivery log
webhooks-nothing = Nothing sent yet. Events of this tenant appear here as they happen.
webhooks-event = Event
webhooks-attempts = Attempts
webhooks-response = Response
webhooks-last-error = Last error
webhooks-created = Created
webhooks-none = No endpoints yet. Add one below to receive this tenant's events.
webhooks-add = Add an endpoint
webhooks-add-button = Add endpoint

## Domains page
domains-intro = With a domain on automatic joining, everyone whose confirmed email address is at it can join this tenant from their account page, with the roles you choose (seats permitting). You can add only the domain of your own confirmed email address, and never a public mail provider's. Automatic joining needs proof that the tenant controls the domain: a TXT record in its DNS. A proven domain belongs to this tenant alone.
domains-remove-label = Remove { $domain }
domains-proven = Proven by DNS on { $date }.
domains-policy-auto = Automatic joining: on, as { $roles }.
domains-policy-request = Join requests: people ask, a manager approves (offered roles: { $roles }).
domains-policy-off = Automatic joining: off.
domains-not-proven = Not proven yet. Add this TXT record to the domain's DNS, then verify:
domains-value = Value
domains-verify = Verify
domains-who-joins = Who joins
domains-off = Nobody by themselves (off)
domains-request = People at this domain ask to join; a manager approves each (requests)
domains-auto = Everyone with a confirmed address at this domain (automatic)
domains-roles = Roles they get
domains-save = Save
domains-add-title = Add a domain
domains-domain = Domain
domains-add = Add domain

## Single sign-on page
sso-intro = People at the tenant's proven domains can sign in with your organisation's identity provider (OpenID Connect: Okta, Entra ID, Google Workspace …). On the sign-in page they enter their email and are sent there; the first time, they join this tenant with the roles you choose (seats permitting).
sso-none = (none)
sso-yes = yes
sso-no = no
sso-not-said = (not said)
sso-remove-label = Remove the connection to { $issuer }
sso-connection = Client { $client } · domains { $domains } · people join as { $roles }.
sso-connection-required = Client { $client } · domains { $domains } · people join as { $roles } · passwords refused (required).
sso-redirect = Redirect URI
sso-register-redirect = Register this redirect URI for the application at your identity provider:
sso-works = The connection works
sso-works-text = The identity provider signed someone in and sent these claims (nobody was signed in here):
sso-issuer = Issuer
sso-subject = Subject
sso-email-verified = Email verified
sso-test = Test connection
sso-connect-title = Connect an identity provider
sso-prove-first = First prove a domain by DNS on the Domains page: a connection signs in the people of proven domains only.
sso-issuer-url = Issuer URL
sso-client-id = Client ID
sso-client-secret = Client secret
sso-roles = Roles people join with
sso-required = Required: people at these domains cannot sign in with a password
sso-connect = Connect

## Directory page
directory-in-organisation = {" "}in { $organisation }
directory-intro = Your identity provider (Okta, Entra ID, …) can add, change and remove this tenant's members from your company directory with SCIM 2.0. Enter the SCIM URL below and a token made here in its provisioning settings.
directory-delete-label = Delete token { $name }
directory-never = Never
directory-now = Now: { $roles }.
directory-groups-count = { $count ->
    [one] { $count } group from the directory.
    *[other] { $count } groups from the directory.
    }
directory-groups-how = A provisioned member holds the roles of every mapped group they are in; tick no role to unmap a group. Members who were here before the directory keep the roles managers gave them.
directory-mapped = Mapped to { $roles }{ $organisation }.
directory-not-mapped = Not mapped.
directory-scim-url = SCIM URL
directory-tokens = Directory tokens
directory-token-once = Copy the token now; it is shown only once:
directory-no-token = No token yet.
directory-made = Made
directory-create-token = Create directory token
directory-default-roles = Roles of people in no mapped group
directory-save-default = Save default roles
directory-groups = Groups
directory-save-mapping = Save mapping

## Tenant language
tenant-language = Language of invitations
tenant-language-saved = The language of invitations is saved.
tenant-language-label = Invitations to people who chose no language are in
tenant-language-instance = This Portico's default language
tenant-language-hint = An invitation may still name its own language; a person's own choice comes first.
webhooks-endpoints = Endpoints
members-count = { $count ->
    [one] { $count } member
    *[other] { $count } members
    }
