# Portico en español (SPEC §12): los mismos mensajes que en.ftl.

## Tiempos y cantidades


## Roles

role-viewer = Observador
role-member = Miembro
role-manager = Administrador
role-organisation-viewer = Observador de la organización
role-organisation-member = Miembro de la organización
role-organisation-manager = Administrador de la organización
role-viewer-can = ve los miembros, proyectos e invitaciones del inquilino
role-member-can = ve el inquilino y trabaja en proyectos
role-manager-can = invita a personas, cambia roles y dirige el inquilino
role-organisation-viewer-can = ve la organización y a sus personas
role-organisation-member-can = ve la organización y trabaja en sus proyectos
role-organisation-manager-can = invita a personas a la organización y las gestiona
role-in-organisation = { $role } en { $organisation }

## Correos

mail-hello = Hola:
mail-hello-name = Hola, { $name }:
mail-sent-by = Enviado por Portico.
mail-paste-address = O pegue esta dirección en su navegador:
mail-verify-subject = Confirme su dirección de correo para Portico
mail-verify-body = Confirme que esta es su dirección de correo. El enlace funciona durante 48 horas.
mail-verify-join = En cuanto confirme, se unirá a { $tenant } en Portico.
mail-verify-action = Confirmar la dirección de correo
mail-reset-subject = Restablezca su contraseña de Portico
mail-reset-body = Alguien pidió restablecer la contraseña de su cuenta de Portico. Si fue usted, elija una contraseña nueva con el enlace de abajo; funciona durante una hora.
mail-reset-not-you = Si no fue usted, ignore este correo: su contraseña sigue igual.
mail-reset-action = Elegir una contraseña nueva
mail-ownership-subject = Conviértase en propietario de { $tenant }
mail-ownership-body = { $owner } quiere que usted sea el propietario de { $tenant } en Portico. Como propietario sigue siendo administrador, nadie más puede quitarle ni degradarle, y usted decide quién será el próximo propietario.
mail-ownership-how = Acepte o rechace con el enlace de abajo, con su propia sesión; funciona durante 7 días. Hasta que acepte, nada cambia.
mail-ownership-action = Responder a la transferencia
mail-requests-subject = Hay personas que piden unirse a { $tenant }
mail-requests-body = { $count ->
    [one] Una persona pide unirse a { $tenant } y espera la respuesta de un administrador.
   *[other] { $count } personas piden unirse a { $tenant } y esperan la respuesta de un administrador.
}
mail-requests-how = Apruébelas (con los roles que elija) o recháchelas en la página de solicitudes. Las solicitudes sin respuesta caducan a los 30 días.
mail-requests-action = Abrir las solicitudes
mail-approved-subject = Se ha unido a { $tenant }
mail-approved-body = Un administrador de { $tenant } aprobó su solicitud: ahora es miembro, como { $roles }.
mail-approved-action = Abrir { $tenant }
mail-denied-subject = Su solicitud para unirse a { $tenant } fue rechazada
mail-denied-body = Un administrador de { $tenant } rechazó su solicitud para unirse.
mail-denied-how = Si cree que es un error, pida a alguien del inquilino que le invite.
mail-denied-action = Ir a su cuenta
mail-webhook-subject = Se desactivó un punto de webhook de { $tenant }
mail-webhook-body = Portico no pudo entregar los eventos de { $tenant } a { $url } durante tres días, así que desactivó ese punto de webhook.
mail-webhook-how = Los eventos nuevos ya no se ponen en cola para él. Arregle el receptor y active el punto en la página de webhooks; las entregas en espera saldrán entonces, y puede reintentar las fallidas desde su registro de entregas.
mail-webhook-action = Abrir la página de webhooks
mail-invite-subject = { $inviter } le invitó a { $tenant } en Portico
mail-invite-reminder-subject = Recordatorio: { $inviter } le invitó a { $tenant } en Portico
mail-invite-reminder-note = Esta invitación caduca pronto. El enlace de abajo sustituye al del primer correo.
mail-invite-body = { $inviter } le invitó a unirse a { $tenant } en Portico. Sus roles:
mail-invite-their-message = Su mensaje:
mail-invite-action = Aceptar la invitación
mail-invite-expires = La invitación caduca { $when } ({ $date }).

## Times and counts
time-just-now = ahora mismo
time-in-minutes = en { $n ->
    [one] 1 minuto
    *[other] { $n } minutos
    }
