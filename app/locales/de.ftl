# Portico auf Deutsch (SPEC §12): dieselben Nachrichten wie en.ftl.

## Zeiten und Zahlen


## Rollen

role-viewer = Betrachter
role-member = Mitglied
role-manager = Manager
role-organisation-viewer = Organisationsbetrachter
role-organisation-member = Organisationsmitglied
role-organisation-manager = Organisationsmanager
role-viewer-can = sieht die Mitglieder, Projekte und Einladungen des Mandanten
role-member-can = sieht den Mandanten und arbeitet in Projekten
role-manager-can = lädt Personen ein, ändert Rollen und führt den Mandanten
role-organisation-viewer-can = sieht die Organisation und ihre Personen
role-organisation-member-can = sieht die Organisation und arbeitet in ihren Projekten
role-organisation-manager-can = lädt Personen in die Organisation ein und verwaltet sie
role-in-organisation = { $role } in { $organisation }

## E-Mails

mail-hello = Hallo,
mail-hello-name = Hallo { $name },
mail-sent-by = Gesendet von Portico.
mail-paste-address = Oder fügen Sie diese Adresse in Ihren Browser ein:
mail-verify-subject = Bestätigen Sie Ihre E-Mail-Adresse für Portico
mail-verify-body = Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse ist. Der Link gilt 48 Stunden.
mail-verify-join = Sobald Sie bestätigen, treten Sie { $tenant } auf Portico bei.
mail-verify-action = E-Mail-Adresse bestätigen
mail-reset-subject = Setzen Sie Ihr Portico-Passwort zurück
mail-reset-body = Jemand hat verlangt, das Passwort Ihres Portico-Kontos zurückzusetzen. Wenn Sie es waren, wählen Sie mit dem Link unten ein neues Passwort; er gilt eine Stunde.
mail-reset-not-you = Wenn Sie es nicht waren, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.
mail-reset-action = Neues Passwort wählen
mail-ownership-subject = Werden Sie Inhaber von { $tenant }
mail-ownership-body = { $owner } möchte, dass Sie Inhaber von { $tenant } auf Portico werden. Als Inhaber bleiben Sie Manager, den niemand sonst entfernen oder herabstufen kann, und Sie entscheiden, wer als Nächstes Inhaber wird.
mail-ownership-how = Nehmen Sie mit dem Link unten an oder lehnen Sie ab, angemeldet als Sie selbst; er gilt 7 Tage. Bis Sie annehmen, ändert sich nichts.
mail-ownership-action = Auf die Übertragung antworten
mail-requests-subject = Personen möchten { $tenant } beitreten
mail-requests-body = { $count ->
    [one] Eine Person möchte { $tenant } beitreten und wartet auf die Antwort eines Managers.
   *[other] { $count } Personen möchten { $tenant } beitreten und warten auf die Antwort eines Managers.
}
mail-requests-how = Genehmigen Sie sie (mit den Rollen Ihrer Wahl) oder lehnen Sie sie auf der Seite der Anfragen ab. Unbeantwortete Anfragen verfallen nach 30 Tagen.
mail-requests-action = Anfragen öffnen
mail-approved-subject = Sie sind { $tenant } beigetreten
mail-approved-body = Ein Manager von { $tenant } hat Ihre Anfrage genehmigt: Sie sind jetzt Mitglied, als { $roles }.
mail-approved-action = { $tenant } öffnen
mail-denied-subject = Ihre Anfrage, { $tenant } beizutreten, wurde abgelehnt
mail-denied-body = Ein Manager von { $tenant } hat Ihre Beitrittsanfrage abgelehnt.
mail-denied-how = Wenn Sie das für einen Irrtum halten, bitten Sie jemanden im Mandanten, Sie einzuladen.
mail-denied-action = Zu Ihrem Konto
mail-webhook-subject = Ein Webhook-Endpunkt von { $tenant } wurde deaktiviert
mail-webhook-body = Portico konnte die Ereignisse von { $tenant } drei Tage lang nicht an { $url } zustellen und hat diesen Webhook-Endpunkt deshalb deaktiviert.
mail-webhook-how = Neue Ereignisse werden für ihn nicht mehr vorgemerkt. Reparieren Sie den Empfänger und aktivieren Sie den Endpunkt auf der Webhook-Seite; wartende Zustellungen gehen dann hinaus, und fehlgeschlagene können Sie aus seinem Zustellprotokoll erneut senden.
mail-webhook-action = Webhook-Seite öffnen
mail-invite-subject = { $inviter } hat Sie zu { $tenant } auf Portico eingeladen
mail-invite-reminder-subject = Erinnerung: { $inviter } hat Sie zu { $tenant } auf Portico eingeladen
mail-invite-reminder-note = Diese Einladung läuft bald ab. Der Link unten ersetzt den aus der ersten E-Mail.
mail-invite-body = { $inviter } hat Sie eingeladen, { $tenant } auf Portico beizutreten. Ihre Rollen:
mail-invite-their-message = Die Nachricht dazu:
mail-invite-action = Einladung annehmen
mail-invite-expires = Die Einladung läuft { $when } ab ({ $date }).