time-in-hours = en { $n ->
    [one] 1 hora
    *[other] { $n } horas
    }
time-in-days = en { $n ->
    [one] 1 día
    *[other] { $n } días
    }
time-in-months = en { $n ->
    [one] 1 mes
    *[other] { $n } meses
    }
time-in-years = en { $n ->
    [one] 1 año
    *[other] { $n } años
    }
time-minutes-ago = hace { $n ->
    [one] 1 minuto
    *[other] { $n } minutos
    }
time-hours-ago = hace { $n ->
    [one] 1 hora
    *[other] { $n } horas
    }
time-days-ago = hace { $n ->
    [one] 1 día
    *[other] { $n } días
    }
time-months-ago = hace { $n ->
    [one] 1 mes
    *[other] { $n } meses
    }
time-years-ago = hace { $n ->
    [one] 1 año
    *[other] { $n } años
    }
seats-used = { $count ->
    [one] { $count } plaza ocupada
    *[other] { $count } plazas ocupadas
    }

## Frame, navigation and shared parts
skip-to-content = Saltar al contenido
nav-main = Principal
footer-tagline = Portico — incorporación de inquilinos autoalojada
footer-api = API REST
sign-in = Iniciar sesión
sign-out = Cerrar sesión
create-account = Crear cuenta
nav-account = Cuenta
nav-account-of = Cuenta de { $email }
nav-tenant = Inquilino
nav-overview = Resumen
nav-members = Miembros
nav-invitations = Invitaciones
nav-links = Enlaces de invitación
nav-requests = Solicitudes de acceso
nav-organisations = Organizaciones
nav-projects = Proyectos
nav-audit = Registro de auditoría
nav-webhooks = Webhooks
nav-domains = Dominios
nav-sso = Inicio de sesión único
nav-directory = Directorio
pager-label = Páginas
pager-previous = Anterior
pager-next = Siguiente
pager-page = Página { $page } de { $pages }
roles-tenant = Rol en el inquilino
roles-no-tenant = Sin rol en el inquilino
roles-organisation = Rol en la organización
roles-no-organisation = Sin rol en la organización
unverified-label = Confirmación del correo
unverified-text = Confirme su dirección de correo para enviar invitaciones. Le enviamos un enlace al registrarse.
unverified-resend = Reenviar el correo de verificación
unverified-sent = Enviado. Revise su bandeja de entrada.
error-title = Algo no va bien
error-home = Volver a la página de inicio

## Home page
loading = Cargando…
home-title = Traiga personas a su producto
home-lede = Con Portico las personas se registran y crean un inquilino, invitan a otras por correo con roles y gestionan miembros, organizaciones, proyectos y un registro de auditoría, en el navegador o mediante una API REST.
home-have-account = ¿Ya tiene una cuenta?
home-new-here = ¿Es nuevo aquí?
home-new-here-text = Cree una cuenta y su propio inquilino, y luego invite a las personas con las que trabaja.
home-invited = Tengo una invitación
home-invited-text = Abra el enlace del correo de invitación para aceptarla. O inicie sesión (o cree una cuenta) con la dirección invitada: sus invitaciones aparecen aquí.
home-welcome = Bienvenido, { $name }
home-waiting = Invitaciones pendientes para usted
home-confirm-first = Confirme su dirección de correo (vea el correo que le enviamos) para aceptarlas.
home-expires = caduca el { $date }
home-no-tenants = Todavía no es miembro de ningún inquilino.
status-heading = Estado del servidor
status-button = Comprobar el estado del servidor
status-checking = Comprobando…
status-not-checked = Aún no comprobado.
status-up = El servidor { $version } funciona; base de datos { $database }. Comprobaciones: { $checks }.
status-reachable = accesible
status-unreachable = inaccesible
status-no-server = No se pudo contactar con el servidor.
status-answered = El servidor respondió { $status }.

## Signing in, registering, passwords
field-email = Correo electrónico
field-password = Contraseña
field-new-password = Contraseña nueva
field-first-name = Nombre
field-last-name = Apellidos
field-tenant-name = Nombre del inquilino
field-project-name = Nombre del proyecto
login-enter-password = Introduzca su contraseña.
login-signed-out = Ha cerrado la sesión.
login-password-changed = Su contraseña ha cambiado. Inicie sesión con la nueva.
login-sso-hint = ¿Su organización le da acceso? Escriba su correo del trabajo y deje la contraseña vacía.
login-forgot = ¿Olvidó su contraseña?
login-create-account = Crear una cuenta
logout-question = ¿Cerrar la sesión de Portico en este navegador?
register-title = Cree su cuenta
register-lede = Obtiene un inquilino propio, con un primer proyecto, y lo administra usted.
register-have-account = ¿Ya tiene una cuenta?
forgot-sent = Si existe una cuenta con ese correo, le hemos enviado un enlace para elegir una contraseña nueva. Revise su bandeja de entrada.
forgot-send = Enviar el enlace
forgot-back = Volver a iniciar sesión
reset-title = Elija una contraseña nueva
reset-submit = Guardar la contraseña nueva

## Confirming the email address
verify-title = Confirme su dirección de correo
verify-confirm-yours = Confirme que esta dirección de correo es suya.
verify-other-browser = Esta dirección se confirma desde un navegador distinto del que eligió su contraseña, así que esa contraseña deja de funcionar ahora. Elija una nueva.
verify-submit = Confirmar la dirección de correo
verify-done = Su dirección de correo está confirmada. ¡Gracias!
verify-joined = Se ha unido al inquilino del enlace con el que se registró.
open-tenant = Abrir el inquilino
go-to-account = Ir a su cuenta

## Account page
account-language-unknown = Elija English, Deutsch o Español.
account-saved-profile = Su nombre está guardado.
account-saved-password = Su contraseña ha cambiado. Las demás sesiones se han cerrado.
account-saved-requested = Su solicitud se ha enviado. Decide un administrador; le enviaremos la respuesta por correo.
account-saved-language = Su idioma está guardado.
account-saved-left = Ha abandonado el inquilino.
account-confirmed = (confirmado)
account-not-confirmed = (aún no confirmado)
account-language = Idioma
account-language-label = Páginas y correos en
account-language-browser = El idioma del navegador
account-language-hint = Las invitaciones que reciba a partir de ahora también estarán en este idioma.
account-language-save = Guardar el idioma
account-leave-label = Abandonar { $tenant }
account-join-label = Unirse a { $tenant }
account-ask-label = Pedir unirse a { $tenant }
account-token-use-before = Use un token como
account-token-use-after = con la API REST.
account-never = nunca
account-revoke-label = Revocar { $name }
account-title = Su cuenta
account-new-link = Le enviamos un nuevo enlace de confirmación. Revise su bandeja de entrada.
field-name = Nombre
account-profile = Perfil
account-save-profile = Guardar el perfil
account-change-password = Cambiar la contraseña
field-current-password = Contraseña actual
account-my-tenants = Mis inquilinos
account-leave = Abandonar
account-joinable = Inquilinos a los que puede unirse
account-joinable-text = Estos inquilinos admiten a personas con una dirección de correo confirmada de su dominio, al momento o cuando lo aprueba un administrador.
account-join = Unirse
account-request-sent = Solicitud enviada: decide un administrador
field-message-optional = Mensaje (opcional)
account-ask = Pedir unirse
account-api-tokens = Tokens de API
account-token-once = Copie ahora su token nuevo; solo se muestra una vez:
account-prefix = Prefijo
account-last-used = Último uso
col-action = Acción
account-revoke = Revocar
account-create-token = Crear un token de API
account-token-name = Nombre del token
account-create-token-button = Crear token

## The invitation page
invite-used = Invitación ya utilizada
invite-used-text = Esta invitación ya se ha utilizado. Si fue usted, inicie sesión para continuar.
invite-declined = Invitación rechazada
invite-declined-text = Esta invitación fue rechazada.
invite-revoked = Invitación revocada
invite-revoked-text = El inquilino revocó esta invitación. Pida una nueva si aún necesita acceso.
invite-expired = Invitación caducada
invite-expired-text = Esta invitación ha caducado. Pida a quien le invitó que le envíe una nueva.
invite-wrong-person = Esta invitación es para { $email }, pero ha iniciado sesión como { $me }.
invite-sign-out-to-continue = Cierre la sesión para continuar como { $email }; volverá a esta invitación.
invite-sign-out-continue = Cerrar sesión y continuar
invite-join = Unirse a { $tenant }
invite-have-account = Ya tiene una cuenta como { $email }. Inicie sesión para aceptar la invitación.
invite-language = Idioma
invite-title = Invitación
invite-replaced = Enlace de invitación sustituido
invite-replaced-text = Un correo de invitación más reciente sustituyó este enlace. Use el enlace del último correo que recibió.
invite-not-found = Invitación no encontrada
invite-not-found-text = Este enlace de invitación no es válido. Puede que esté mal escrito o que una invitación más reciente lo haya sustituido. Pida una nueva a quien le invitó.
invite-tenant = Inquilino
invite-by = Invitado por
invite-for = Para
invite-roles = Roles
invite-expires = Caduca
invite-their-message = Su mensaje
invite-accept = Aceptar la invitación
invite-decline = Rechazar
invite-sign-in-to-accept = Inicie sesión para aceptar
invite-sign-in-and-accept = Iniciar sesión y aceptar