## Times and counts
time-just-now = gerade eben
time-in-minutes = in { $n ->
    [one] 1 Minute
    *[other] { $n } Minuten
    }
time-in-hours = in { $n ->
    [one] 1 Stunde
    *[other] { $n } Stunden
    }
time-in-days = in { $n ->
    [one] 1 Tag
    *[other] { $n } Tagen
    }
time-in-months = in { $n ->
    [one] 1 Monat
    *[other] { $n } Monaten
    }
time-in-years = in { $n ->
    [one] 1 Jahr
    *[other] { $n } Jahren
    }
time-minutes-ago = vor { $n ->
    [one] 1 Minute
    *[other] { $n } Minuten
    }
time-hours-ago = vor { $n ->
    [one] 1 Stunde
    *[other] { $n } Stunden
    }
time-days-ago = vor { $n ->
    [one] 1 Tag
    *[other] { $n } Tagen
    }
time-months-ago = vor { $n ->
    [one] 1 Monat
    *[other] { $n } Monaten
    }
time-years-ago = vor { $n ->
    [one] 1 Jahr
    *[other] { $n } Jahren
    }
seats-used = { $count ->
    [one] { $count } Platz belegt
    *[other] { $count } Plätze belegt
    }

## Frame, navigation and shared parts
skip-to-content = Zum Inhalt springen
nav-main = Hauptnavigation
footer-tagline = Portico — selbst betriebenes Onboarding für Mandanten
footer-api = REST-API
sign-in = Anmelden
sign-out = Abmelden
create-account = Konto erstellen
nav-account = Konto
nav-account-of = Konto von { $email }
nav-tenant = Mandant
nav-overview = Übersicht
nav-members = Mitglieder
nav-invitations = Einladungen
nav-links = Einladungslinks
nav-requests = Beitrittsanfragen
nav-organisations = Organisationen
nav-projects = Projekte
nav-audit = Prüfprotokoll
nav-webhooks = Webhooks
nav-domains = Domains
nav-sso = Single Sign-on
nav-directory = Verzeichnis
pager-label = Seiten
pager-previous = Zurück
pager-next = Weiter
pager-page = Seite { $page } von { $pages }
roles-tenant = Rolle im Mandanten
roles-no-tenant = Keine Rolle im Mandanten
roles-organisation = Rolle in der Organisation
roles-no-organisation = Keine Rolle in der Organisation
unverified-label = E-Mail-Bestätigung
unverified-text = Bestätigen Sie Ihre E-Mail-Adresse, um Einladungen zu senden. Wir haben Ihnen bei der Registrierung einen Link geschickt.
unverified-resend = Bestätigungs-E-Mail erneut senden
unverified-sent = Gesendet. Sehen Sie in Ihrem Posteingang nach.
error-title = Etwas stimmt nicht
error-home = Zurück zur Startseite

## Home page
loading = Wird geladen …
home-title = Holen Sie Menschen in Ihr Produkt
home-lede = Mit Portico registrieren sich Personen und legen einen Mandanten an, laden andere per E-Mail mit Rollen ein und verwalten Mitglieder, Organisationen, Projekte und ein Prüfprotokoll — im Browser oder über eine REST-API.
home-have-account = Sie haben schon ein Konto?
home-new-here = Neu hier?
home-new-here-text = Legen Sie ein Konto und Ihren eigenen Mandanten an und laden Sie dann die Menschen ein, mit denen Sie arbeiten.
home-invited = Ich habe eine Einladung
home-invited-text = Öffnen Sie den Link in der Einladungs-E-Mail, um sie anzunehmen. Oder melden Sie sich mit der eingeladenen E-Mail-Adresse an (oder legen Sie ein Konto an): Ihre Einladungen stehen dann hier.
home-welcome = Willkommen, { $name }
home-waiting = Einladungen für Sie
home-confirm-first = Bestätigen Sie Ihre E-Mail-Adresse (siehe unsere E-Mail), um sie anzunehmen.
home-expires = läuft ab am { $date }
home-no-tenants = Sie sind noch in keinem Mandanten Mitglied.
status-heading = Serverstatus
status-button = Serverstatus prüfen
status-checking = Wird geprüft …
status-not-checked = Noch nicht geprüft.
status-up = Server { $version } läuft; Datenbank { $database }. Prüfungen: { $checks }.
status-reachable = erreichbar
status-unreachable = nicht erreichbar
status-no-server = Der Server war nicht erreichbar.
status-answered = Der Server antwortete { $status }.