## Joining with a link
join-used-up = Enlace agotado
join-used-up-text = Este enlace se ha usado tantas veces como permite. Pida uno nuevo a quien lo compartió.
join-revoked = Enlace revocado
join-revoked-text = Los administradores del inquilino revocaron este enlace. Pídales uno nuevo si aún necesita acceso.
join-expired = Enlace caducado
join-expired-text = Este enlace ha caducado. Pida uno nuevo a quien lo compartió.
join-already-member = Ya es miembro de { $tenant }.
join-wrong-domain = Este enlace es para personas con una dirección de correo @{ $domain }; ha iniciado sesión como { $email }.
join-sign-out-other = Cerrar sesión y usar otra cuenta
join-request-sent = Su solicitud para unirse a { $tenant } se ha enviado. Decide un administrador; le enviaremos la respuesta por correo.
join-people-at = Personas con una dirección de correo @{ $domain }
join-confirm-sent = Enviamos un enlace de confirmación a { $email }. Ábralo para confirmar su dirección; entonces se unirá.
join-confirm-first = Confirme su dirección de correo ({ $email }) para unirse: podemos enviarle un enlace que la confirma y le une.
join-send-again = Enviar el enlace de nuevo
join-send = Enviar el enlace
join-new-domain = Use su dirección de correo @{ $domain }. Le enviamos un enlace para confirmarla; se une al abrirlo.
join-new = Le enviamos un enlace para confirmar su dirección de correo; se une al abrirlo.
join-new-domain-request = Use su dirección de correo @{ $domain }. Le enviamos un enlace para confirmarla; al abrirlo, su solicitud llega a los administradores.
join-new-request = Le enviamos un enlace para confirmar su dirección de correo; al abrirlo, su solicitud llega a los administradores.
join-title = Unirse
join-not-found = Enlace no encontrado
join-not-found-text = Este enlace de invitación no es válido. Puede que esté mal escrito o incompleto. Pida el enlace completo a quien lo compartió.
join-request-how = Un administrador aprueba quién se une con este enlace. Cuéntele quién es, si quiere.
join-message = Mensaje para los administradores (opcional)
join-have-account = ¿Ya tiene una cuenta?
join-sign-in = Iniciar sesión para unirse
join-who = Quién puede unirse
join-new-here = ¿Es nuevo? Cree su cuenta

## Ownership transfer page
ownership-answer-invalid = Acepte o rechace.
ownership-asked = Se le pide que sea el propietario de { $tenant }.
ownership-what = Como propietario sigue siendo administrador y nadie más puede quitarle, desactivarle ni degradarle. El propietario actual sigue siendo administrador.
ownership-ends = Esta oferta termina
ownership-title = Transferencia de la propiedad
ownership-declined = Ha rechazado. El inquilino conserva su propietario.
ownership-sign-in = Inicie sesión como la persona a la que se envió esta transferencia para aceptarla o rechazarla.
ownership-gone = Este enlace de transferencia no funciona: se aceptó, se rechazó, se canceló, lo sustituyó uno más reciente o caducó.
ownership-accept = Aceptar la propiedad

## Tenant overview
seats-of-limit = { $used } de { $limit } plazas ocupadas, { $reserved } reservadas
seats-no-limit = { $used ->
    [one] { $used } plaza ocupada
    *[other] { $used } plazas ocupadas
    }, { $reserved } reservadas, sin límite
overview-now-owner = Ahora es el propietario de este inquilino.
overview-owner = Propietario: { $name } ({ $email })
overview-your-roles = Sus roles: { $roles }
overview-funnel-total = { $count ->
    [one] { $count } invitación enviada
    *[other] { $count } invitaciones enviadas
    } en las últimas { $weeks } semanas.