## Signing in, registering, passwords
field-email = E-Mail
field-password = Passwort
field-new-password = Neues Passwort
field-first-name = Vorname
field-last-name = Nachname
field-tenant-name = Name des Mandanten
field-project-name = Projektname
login-enter-password = Geben Sie Ihr Passwort ein.
login-signed-out = Sie sind abgemeldet.
login-password-changed = Ihr Passwort ist geändert. Melden Sie sich mit dem neuen an.
login-sso-hint = Ihre Organisation meldet Sie an? Geben Sie Ihre geschäftliche E-Mail-Adresse ein und lassen Sie das Passwort leer.
login-forgot = Passwort vergessen?
login-create-account = Ein Konto erstellen
logout-question = In diesem Browser von Portico abmelden?
register-title = Erstellen Sie Ihr Konto
register-lede = Sie erhalten einen eigenen Mandanten mit einem ersten Projekt und verwalten ihn.
register-have-account = Sie haben schon ein Konto?
forgot-sent = Wenn es für diese E-Mail-Adresse ein Konto gibt, haben wir ihm einen Link für ein neues Passwort geschickt. Sehen Sie in Ihrem Posteingang nach.
forgot-send = Link zum Zurücksetzen senden
forgot-back = Zurück zur Anmeldung
reset-title = Wählen Sie ein neues Passwort
reset-submit = Neues Passwort festlegen

## Confirming the email address
verify-title = Bestätigen Sie Ihre E-Mail-Adresse
verify-confirm-yours = Bestätigen Sie, dass diese E-Mail-Adresse Ihnen gehört.
verify-other-browser = Diese Adresse wird in einem anderen Browser bestätigt als dem, in dem ihr Passwort gewählt wurde; dieses Passwort gilt deshalb ab jetzt nicht mehr. Wählen Sie ein neues.
verify-submit = E-Mail-Adresse bestätigen
verify-done = Ihre E-Mail-Adresse ist bestätigt. Danke!
verify-joined = Sie sind dem Mandanten des Links beigetreten, mit dem Sie sich registriert haben.
open-tenant = Mandanten öffnen
go-to-account = Zu Ihrem Konto

## Account page
account-language-unknown = Wählen Sie English, Deutsch oder Español.
account-saved-profile = Ihr Name ist gespeichert.
account-saved-password = Ihr Passwort ist geändert. Andere Sitzungen sind abgemeldet.
account-saved-requested = Ihre Anfrage ist gesendet. Ein Manager entscheidet; wir schicken Ihnen die Antwort per E-Mail.
account-saved-language = Ihre Sprache ist gespeichert.
account-saved-left = Sie haben den Mandanten verlassen.
account-confirmed = (bestätigt)
account-not-confirmed = (noch nicht bestätigt)
account-language = Sprache
account-language-label = Seiten und E-Mails auf
account-language-browser = Sprache des Browsers
account-language-hint = Auch Einladungen an Sie sind künftig in dieser Sprache.
account-language-save = Sprache speichern
account-leave-label = { $tenant } verlassen
account-join-label = { $tenant } beitreten
account-ask-label = Beitritt zu { $tenant } anfragen
account-token-use-before = Verwenden Sie ein Token als
account-token-use-after = mit der REST-API.
account-never = nie
account-revoke-label = { $name } widerrufen
account-title = Ihr Konto
account-new-link = Wir haben einen neuen Bestätigungslink geschickt. Sehen Sie in Ihrem Posteingang nach.
field-name = Name
account-profile = Profil
account-save-profile = Profil speichern
account-change-password = Passwort ändern
field-current-password = Aktuelles Passwort
account-my-tenants = Meine Mandanten
account-leave = Verlassen
account-joinable = Mandanten, denen Sie beitreten können
account-joinable-text = Diese Mandanten lassen Personen mit einer bestätigten E-Mail-Adresse Ihrer Domain herein, sofort oder wenn ein Manager zustimmt.
account-join = Beitreten
account-request-sent = Anfrage gesendet: ein Manager entscheidet
field-message-optional = Nachricht (optional)
account-ask = Beitritt anfragen
account-api-tokens = API-Tokens
account-token-once = Kopieren Sie Ihr neues Token jetzt; es wird nur einmal angezeigt:
account-prefix = Präfix
account-last-used = Zuletzt verwendet
col-action = Aktion
account-revoke = Widerrufen
account-create-token = Ein API-Token erstellen
account-token-name = Name des Tokens
account-create-token-button = Token erstellen

## The invitation page
invite-used = Einladung bereits verwendet
invite-used-text = Diese Einladung wurde bereits verwendet. Wenn Sie es waren, melden Sie sich an, um fortzufahren.
invite-declined = Einladung abgelehnt
invite-declined-text = Diese Einladung wurde abgelehnt.
invite-revoked = Einladung widerrufen
invite-revoked-text = Der Mandant hat diese Einladung widerrufen. Bitten Sie um eine neue, wenn Sie noch Zugang brauchen.
invite-expired = Einladung abgelaufen
invite-expired-text = Diese Einladung ist abgelaufen. Bitten Sie die Person, die Sie eingeladen hat, eine neue zu senden.
invite-wrong-person = Diese Einladung ist für { $email }, aber Sie sind als { $me } angemeldet.
invite-sign-out-to-continue = Melden Sie sich ab, um als { $email } fortzufahren; Sie kommen zu dieser Einladung zurück.
invite-sign-out-continue = Abmelden und fortfahren
invite-join = { $tenant } beitreten
invite-have-account = Sie haben bereits ein Konto als { $email }. Melden Sie sich an, um die Einladung anzunehmen.
invite-language = Sprache
invite-title = Einladung
invite-replaced = Einladungslink ersetzt
invite-replaced-text = Eine neuere Einladungs-E-Mail hat diesen Link ersetzt. Verwenden Sie den Link aus der neuesten E-Mail, die Sie erhalten haben.
invite-not-found = Einladung nicht gefunden
invite-not-found-text = Dieser Einladungslink ist nicht gültig. Vielleicht ist er falsch geschrieben, oder eine neuere Einladung hat ihn ersetzt. Bitten Sie die Person, die Sie eingeladen hat, um eine neue.
invite-tenant = Mandant
invite-by = Eingeladen von
invite-for = Für
invite-roles = Rollen
invite-expires = Läuft ab
invite-their-message = Die Nachricht dazu
invite-accept = Einladung annehmen
invite-decline = Ablehnen
invite-sign-in-to-accept = Zum Annehmen anmelden
invite-sign-in-and-accept = Anmelden und annehmen