funnel-sent = enviadas
funnel-accepted = aceptadas
funnel-pending = pendientes
funnel-expired = caducadas
funnel-chart-label = Invitaciones por semana: enviadas, aceptadas, pendientes, caducadas
status-active = Activo
status-disabled = Desactivado
status-deleted = Eliminado
overview-first = Invite a su primer compañero
overview-first-text = Aún no se ha invitado a nadie a este inquilino. Invite a las personas con las que trabaja: recibirán un correo con un enlace para unirse, con los roles que elija.
overview-invite-people = Invitar a personas
overview-by-status = Miembros por estado
overview-by-role = Miembros por rol
overview-funnel = Embudo de invitaciones
overview-by-week = Invitaciones por semana de envío
overview-week-of = Semana del
funnel-col-sent = Enviadas
funnel-col-accepted = Aceptadas
funnel-col-pending = Pendientes
funnel-col-expired = Caducadas

## Choosing a tenant for an application
choose-invalid-request = La solicitud de inicio de sesión de la aplicación no es válida.
choose-no-tenant = No es miembro activo de ningún inquilino, así que aún no puede iniciar sesión en { $client }. Pida una invitación al administrador de un inquilino.
choose-which = ¿Con qué inquilino quiere usar { $client }?
choose-signed-in-as = Sesión iniciada como { $email }.
choose-other-account = Usar otra cuenta
choose-title = Elija un inquilino
choose-continue = Continuar

## Not found
not-found-title = Página no encontrada
not-found-text = No hay nada en esta dirección. Puede que se haya movido o que el enlace esté mal escrito.

## Members page
members-done-roles = Roles guardados.
members-done-disabled = Miembro desactivado.
members-done-enabled = Miembro reactivado.
members-done-links = Sus enlaces están revocados.
members-done-nominated = Transferencia solicitada: el nuevo propietario recibió por correo un enlace para aceptarla.
members-done-transfer-cancelled = Transferencia cancelada.
members-done-removed = Miembro eliminado.
members-links-still-work = Los enlaces que creó { $name } siguen funcionando
members-link-line = Enlace { $id }: { $roles }, { $uses } de { $max } usos, hasta el { $until }
members-active-and-disabled = Activos y desactivados
members-manage-label = Gestionar a { $name }
members-re-enable = Reactivar
members-re-enable-question = ¿Reactivar a { $name }?
members-re-enable-yes = Sí, reactivar
members-disable = Desactivar
members-disable-question = ¿Desactivar a { $name }?
members-disable-yes = Sí, desactivar
members-remove-question = ¿Eliminar a { $name } de este inquilino? Su acceso termina de inmediato.
members-owner-note = { $name } es el propietario de este inquilino: nadie más puede degradarle, desactivarle ni eliminarle. Solo esa persona puede ceder la propiedad.
members-last-manager-note = { $name } es el último administrador activo. Un inquilino siempre conserva uno: nombre administrador a otra persona antes de degradar, desactivar o eliminar a { $name }.
members-transfer-waiting = Esperando a que { $name } ({ $email }) acepte, hasta
members-title = Miembros
members-links-text = Quien tenga uno de estos enlaces compartibles todavía puede unirse. Revóquelos salvo que el inquilino aún los quiera.
members-revoke-them = Revocarlos
members-search = Buscar miembros
col-status = Estado
members-search-button = Buscar
col-organisation = Organización
col-joined = Se unió
col-actions = Acciones
members-owner = Propietario
members-manage = Gestionar
members-transfer = Transferir la propiedad
members-confirm-removal = Confirmar la eliminación
members-yes-remove = Sí, eliminar
cancel = Cancelar
members-confirm-status = Confirmar el cambio de estado
members-save-roles = Guardar los roles
members-remove = Eliminar
close = Cerrar
members-transfer-text = El nuevo propietario debe aceptar desde el correo que recibe. Hasta entonces usted sigue siendo el propietario; después sigue siendo administrador.
members-cancel-transfer = Cancelar la transferencia
members-new-owner = Correo del nuevo propietario (un miembro activo)
members-send-transfer = Enviar la solicitud de transferencia

## Invitations page
bulk-none = Pegue al menos una dirección de correo.
bulk-too-many = Pegue como máximo { $max } direcciones a la vez.
bulk-row-twice = Fila { $row } ({ $address }): aparece dos veces.
bulk-row-problem = Fila { $row } ({ $address }): { $problem }
bulk-sent = Invitación enviada.
invites-choose-organisation = Elija una organización de la lista.
invites-sent-to = Invitación enviada a { $email }.
invites-no-seat = No queda ninguna plaza: las { $limit } plazas están ocupadas o reservadas por invitaciones pendientes. Revoque una invitación o elimine a un miembro para invitar a alguien nuevo.
invites-language = Idioma de la invitación
invites-language-auto = El suyo, o si no el predeterminado del inquilino
invites-bulk-how = Pegue una dirección de correo por línea, como máximo { $max }. Se comprueba cada fila antes de enviar nada.
invites-filter-all = Todas
invites-filter-expiring = Caducan pronto
invites-resend-label = Reenviar a { $email }
invites-copy-label = Copiar el enlace para { $email }
invites-again-label = Invitar de nuevo a { $email }
invites-revoke-label = Revocar la invitación de { $email }
invites-copy = Copiar al portapapeles
invites-copied = Copiado
invite-status-pending = Pendiente
invite-status-accepted = Aceptada
invite-status-declined = Rechazada
invite-status-revoked = Revocada
invite-status-expired = Caducada
invites-title = Invitaciones
invites-invite-someone = Invitar a alguien
field-message = Mensaje
invites-send = Enviar la invitación
invites-many = Invitar a muchas personas
invites-addresses = Direcciones de correo
invites-roles-everyone = Roles para todos
invites-send-many = Enviar las invitaciones
invites-bulk-results = Resultados
invites-only-managers = Solo los administradores pueden invitar a personas.
invites-all = Todas las invitaciones
invites-filter = Filtrar por estado
invites-search = Buscar por dirección de correo (o su comienzo)
invites-new-link = Enlace nuevo (los enlaces anteriores de esta invitación ya no funcionan):
invites-resend = Reenviar
invites-copy-link = Copiar el enlace
invites-again = Invitar de nuevo
invites-no-organisation = Ninguna (todo el inquilino)

## Invitation links page
links-mode-invalid = Elija unirse o solicitar.
links-organisation-n = organización { $id }
links-whole-tenant = Todo el inquilino
links-intro = Un enlace permite unirse con los roles que elija a cualquiera que lo tenga, hasta un número de personas y hasta que caduque. Se necesita una dirección de correo confirmada (de su dominio, si indica uno). Las plazas se comprueban en cada unión.
links-revoke-label = Revocar el enlace { $id }
links-anyone = Cualquiera
links-uses = { $uses } de { $max }
links-at-once = Al momento
links-manager-approves = Lo aprueba un administrador
links-used-up = Agotado
links-title = Enlaces de invitación
links-created = Enlace creado. Cópielo ahora; solo se muestra una vez:
links-links = Enlaces
links-none = Aún no hay enlaces.
links-where = Dónde
links-who = Quién
links-col-uses = Usos
links-joining = Unión
links-state = Estado
links-create-title = Crear un enlace
links-max-uses = Número de personas que pueden unirse
links-valid-for = Válido durante (horas)
links-domain = Solo para direcciones de correo de (opcional)
links-domain-hint = Un dominio como example.com; déjelo vacío para cualquiera con una dirección de correo confirmada.
links-people = Las personas que usan el enlace
links-mode-join = se unen al momento
links-mode-request = piden unirse; lo aprueba un administrador
links-create = Crear el enlace

## Join requests page
requests-done-approved = Aprobada: ahora es miembro.
requests-done-denied = Rechazada.
requests-approve = Aprobar a { $name }
requests-deny = Rechazar a { $name }
requests-asks-domain = Pide unirse por el dominio de correo del inquilino; se ofrece: { $roles }.
requests-asks-link = Pide unirse con un enlace de invitación; se ofrece: { $roles }.
requests-asked = Lo pidió
requests-intro = Personas cuya dirección confirmada es de un dominio de este inquilino con solicitudes, o que usaron un enlace que pide aprobación. Apruebe con los roles que elija o rechace; en ambos casos reciben un correo. Las solicitudes caducan a los 30 días.
requests-nobody = No hay nadie esperando.