## Joining with a link
join-used-up = Link aufgebraucht
join-used-up-text = Dieser Link wurde so oft verwendet, wie er erlaubt. Bitten Sie die Person, die ihn geteilt hat, um einen neuen.
join-revoked = Link widerrufen
join-revoked-text = Die Manager des Mandanten haben diesen Link widerrufen. Bitten Sie sie um einen neuen, wenn Sie noch Zugang brauchen.
join-expired = Link abgelaufen
join-expired-text = Dieser Link ist abgelaufen. Bitten Sie die Person, die ihn geteilt hat, um einen neuen.
join-already-member = Sie sind bereits Mitglied von { $tenant }.
join-wrong-domain = Dieser Link ist für Personen mit einer E-Mail-Adresse @{ $domain }; Sie sind als { $email } angemeldet.
join-sign-out-other = Abmelden und ein anderes Konto verwenden
join-request-sent = Ihre Anfrage, { $tenant } beizutreten, ist gesendet. Ein Manager entscheidet; wir schicken Ihnen die Antwort per E-Mail.
join-people-at = Personen mit einer E-Mail-Adresse @{ $domain }
join-confirm-sent = Wir haben einen Bestätigungslink an { $email } geschickt. Öffnen Sie ihn, um Ihre Adresse zu bestätigen; dann treten Sie bei.
join-confirm-first = Bestätigen Sie Ihre E-Mail-Adresse ({ $email }), um beizutreten: Wir können Ihnen einen Link schicken, der sie bestätigt und Sie beitreten lässt.
join-send-again = Link erneut senden
join-send = Link senden
join-new-domain = Verwenden Sie Ihre E-Mail-Adresse @{ $domain }. Wir schicken Ihnen einen Link zur Bestätigung; Sie treten bei, wenn Sie ihn öffnen.
join-new = Wir schicken Ihnen einen Link zur Bestätigung Ihrer E-Mail-Adresse; Sie treten bei, wenn Sie ihn öffnen.
join-new-domain-request = Verwenden Sie Ihre E-Mail-Adresse @{ $domain }. Wir schicken Ihnen einen Link zur Bestätigung; wenn Sie ihn öffnen, geht Ihre Anfrage an die Manager.
join-new-request = Wir schicken Ihnen einen Link zur Bestätigung Ihrer E-Mail-Adresse; wenn Sie ihn öffnen, geht Ihre Anfrage an die Manager.
join-title = Beitreten
join-not-found = Link nicht gefunden
join-not-found-text = Dieser Einladungslink ist nicht gültig. Vielleicht ist er falsch geschrieben oder abgeschnitten. Bitten Sie die Person, die ihn geteilt hat, um den ganzen Link.
join-request-how = Ein Manager genehmigt, wer mit diesem Link beitritt. Sagen Sie ihm, wenn Sie möchten, wer Sie sind.
join-message = Nachricht an die Manager (optional)
join-have-account = Sie haben schon ein Konto?
join-sign-in = Zum Beitreten anmelden
join-who = Wer beitreten kann
join-new-here = Neu hier? Erstellen Sie Ihr Konto

## Ownership transfer page
ownership-answer-invalid = Nehmen Sie an oder lehnen Sie ab.
ownership-asked = Sie werden gebeten, Inhaber von { $tenant } zu werden.
ownership-what = Als Inhaber bleiben Sie Manager, den niemand sonst entfernen, sperren oder herabstufen kann. Der bisherige Inhaber bleibt Manager.
ownership-ends = Dieses Angebot endet
ownership-title = Übertragung der Inhaberschaft
ownership-declined = Sie haben abgelehnt. Der Mandant behält seinen Inhaber.
ownership-sign-in = Melden Sie sich als die Person an, an die diese Übertragung geschickt wurde, um sie anzunehmen oder abzulehnen.
ownership-gone = Dieser Übertragungslink funktioniert nicht: Er wurde angenommen, abgelehnt, zurückgezogen, durch einen neueren ersetzt, oder er ist abgelaufen.
ownership-accept = Inhaberschaft annehmen

## Tenant overview
seats-of-limit = { $used } von { $limit } Plätzen belegt, { $reserved } reserviert
seats-no-limit = { $used ->
    [one] { $used } Platz belegt
    *[other] { $used } Plätze belegt
    }, { $reserved } reserviert, ohne Grenze
overview-now-owner = Sie sind jetzt Inhaber dieses Mandanten.
overview-owner = Inhaber: { $name } ({ $email })
overview-your-roles = Ihre Rollen: { $roles }
overview-funnel-total = { $count ->
    [one] { $count } Einladung gesendet
    *[other] { $count } Einladungen gesendet
    } in den letzten { $weeks } Wochen.
funnel-sent = gesendet
funnel-accepted = angenommen
funnel-pending = offen
funnel-expired = abgelaufen
funnel-chart-label = Einladungen pro Woche: gesendet, angenommen, offen, abgelaufen
status-active = Aktiv
status-disabled = Gesperrt
status-deleted = Entfernt
overview-first = Laden Sie Ihre erste Kollegin oder Ihren ersten Kollegen ein
overview-first-text = In diesen Mandanten wurde noch niemand eingeladen. Laden Sie die Menschen ein, mit denen Sie arbeiten: Sie bekommen eine E-Mail mit einem Link zum Beitreten, mit den Rollen Ihrer Wahl.
overview-invite-people = Personen einladen
overview-by-status = Mitglieder nach Status
overview-by-role = Mitglieder nach Rolle
overview-funnel = Einladungstrichter
overview-by-week = Einladungen nach Sendewoche
overview-week-of = Woche vom
funnel-col-sent = Gesendet
funnel-col-accepted = Angenommen
funnel-col-pending = Offen
funnel-col-expired = Abgelaufen

## Choosing a tenant for an application
choose-invalid-request = Die Anmeldeanfrage der Anwendung ist nicht gültig.
choose-no-tenant = Sie sind in keinem Mandanten aktives Mitglied und können sich deshalb noch nicht bei { $client } anmelden. Bitten Sie den Manager eines Mandanten um eine Einladung.
choose-which = Mit welchem Mandanten möchten Sie { $client } verwenden?
choose-signed-in-as = Angemeldet als { $email }.
choose-other-account = Ein anderes Konto verwenden
choose-title = Mandanten wählen
choose-continue = Weiter

## Not found
not-found-title = Seite nicht gefunden
not-found-text = Unter dieser Adresse gibt es nichts. Vielleicht wurde die Seite verschoben, oder der Link ist falsch geschrieben.

## Members page
members-done-roles = Rollen gespeichert.
members-done-disabled = Mitglied gesperrt.
members-done-enabled = Mitglied wieder freigegeben.
members-done-links = Die Links sind widerrufen.
members-done-nominated = Übertragung angefragt: Der neue Inhaber hat einen Link zum Annehmen per E-Mail erhalten.
members-done-transfer-cancelled = Übertragung zurückgezogen.
members-done-removed = Mitglied entfernt.
members-links-still-work = Links von { $name } funktionieren noch
members-link-line = Link { $id }: { $roles }, { $uses } von { $max } Verwendungen, bis { $until }
members-active-and-disabled = Aktiv und gesperrt
members-manage-label = { $name } verwalten
members-re-enable = Wieder freigeben
members-re-enable-question = { $name } wieder freigeben?
members-re-enable-yes = Ja, wieder freigeben
members-disable = Sperren
members-disable-question = { $name } sperren?
members-disable-yes = Ja, sperren
members-remove-question = { $name } aus diesem Mandanten entfernen? Der Zugang endet sofort.
members-owner-note = { $name } ist Inhaber dieses Mandanten: Niemand sonst kann diese Person herabstufen, sperren oder entfernen. Nur sie selbst kann die Inhaberschaft weitergeben.
members-last-manager-note = { $name } ist der letzte aktive Manager. Ein Mandant behält immer einen: Machen Sie jemand anderen zum Manager, bevor Sie { $name } herabstufen, sperren oder entfernen.
members-transfer-waiting = Warten auf die Annahme durch { $name } ({ $email }), bis
members-title = Mitglieder
members-links-text = Wer einen dieser teilbaren Links hat, kann noch beitreten. Widerrufen Sie sie, wenn der Mandant sie nicht mehr braucht.
members-revoke-them = Widerrufen
members-search = Mitglieder suchen
col-status = Status
members-search-button = Suchen
col-organisation = Organisation
col-joined = Beigetreten
col-actions = Aktionen
members-owner = Inhaber
members-manage = Verwalten
members-transfer = Inhaberschaft übertragen
members-confirm-removal = Entfernen bestätigen
members-yes-remove = Ja, entfernen
cancel = Abbrechen
members-confirm-status = Statusänderung bestätigen
members-save-roles = Rollen speichern
members-remove = Entfernen
close = Schließen
members-transfer-text = Der neue Inhaber muss über die E-Mail annehmen, die er bekommt. Bis dahin bleiben Sie Inhaber; danach bleiben Sie Manager.
members-cancel-transfer = Übertragung zurückziehen
members-new-owner = E-Mail-Adresse des neuen Inhabers (ein aktives Mitglied)
members-send-transfer = Übertragungsanfrage senden