## Organisations and projects
collection-new-organisation = Organización nueva
collection-new-project = Proyecto nuevo
collection-create-organisation = Crear la organización
collection-create-project = Crear el proyecto
collection-rename-label = Nombre nuevo para { $name }
collection-delete-label = Eliminar { $name }
collection-rename = Cambiar el nombre
collection-delete = Eliminar

## Audit log
audit-events = { $count ->
    [one] { $count } evento
    *[other] { $count } eventos
    }
audit-actor = Autor
audit-action = Acción
audit-any-action = Cualquier acción
audit-filter = Filtrar
audit-when = Cuándo
audit-target = Objeto

## Webhooks page
event-invite-created = se envía una invitación
event-invite-resent = una invitación recibe un enlace nuevo (reenviada, renovada o copiada)
event-invite-revoked = un administrador revoca una invitación
event-invite-declined = la persona invitada rechaza
event-invite-accepted = la persona invitada acepta
event-invite-expired = una invitación caduca sin respuesta
event-member-joined = alguien se une al inquilino
event-member-updated = cambian los roles o el estado de un miembro
event-member-removed = se elimina a un miembro o se va
event-tenant-owner-changed = un nuevo propietario acepta la propiedad del inquilino
event-join-request-created = alguien pide unirse al inquilino
event-join-request-approved = un administrador aprueba una solicitud de acceso
event-join-request-denied = un administrador rechaza una solicitud de acceso
webhooks-intro-signed = Portico envía por POST cada evento de este inquilino a sus puntos como JSON, firmado según
webhooks-intro-retries = Cualquier respuesta 2xx cuenta como entregada; lo demás se reintenta durante unos tres días.
webhooks-added = Punto añadido para { $url }. Copie ahora su secreto de firma; solo se muestra una vez:
webhooks-delete-what = { $url } deja de recibir eventos y su registro de entregas se elimina con él.
webhooks-event-when = Cuando { $what }.
webhooks-all-events = Todos los eventos
webhooks-enabled = Activado
webhooks-failing-since = Activado, con fallos desde
webhooks-disabled-failing = Desactivado: tres días sin una entrega correcta
webhooks-disabled = Desactivado
webhooks-disable-label = Desactivar { $url }
webhooks-enable-label = Activar { $url }
webhooks-enable = Activar
webhooks-log-of = Registro de entregas de { $url }
webhooks-delivered = Entregado
webhooks-retrying = Reintento
webhooks-sending = Enviando
webhooks-failed = Fallido: no quedan intentos
webhooks-retry-label = Reintentar la entrega { $id } de { $event }
webhooks-retry = Reintentar
webhooks-log-pages = Páginas del registro de entregas
webhooks-deleted = El punto está eliminado.
webhooks-retried = La entrega vuelve a estar pendiente y sale en un momento.
webhooks-delete-question = ¿Eliminar este punto?
webhooks-delete-endpoint = Eliminar el punto
webhooks-keep = Conservarlo
webhooks-url = URL
webhooks-events = Eventos
webhooks-endpoint-url = URL del punto
webhooks-url-hint = Una dirección https:// en internet (se rechazan las direcciones privadas y de bucle local).
webhooks-description = Descripción
webhooks-tick-none = No marque ninguno para recibir todos los eventos, incluidos los tipos que se añadan más adelante.
webhooks-delivery-log = Registro de entregas
webhooks-nothing = Aún no se ha enviado nada. Los eventos de este inquilino aparecen aquí cuando ocurren.
webhooks-event = Evento
webhooks-attempts = Intentos
webhooks-response = Respuesta
webhooks-last-error = Último error
webhooks-created = Creado
webhooks-none = Aún no hay puntos. Añada uno abajo para recibir los eventos de este inquilino.
webhooks-add = Añadir un punto
webhooks-add-button = Añadir el punto