## Invitations page
bulk-none = Fügen Sie mindestens eine E-Mail-Adresse ein.
bulk-too-many = Fügen Sie höchstens { $max } Adressen auf einmal ein.
bulk-row-twice = Zeile { $row } ({ $address }): doppelt aufgeführt.
bulk-row-problem = Zeile { $row } ({ $address }): { $problem }
bulk-sent = Einladung gesendet.
invites-choose-organisation = Wählen Sie eine Organisation aus der Liste.
invites-sent-to = Einladung an { $email } gesendet.
invites-no-seat = Kein Platz frei: Alle { $limit } Plätze sind belegt oder durch offene Einladungen reserviert. Widerrufen Sie eine Einladung oder entfernen Sie ein Mitglied, um jemand Neues einzuladen.
invites-language = Sprache der Einladung
invites-language-auto = Die der Person, sonst die Standardsprache des Mandanten
invites-bulk-how = Fügen Sie eine E-Mail-Adresse pro Zeile ein, höchstens { $max }. Jede Zeile wird geprüft, bevor etwas gesendet wird.
invites-filter-all = Alle
invites-filter-expiring = Laufen bald ab
invites-resend-label = Erneut an { $email } senden
invites-copy-label = Link für { $email } kopieren
invites-again-label = { $email } erneut einladen
invites-revoke-label = Einladung von { $email } widerrufen
invites-copy = In die Zwischenablage kopieren
invites-copied = Kopiert
invite-status-pending = Offen
invite-status-accepted = Angenommen
invite-status-declined = Abgelehnt
invite-status-revoked = Widerrufen
invite-status-expired = Abgelaufen
invites-title = Einladungen
invites-invite-someone = Jemanden einladen
field-message = Nachricht
invites-send = Einladung senden
invites-many = Viele Personen einladen
invites-addresses = E-Mail-Adressen
invites-roles-everyone = Rollen für alle
invites-send-many = Einladungen senden
invites-bulk-results = Ergebnisse
invites-only-managers = Nur Manager können Personen einladen.
invites-all = Alle Einladungen
invites-filter = Nach Status filtern
invites-search = Nach E-Mail-Adresse (oder ihrem Anfang) suchen
invites-new-link = Neuer Link (frühere Links dieser Einladung funktionieren nicht mehr):
invites-resend = Erneut senden
invites-copy-link = Link kopieren
invites-again = Erneut einladen
invites-no-organisation = Keine (ganzer Mandant)

## Invitation links page
links-mode-invalid = Wählen Sie „beitreten“ oder „anfragen“.
links-organisation-n = Organisation { $id }
links-whole-tenant = Ganzer Mandant
links-intro = Mit einem Link kann jeder, der ihn hat, mit den Rollen Ihrer Wahl beitreten, bis zu einer Anzahl von Personen und bis er abläuft. Nötig ist eine bestätigte E-Mail-Adresse (in Ihrer Domain, wenn Sie eine angeben). Bei jedem Beitritt werden die Plätze geprüft.
links-revoke-label = Link { $id } widerrufen
links-anyone = Alle
links-uses = { $uses } von { $max }
links-at-once = Sofort
links-manager-approves = Ein Manager genehmigt
links-used-up = Aufgebraucht
links-title = Einladungslinks
links-created = Link erstellt. Kopieren Sie ihn jetzt; er wird nur einmal angezeigt:
links-links = Links
links-none = Noch keine Links.
links-where = Wo
links-who = Wer
links-col-uses = Verwendungen
links-joining = Beitritt
links-state = Zustand
links-create-title = Einen Link erstellen
links-max-uses = Anzahl der Personen, die beitreten können
links-valid-for = Gültig für (Stunden)
links-domain = Nur für E-Mail-Adressen in (optional)
links-domain-hint = Eine Domain wie example.com; leer lassen für alle mit einer bestätigten E-Mail-Adresse.
links-people = Personen, die den Link verwenden
links-mode-join = treten sofort bei
links-mode-request = fragen an; ein Manager genehmigt
links-create = Link erstellen

## Join requests page
requests-done-approved = Genehmigt: Die Person ist jetzt Mitglied.
requests-done-denied = Abgelehnt.
requests-approve = { $name } genehmigen
requests-deny = { $name } ablehnen
requests-asks-domain = Fragt über die E-Mail-Domain des Mandanten an, angeboten: { $roles }.
requests-asks-link = Fragt über einen Einladungslink an, angeboten: { $roles }.
requests-asked = Angefragt
requests-intro = Personen, deren bestätigte Adresse in einer Domain dieses Mandanten mit Anfragen liegt oder die einen Link mit Genehmigung verwendet haben. Genehmigen Sie mit den Rollen Ihrer Wahl oder lehnen Sie ab; sie bekommen in beiden Fällen eine E-Mail. Anfragen verfallen nach 30 Tagen.
requests-nobody = Niemand wartet.