## Domains page
domains-intro = Con un dominio en unión automática, cualquiera cuya dirección de correo confirmada sea de ese dominio puede unirse a este inquilino desde la página de su cuenta, con los roles que elija (si hay plazas). Solo puede añadir el dominio de su propia dirección de correo confirmada, y nunca el de un proveedor de correo público. La unión automática necesita una prueba de que el inquilino controla el dominio: un registro TXT en su DNS. Un dominio probado pertenece solo a este inquilino.
domains-remove-label = Eliminar { $domain }
domains-proven = Probado por DNS el { $date }.
domains-policy-auto = Unión automática: activada, como { $roles }.
domains-policy-request = Solicitudes de acceso: las personas piden unirse y un administrador aprueba (roles ofrecidos: { $roles }).
domains-policy-off = Unión automática: desactivada.
domains-not-proven = Aún no probado. Añada este registro TXT al DNS del dominio y luego verifique:
domains-value = Valor
domains-verify = Verificar
domains-who-joins = Quién se une
domains-off = Nadie por su cuenta (desactivado)
domains-request = Las personas de este dominio piden unirse; un administrador aprueba cada una (solicitudes)
domains-auto = Cualquiera con una dirección confirmada de este dominio (automático)
domains-roles = Roles que reciben
domains-save = Guardar
domains-add-title = Añadir un dominio
domains-domain = Dominio
domains-add = Añadir el dominio

## Single sign-on page
sso-intro = Las personas de los dominios probados del inquilino pueden iniciar sesión con el proveedor de identidad de su organización (OpenID Connect: Okta, Entra ID, Google Workspace…). En la página de inicio de sesión escriben su correo y se les envía allí; la primera vez se unen a este inquilino con los roles que elija (si hay plazas).
sso-none = (ninguno)
sso-yes = sí
sso-no = no
sso-not-said = (no indicado)
sso-remove-label = Eliminar la conexión con { $issuer }
sso-connection = Cliente { $client } · dominios { $domains } · las personas se unen como { $roles }.
sso-connection-required = Cliente { $client } · dominios { $domains } · las personas se unen como { $roles } · contraseñas rechazadas (obligatorio).
sso-redirect = URI de redirección
sso-register-redirect = Registre esta URI de redirección para la aplicación en su proveedor de identidad:
sso-works = La conexión funciona
sso-works-text = El proveedor de identidad inició la sesión de alguien y envió estos datos (aquí no se inició la sesión de nadie):
sso-issuer = Emisor
sso-subject = Sujeto
sso-email-verified = Correo verificado
sso-test = Probar la conexión
sso-connect-title = Conectar un proveedor de identidad
sso-prove-first = Primero pruebe un dominio por DNS en la página Dominios: una conexión solo da acceso a las personas de dominios probados.
sso-issuer-url = URL del emisor
sso-client-id = ID de cliente
sso-client-secret = Secreto de cliente
sso-roles = Roles con los que se unen las personas
sso-required = Obligatorio: las personas de estos dominios no pueden iniciar sesión con contraseña
sso-connect = Conectar

## Directory page
directory-in-organisation = {" "}en { $organisation }
directory-intro = Su proveedor de identidad (Okta, Entra ID…) puede añadir, cambiar y eliminar los miembros de este inquilino desde el directorio de su empresa con SCIM 2.0. Introduzca la URL de SCIM de abajo y un token creado aquí en su configuración de aprovisionamiento.
directory-delete-label = Eliminar el token { $name }
directory-never = Nunca
directory-now = Ahora: { $roles }.
directory-groups-count = { $count ->
    [one] { $count } grupo del directorio.
    *[other] { $count } grupos del directorio.
    }
directory-groups-how = Un miembro aprovisionado tiene los roles de cada grupo asignado al que pertenece; no marque ningún rol para quitar la asignación de un grupo. Los miembros que estaban antes del directorio conservan los roles que les dieron los administradores.
directory-mapped = Asignado a { $roles }{ $organisation }.
directory-not-mapped = Sin asignar.
directory-scim-url = URL de SCIM
directory-tokens = Tokens del directorio
directory-token-once = Copie el token ahora; solo se muestra una vez:
directory-no-token = Aún no hay ningún token.
directory-made = Creado
directory-create-token = Crear un token del directorio
directory-default-roles = Roles de las personas sin grupo asignado
directory-save-default = Guardar los roles predeterminados
directory-groups = Grupos
directory-save-mapping = Guardar la asignación

## Tenant language
tenant-language = Idioma de las invitaciones
tenant-language-saved = El idioma de las invitaciones está guardado.
tenant-language-label = Las invitaciones a personas que no eligieron idioma están en
tenant-language-instance = El idioma predeterminado de este Portico
tenant-language-hint = Una invitación puede indicar su propio idioma; la elección de la persona tiene prioridad.
webhooks-endpoints = Puntos
members-count = { $count ->
    [one] { $count } miembro
    *[other] { $count } miembros
    }