## Organisations and projects
collection-new-organisation = Neue Organisation
collection-new-project = Neues Projekt
collection-create-organisation = Organisation erstellen
collection-create-project = Projekt erstellen
collection-rename-label = Neuer Name für { $name }
collection-delete-label = { $name } löschen
collection-rename = Umbenennen
collection-delete = Löschen

## Audit log
audit-events = { $count ->
    [one] { $count } Ereignis
    *[other] { $count } Ereignisse
    }
audit-actor = Akteur
audit-action = Aktion
audit-any-action = Jede Aktion
audit-filter = Filtern
audit-when = Wann
audit-target = Ziel

## Webhooks page
event-invite-created = eine Einladung gesendet wird
event-invite-resent = eine Einladung einen neuen Link bekommt (erneut gesendet, erneuert oder kopiert)
event-invite-revoked = ein Manager eine Einladung widerruft
event-invite-declined = die eingeladene Person ablehnt
event-invite-accepted = die eingeladene Person annimmt
event-invite-expired = eine Einladung unbeantwortet abläuft
event-member-joined = jemand dem Mandanten beitritt
event-member-updated = sich Rollen oder Status eines Mitglieds ändern
event-member-removed = ein Mitglied entfernt wird oder geht
event-tenant-owner-changed = ein neuer Inhaber die Inhaberschaft des Mandanten annimmt
event-join-request-created = jemand den Beitritt zum Mandanten anfragt
event-join-request-approved = ein Manager eine Beitrittsanfrage genehmigt
event-join-request-denied = ein Manager eine Beitrittsanfrage ablehnt
webhooks-intro-signed = Portico sendet jedes Ereignis dieses Mandanten per POST als JSON an Ihre Endpunkte, signiert nach
webhooks-intro-retries = Jede 2xx-Antwort gilt als zugestellt; alles andere wird etwa drei Tage lang erneut versucht.
webhooks-added = Endpunkt für { $url } hinzugefügt. Kopieren Sie sein Signaturgeheimnis jetzt; es wird nur einmal angezeigt:
webhooks-delete-what = { $url } empfängt keine Ereignisse mehr, und sein Zustellprotokoll wird mit gelöscht.
webhooks-event-when = Wenn { $what }.
webhooks-all-events = Alle Ereignisse
webhooks-enabled = Aktiv
webhooks-failing-since = Aktiv, scheitert seit
webhooks-disabled-failing = Deaktiviert: drei Tage ohne erfolgreiche Zustellung
webhooks-disabled = Deaktiviert
webhooks-disable-label = { $url } deaktivieren
webhooks-enable-label = { $url } aktivieren
webhooks-enable = Aktivieren
webhooks-log-of = Zustellprotokoll von { $url }
webhooks-delivered = Zugestellt
webhooks-retrying = Neuer Versuch
webhooks-sending = Wird gesendet
webhooks-failed = Gescheitert: keine Versuche mehr
webhooks-retry-label = Zustellung { $id } von { $event } erneut versuchen
webhooks-retry = Erneut versuchen
webhooks-log-pages = Seiten des Zustellprotokolls
webhooks-deleted = Der Endpunkt ist gelöscht.
webhooks-retried = Die Zustellung ist wieder fällig und geht gleich hinaus.
webhooks-delete-question = Diesen Endpunkt löschen?
webhooks-delete-endpoint = Endpunkt löschen
webhooks-keep = Behalten
webhooks-url = URL
webhooks-events = Ereignisse
webhooks-endpoint-url = URL des Endpunkts
webhooks-url-hint = Eine https://-Adresse im Internet (private und Loopback-Adressen werden abgelehnt).
webhooks-description = Beschreibung
webhooks-tick-none = Wählen Sie keines, um jedes Ereignis zu erhalten, auch später hinzugefügte Arten.
webhooks-delivery-log = Zustellprotokoll
webhooks-nothing = Noch nichts gesendet. Ereignisse dieses Mandanten erscheinen hier, sobald sie geschehen.
webhooks-event = Ereignis
webhooks-attempts = Versuche
webhooks-response = Antwort
webhooks-last-error = Letzter Fehler
webhooks-created = Erstellt
webhooks-none = Noch keine Endpunkte. Fügen Sie unten einen hinzu, um die Ereignisse dieses Mandanten zu erhalten.
webhooks-add = Einen Endpunkt hinzufügen
webhooks-add-button = Endpunkt hinzufügen

## Domains page
domains-intro = Steht eine Domain auf automatischem Beitritt, kann jeder mit einer bestätigten E-Mail-Adresse dieser Domain dem Mandanten von seiner Kontoseite aus beitreten, mit den Rollen Ihrer Wahl (sofern Plätze frei sind). Sie können nur die Domain Ihrer eigenen bestätigten E-Mail-Adresse hinzufügen und nie die eines öffentlichen E-Mail-Anbieters. Der automatische Beitritt braucht den Nachweis, dass der Mandant die Domain kontrolliert: einen TXT-Eintrag in ihrem DNS. Eine nachgewiesene Domain gehört allein diesem Mandanten.
domains-remove-label = { $domain } entfernen
domains-proven = Per DNS nachgewiesen am { $date }.
domains-policy-auto = Automatischer Beitritt: an, als { $roles }.
domains-policy-request = Beitrittsanfragen: Personen fragen an, ein Manager genehmigt (angebotene Rollen: { $roles }).
domains-policy-off = Automatischer Beitritt: aus.
domains-not-proven = Noch nicht nachgewiesen. Fügen Sie diesen TXT-Eintrag dem DNS der Domain hinzu und prüfen Sie dann:
domains-value = Wert
domains-verify = Prüfen
domains-who-joins = Wer beitritt
domains-off = Niemand von sich aus (aus)
domains-request = Personen dieser Domain fragen an; ein Manager genehmigt jede Anfrage (Anfragen)
domains-auto = Jeder mit einer bestätigten Adresse dieser Domain (automatisch)
domains-roles = Rollen, die sie bekommen
domains-save = Speichern
domains-add-title = Eine Domain hinzufügen
domains-domain = Domain
domains-add = Domain hinzufügen

## Single sign-on page
sso-intro = Personen der nachgewiesenen Domains des Mandanten können sich über den Identitätsanbieter Ihrer Organisation anmelden (OpenID Connect: Okta, Entra ID, Google Workspace …). Auf der Anmeldeseite geben sie ihre E-Mail-Adresse ein und werden dorthin geschickt; beim ersten Mal treten sie dem Mandanten mit den Rollen Ihrer Wahl bei (sofern Plätze frei sind).
sso-none = (keine)
sso-yes = ja
sso-no = nein
sso-not-said = (nicht angegeben)
sso-remove-label = Verbindung zu { $issuer } entfernen
sso-connection = Client { $client } · Domains { $domains } · Personen treten bei als { $roles }.
sso-connection-required = Client { $client } · Domains { $domains } · Personen treten bei als { $roles } · Passwörter abgelehnt (verpflichtend).
sso-redirect = Weiterleitungs-URI
sso-register-redirect = Registrieren Sie diese Weiterleitungs-URI für die Anwendung bei Ihrem Identitätsanbieter:
sso-works = Die Verbindung funktioniert
sso-works-text = Der Identitätsanbieter hat jemanden angemeldet und diese Angaben geschickt (hier wurde niemand angemeldet):
sso-issuer = Aussteller
sso-subject = Subjekt
sso-email-verified = E-Mail bestätigt
sso-test = Verbindung testen
sso-connect-title = Einen Identitätsanbieter verbinden
sso-prove-first = Weisen Sie zuerst auf der Seite „Domains“ eine Domain per DNS nach: Eine Verbindung meldet nur Personen nachgewiesener Domains an.
sso-issuer-url = URL des Ausstellers
sso-client-id = Client-ID
sso-client-secret = Client-Geheimnis
sso-roles = Rollen, mit denen Personen beitreten
sso-required = Verpflichtend: Personen dieser Domains können sich nicht mit Passwort anmelden
sso-connect = Verbinden

## Directory page
directory-in-organisation = {" "}in { $organisation }
directory-intro = Ihr Identitätsanbieter (Okta, Entra ID, …) kann die Mitglieder dieses Mandanten mit SCIM 2.0 aus Ihrem Firmenverzeichnis anlegen, ändern und entfernen. Tragen Sie die SCIM-URL unten und ein hier erstelltes Token in seinen Provisionierungseinstellungen ein.
directory-delete-label = Token { $name } löschen
directory-never = Nie
directory-now = Derzeit: { $roles }.
directory-groups-count = { $count ->
    [one] { $count } Gruppe aus dem Verzeichnis.
    *[other] { $count } Gruppen aus dem Verzeichnis.
    }
directory-groups-how = Ein provisioniertes Mitglied hat die Rollen jeder zugeordneten Gruppe, in der es ist; wählen Sie keine Rolle, um eine Zuordnung aufzuheben. Mitglieder, die schon vor dem Verzeichnis da waren, behalten die Rollen, die Manager ihnen gegeben haben.
directory-mapped = Zugeordnet zu { $roles }{ $organisation }.
directory-not-mapped = Nicht zugeordnet.
directory-scim-url = SCIM-URL
directory-tokens = Verzeichnis-Tokens
directory-token-once = Kopieren Sie das Token jetzt; es wird nur einmal angezeigt:
directory-no-token = Noch kein Token.
directory-made = Erstellt
directory-create-token = Verzeichnis-Token erstellen
directory-default-roles = Rollen von Personen ohne zugeordnete Gruppe
directory-save-default = Standardrollen speichern
directory-groups = Gruppen
directory-save-mapping = Zuordnung speichern

## Tenant language
tenant-language = Sprache der Einladungen
tenant-language-saved = Die Sprache der Einladungen ist gespeichert.
tenant-language-label = Einladungen an Personen ohne gewählte Sprache sind auf
tenant-language-instance = Standardsprache dieses Portico
tenant-language-hint = Eine Einladung kann weiterhin ihre eigene Sprache nennen; die Wahl der Person geht vor.
webhooks-endpoints = Endpunkte
members-count = { $count ->
    [one] { $count } Mitglied
    *[other] { $count } Mitglieder
    }
