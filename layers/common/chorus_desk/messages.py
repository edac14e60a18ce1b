"""Every French text the desk shows to a user, in one place: labels (statuses, actions, roles, object
types, routing rules, teams, fields), error messages, and the texts of API Gateway's own answers.

Other modules name these constants and never write French themselves; a test checks that the gateway
responses of template.yaml carry the same texts as ``GATEWAY_RESPONSES`` here.
"""

from __future__ import annotations

INVALID_INPUT = "La demande contient des champs manquants ou invalides."
BODY_REQUIRED = "Le corps de la requête est obligatoire."
BODY_NOT_JSON = "Le corps de la requête doit être un objet JSON valide (Content-Type: application/json)."
NOT_AUTHENTICATED = "Authentification requise : fournissez un jeton valide dans l'en-tête Authorization."
SECOND_FACTOR_REQUIRED = (
    "Double authentification requise : les agents du support technique se connectent avec le code de leur "
    "application d'authentification (TOTP). Activez-la dans votre compte, puis reconnectez-vous."
)
TOO_MANY_REQUESTS = "Trop de requêtes : veuillez réessayer dans quelques instants."
UNSUPPORTED_CONTENT_TYPE = (
    "Type de contenu « {content_type} » non pris en charge : envoyez le corps en JSON (Content-Type: application/json)."
)
BODY_NOT_UTF8 = "Le corps de la requête doit être encodé en UTF-8."
BODY_TOO_DEEP = "Le corps de la requête est imbriqué trop profondément (au plus {depth} niveaux)."
BODY_NOT_OBJECT = "Le corps de la requête doit être un objet JSON ({…})."
TICKET_NUMBER_INVALID = (
    "Le numéro de ticket « {value} » n'est pas valide : indiquez un nombre entier positif, en chiffres, "
    "sans zéro initial."
)
NO_STRUCTURE_TO_EMIT = (
    "Vous n'êtes rattaché à aucune structure : seul un utilisateur d'une structure peut créer un ticket "
    "(le mode non connecté est ouvert à tous)."
)
ROUTE_NOT_FOUND = "Ressource introuvable."
TICKET_NOT_FOUND = "Le ticket n° {number} est introuvable."
CONCURRENT_MODIFICATION = (
    "Le ticket n° {number} a été modifié par une autre action pendant votre demande : "
    "rechargez-le puis recommencez. Aucune modification n'a été enregistrée."
)
TRANSITION_NOT_ALLOWED = "L'action « {action} » est impossible : le ticket n° {number} est au statut « {status} »."
ONLY_DRAFT_EDITABLE = (
    "Seul un ticket au statut « Brouillon » peut être modifié ; le ticket n° {number} est au statut « {status} »."
)
ONLY_DRAFT_DELETABLE = (
    "Seul un ticket au statut « Brouillon » peut être supprimé ; le ticket n° {number} est au statut « {status} »."
)
EMITTER_ONLY = "Seul l'émetteur du ticket peut effectuer l'action « {action} »."
RECIPIENT_ONLY = "Seul le destinataire du ticket peut effectuer l'action « {action} »."
STORAGE_UNAVAILABLE = "Le service est momentanément indisponible. Veuillez réessayer dans quelques instants."
STORAGE_THROTTLED = "Le service reçoit trop de demandes en ce moment. Veuillez réessayer dans {seconds} secondes."
# Retried requests: the Idempotency-Key header of the routes that write a ticket (api/idempotency.py)
IDEMPOTENCY_KEY_INVALID = (
    "L'en-tête Idempotency-Key n'est pas valide : donnez une seule clé de 1 à 128 caractères parmi les lettres "
    "non accentuées, les chiffres, « - » et « _ » (un UUID, par exemple)."
)
IDEMPOTENCY_KEY_REUSED = (
    "Cette clé Idempotency-Key a déjà servi, ces dernières 24 heures, pour une autre demande (un autre contenu ou "
    "un autre ticket) : une nouvelle demande prend une nouvelle clé. Rien n'a été enregistré."
)
REQUEST_IN_PROGRESS = (
    "Une demande avec la même clé Idempotency-Key est encore en cours de traitement : réessayez dans quelques "
    "secondes pour obtenir sa réponse. Rien n'a été fait en double."
)
INTERNAL_ERROR = "Une erreur interne est survenue. Veuillez réessayer ; si le problème persiste, contactez le support."

# Field validation
FIELD_REQUIRED = "Le champ « {label} » est obligatoire."
FIELD_TOO_LONG = "Le champ « {label} » ne doit pas dépasser {max} caractères."
FIELD_TOO_SHORT = "Le champ « {label} » doit contenir au moins {min} caractère(s)."
FIELD_BAD_FORMAT = "Le champ « {label} » n'est pas au bon format."
FIELD_NOT_ALLOWED = "Le champ « {label} » n'est pas autorisé ici."
FIELD_BAD_CHOICE = "La valeur du champ « {label} » n'est pas autorisée."
FIELD_NOT_INTEGER = "Le champ « {label} » doit être un nombre entier."
FIELD_NOT_BOOLEAN = "Le champ « {label} » doit valoir true ou false."
FIELD_BLANK = "Le champ « {label} » ne peut pas être vide."

CATEGORY_REQUIRED = "La catégorie est obligatoire."
SUBCATEGORY_REQUIRED = "La sous-catégorie est obligatoire."
CATEGORY_UNKNOWN = "La catégorie « {code} » n'existe pas."
SUBCATEGORY_UNKNOWN = "La sous-catégorie « {code} » n'existe pas pour la catégorie « {category} »."
EMITTER_REQUIRED = "La structure émettrice est obligatoire."
EMITTER_NOT_MEMBER = "Vous n'êtes pas rattaché à la structure {siret} : choisissez une de vos structures."
EMITTER_SERVICE_UNKNOWN = "Le service « {code} » n'appartient pas à la structure {siret}."
EMITTER_SERVICE_WITHOUT_STRUCTURE = "Choisissez d'abord la structure émettrice avant son service."
TITLE_REQUIRED = "Le titre est obligatoire."
DESCRIPTION_REQUIRED = "La description est obligatoire."
CONTACT_EMAIL_REQUIRED = "L'adresse électronique de contact est obligatoire."
EMAIL_INVALID = "L'adresse électronique « {value} » n'est pas valide."
PHONE_INVALID = (
    "Le numéro de téléphone « {value} » n'est pas valide "
    "(chiffres, espaces, points, tirets, « + » en tête ; 6 à 20 caractères)."
)
SIRET_INVALID = "Le SIRET « {value} » n'est pas valide (14 chiffres avec une clé de contrôle correcte)."
ASSIGNEE_NOT_AGENT = "La personne désignée n'est pas un agent de l'organisation destinataire du ticket."
# Routing: the object of a ticket (seed 003's messages word for word) and the public structure asked.
OBJECT_NUMBER_REQUIRED = "Le numéro est obligatoire"
OBJECT_NOT_FOUND = "Le numéro indiqué ne correspond à aucune demande de paiement"
OBJECT_TYPE_MISMATCH = (
    "Le type d'objet « {given} » ne correspond pas à la sous-catégorie « {subcategory} » : "
    "le type attendu est « {expected} »."
)
OBJECT_DRAFT_WITHOUT_RECIPIENT = (
    "{The_object} n° {number} est à l'état « Brouillon » sans destinataire : le destinataire du ticket ne peut pas "
    "être identifié. Renseignez d'abord le destinataire de la demande de paiement dans Chorus Pro."
)
OBJECT_RECIPIENT_UNKNOWN = (
    "Le destinataire indiqué sur {the_object} n° {number} n'est pas une structure connue de Chorus Pro : "
    "le ticket ne peut pas lui être adressé."
)
FIELD_NOT_FOR_SUBCATEGORY = "Le champ « {label} » ne s'applique pas à la sous-catégorie « {subcategory} »."
FIELD_NEEDS_SUBCATEGORY = "Choisissez d'abord la catégorie et la sous-catégorie avant le champ « {label} »."
RECIPIENT_SIRET_REQUIRED = "Le SIRET de la structure destinataire est obligatoire."
RECIPIENT_STATE_FLAG_REQUIRED = "Indiquez si le destinataire est un service de l'État (oui ou non)."
RECIPIENT_UNKNOWN = "Aucune structure n'est enregistrée dans Chorus Pro sous le SIRET {siret}."
RECIPIENT_INACTIVE = "La structure {siret} ({name}) est inactive dans Chorus Pro : elle ne peut pas recevoir de ticket."
RECIPIENT_NOT_PUBLIC = (
    "La structure {siret} ({name}) n'est pas une structure publique : seule une entité publique peut être "
    "destinataire d'une question."
)
RECIPIENT_IS_EMITTER = "La structure destinataire doit être différente de la structure émettrice."
RECIPIENT_SERVICE_UNKNOWN = "Le service « {code} » n'appartient pas à la structure destinataire {siret}."
RECIPIENT_SERVICE_WITHOUT_STRUCTURE = "Indiquez d'abord le SIRET de la structure destinataire avant son service."
LIST_AGENTS_ACTION = "Voir les agents à qui assigner le ticket"
ASSIGNEE_REQUIRED = "L'agent à qui assigner le ticket est obligatoire."
QUESTION_REQUIRED = "La question est obligatoire."
INFORMATION_REQUIRED = "Le complément d'information est obligatoire."
ANSWER_REQUIRED = "La réponse est obligatoire."
REFUSAL_REASON_REQUIRED = "La raison du refus est obligatoire."
CLOSING_COMMENT_REQUIRED = "Un commentaire est obligatoire pour fermer un ticket qui n'a pas encore reçu de réponse."

# The non-connected form: captcha, abuse limits, the signed status link
CAPTCHA_ID_REQUIRED = "Demandez un code de vérification (image ou son) et renvoyez son identifiant."
CAPTCHA_ANSWER_REQUIRED = "Le code de vérification est obligatoire : recopiez les caractères de l'image (ou du son)."
CAPTCHA_WRONG = "Le code de vérification est incorrect : recopiez les caractères de l'image (ou du son)."
CAPTCHA_EXPIRED = (
    "Le code de vérification a expiré, a déjà servi ou a reçu trop de réponses erronées : demandez-en un nouveau."
)
CAPTCHA_TOO_MANY_FAILURES = (
    "Trois réponses erronées : ce code de vérification n'est plus valable, demandez-en un nouveau."
)
PAIR_NOT_OFFERED_ANONYMOUSLY = (
    "La sous-catégorie « {subcategory} » nécessite un destinataire : elle n'est proposée qu'aux utilisateurs "
    "connectés. Choisissez une sous-catégorie adressée au support technique, ou connectez-vous."
)
# A public limit reached (429): which one, and from when the visitor may try again (Paris time).
TOO_MANY_PUBLIC_REQUESTS = "Limite atteinte pour votre adresse : {what} par {window}. Vous pourrez réessayer {when}."
PUBLIC_LIMIT_WHAT: dict[str, str] = {
    "ticket": "{allowed} tickets saisis",
    "attempt": "{allowed} essais refusés (code de vérification erroné ou déjà utilisé, champ manquant ou invalide)",
    "captcha": "{allowed} codes de vérification demandés",
    "assistant-conversation": "{allowed} conversations commencées",
    "assistant-message": "{allowed} messages ou avis envoyés",
}
PUBLIC_LIMIT_WINDOWS = {"H": "heure", "D": "jour"}
PUBLIC_LIMIT_SAME_DAY = "à partir de {time} (heure de Paris)"
PUBLIC_LIMIT_OTHER_DAY = "à partir du {date} à {time} (heure de Paris)"
PUBLIC_LIMIT_SIGN_IN = " Si vous avez un compte Chorus Pro, connectez-vous pour saisir votre ticket."
STATUS_LINK_NOT_FOUND = "Ce lien de suivi n'est pas valide ou a expiré."
ANONYMOUS_SIDE_NAME = "Vous"
ANONYMOUS_TICKET_CREATED = (
    "Votre ticket n° {number} a été enregistré. Un courriel de confirmation a été envoyé à {email} ; "
    "la réponse vous parviendra à cette adresse."
)

# Attachments
FILE_NAME_REQUIRED = "Le nom du fichier est obligatoire."
FILE_NAME_INVALID = (
    "Ce nom de fichier n'est pas accepté : ni « / », ni « \\ », ni caractère de contrôle, et au plus {max} caractères."
)
FILE_TYPE_NOT_ALLOWED = "Les fichiers « .{extension} » ne sont pas acceptés. Formats acceptés : {allowed}."
FILE_TYPE_MISMATCH = "Le type « {content_type} » ne correspond pas à un fichier « .{extension} »."
FILE_TOO_LARGE = "Le fichier dépasse la taille maximale de {max} par fichier."
TICKET_FILES_TOO_LARGE = "Les pièces jointes du ticket dépasseraient {max} au total ({used} déjà utilisés)."
TICKET_FILES_TOO_MANY = "Un ticket compte au plus {max} pièces jointes."
ATTACHMENT_NOT_FOUND = "La pièce jointe « {id} » du ticket n° {number} est introuvable."
ATTACHMENT_NOT_AVAILABLE = "La pièce jointe « {name} » n'est pas téléchargeable : {state}."
ATTACHMENT_OTHER_SIDE = "Seule la partie qui a ajouté la pièce jointe « {name} » peut la supprimer."
FILES_UNAVAILABLE = "Le stockage des pièces jointes est momentanément indisponible. Veuillez réessayer."
# Why an uploaded file was refused after the check (shown on the ticket)
REFUSAL_NOT_UPLOADED = "le fichier n'a pas été reçu"
REFUSAL_SIZE_MISMATCH = "le fichier reçu ({actual}) n'a pas la taille annoncée ({declared})"
REFUSAL_CONTENT_MISMATCH = "le contenu du fichier ne correspond pas à un fichier « .{extension} »"
REFUSAL_MALWARE = "l'analyse antivirus a détecté une menace"
ATTACHMENT_STATE_LABELS: dict[str, str] = {
    "PENDING": "en attente du fichier",
    "SCANNING": "analyse antivirus en cours",
    "AVAILABLE": "disponible",
    "REFUSED": "refusé",
}

# Mails (the bodies are template files of the mail function; subjects here)
MAIL_SUBJECTS: dict[str, str] = {
    "CONFIRMATION": "Chorus Pro – votre ticket n° {number} a bien été enregistré",
    "INFORMATION_REQUEST": "Chorus Pro – ticket n° {number} : des informations complémentaires vous sont demandées",
    "ANSWER": "Chorus Pro – ticket n° {number} : une réponse vous a été apportée",
    "CLOSURE": "Chorus Pro – ticket n° {number} clôturé",
}
MAIL_SENDER_NAME = "Support Chorus Pro"
MAIL_UNAVAILABLE = "Le service de messagerie est momentanément indisponible : le courriel partira plus tard."

# A field the rules require, sent as null: its own message where the domain has one.
REQUIRED_BY_FIELD: dict[str, str] = {"assignee_id": ASSIGNEE_REQUIRED}

# Labels of the API fields, used in the generic validation messages above.
FIELD_LABELS: dict[str, str] = {
    "submit": "soumettre",
    "category": "catégorie",
    "subcategory": "sous-catégorie",
    "emitter_siret": "structure émettrice",
    "emitter_service": "service émetteur",
    "contact_email": "adresse électronique de contact",
    "contact_phone": "téléphone de contact",
    "title": "titre / résumé",
    "object_type": "type d'objet",
    "object_number": "numéro",
    "recipient_is_state_service": "le destinataire est-il un service de l'État ?",
    "recipient_siret": "SIRET de la structure destinataire",
    "recipient_service": "service destinataire",
    "mode": "mode",
    "description": "description longue",
    "assignee_id": "assigné à",
    "comment": "commentaire",
    "question": "question",
    "text": "texte",
    "reason": "raison",
    "number": "numéro du ticket",
    "captcha_id": "identifiant du code de vérification",
    "captcha_answer": "code de vérification",
    "token": "lien de suivi",
    "name": "nom du fichier",
    "content_type": "type du fichier",
    "size": "taille",
    "attachment_id": "pièce jointe",
}


def field_label(field: str) -> str:
    """The French label of an API field (its last dotted part), or the field name itself."""
    return FIELD_LABELS.get(field.rsplit(".", 1)[-1], field)


# ------------------------------------------------------------------------------------------- labels
STATUS_LABELS: dict[str, str] = {
    "DRAFT": "Brouillon",
    "OPEN": "Ouvert",
    "IN_PROGRESS": "En cours",
    "AWAITING_INFO": "En attente d'informations",
    "RESOLVED": "Résolu",
    "CLOSED": "Fermé",
}

ACTION_LABELS: dict[str, str] = {
    "CREATE_DRAFT": "Enregistrer et quitter",
    "CREATE_AND_SUBMIT": "Soumettre",
    "EDIT_DRAFT": "Modifier le brouillon",
    "DELETE_DRAFT": "Supprimer le brouillon",
    "SUBMIT": "Soumettre",
    "TAKE_IN_CHARGE": "Prendre en charge",
    "ASSIGN": "Assigner",
    "REQUEST_INFORMATION": "Demander des informations",
    "PROVIDE_INFORMATION": "Répondre à la demande d'information",
    "ANSWER": "Répondre",
    "ACCEPT_SOLUTION": "Accepter la solution",
    "REFUSE_SOLUTION": "Refuser la solution",
    "CLOSE": "Fermer le ticket",
    "ADD_ATTACHMENT": "Ajouter un fichier",
    "REMOVE_ATTACHMENT": "Supprimer un fichier",
    "REFUSE_ATTACHMENT": "Fichier refusé",
    "REROUTE": "Réacheminer vers la structure reprenante",
    "AUTO_CLOSE": "Clôture automatique",
}

ROLE_LABELS: dict[str, str] = {
    "PRINCIPAL_MANAGER": "Gestionnaire principal",
    "SECONDARY_MANAGER": "Gestionnaire secondaire",
    "USER": "Utilisateur simple",
}

OBJECT_TYPE_LABELS: dict[str, str] = {
    "FACTURE": "Facture",
    "DEMANDE_REMBOURSEMENT_TIC": "Demande de remboursement",
    "MEMOIRE_FRAIS_JUSTICE": "Mémoire de frais de justice",
}

# The type with its article, for sentences: « la facture », « le mémoire de frais de justice ».
OBJECT_TYPE_PHRASES: dict[str, str] = {
    "FACTURE": "la facture",
    "DEMANDE_REMBOURSEMENT_TIC": "la demande de remboursement",
    "MEMOIRE_FRAIS_JUSTICE": "le mémoire de frais de justice",
}

ROUTING_LABELS: dict[str, str] = {
    "TECHNICAL_SUPPORT": "Support technique Chorus Pro",
    "OBJECT_RECIPIENT": "Service métier : le destinataire de la demande de paiement",
    "RECIPIENT_STRUCTURE": "Service métier : la structure publique indiquée",
    "FIXED_OFFICE": "Service métier désigné par la sous-catégorie",
}

# The teams a pair can be routed to without the emitter designating anyone: id → name.
TEAM_NAMES: dict[str, str] = {
    "SUPPORT": "Support technique Chorus Pro",
    "FRAIS_JUSTICE_REGLEMENTATION": "Bureau réglementaire des frais de justice",
}

# The names the system caller signs history entries with (state machines, scheduled jobs).
SYSTEM_ACTOR_NAMES: dict[str, str] = {
    "desk": "Support Chorus Pro (traitement automatique)",
    "structures": "Chorus Pro (inactivation de structure)",
    "autoclose": "Chorus Pro (clôture automatique)",
}

# What the emitter must fill in before a ticket can be submitted, field by field.
SUBMISSION_REQUIRED: dict[str, str] = {
    "category": CATEGORY_REQUIRED,
    "subcategory": SUBCATEGORY_REQUIRED,
    "emitter_siret": EMITTER_REQUIRED,
    "contact_email": CONTACT_EMAIL_REQUIRED,
    "title": TITLE_REQUIRED,
    "description": DESCRIPTION_REQUIRED,
}

# ---------------------------------------------------------------------- the API's documented answers
RETRY_AFTER_DESCRIPTION = "Secondes à attendre avant de réessayer (jusqu'à « retry_at »)."
ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Champs manquants ou invalides ; rien n'a été enregistré.",
    401: "Jeton absent ou invalide.",
    403: (
        "Action réservée à un autre rôle (l'autre partie du ticket, un gestionnaire de la structure), ou agent du "
        "support connecté sans double authentification (DOUBLE_AUTHENTIFICATION_REQUISE)."
    ),
    404: "Ressource inexistante, ou que l'appelant n'a pas le droit de voir.",
    409: "Action impossible dans l'état actuel, ou ressource modifiée entre-temps ; rien n'a changé.",
    422: "Clé Idempotency-Key déjà utilisée pour une autre demande ces dernières 24 heures ; rien n'a été enregistré.",
    410: "La conversation a expiré : commencez-en une nouvelle.",
    415: "Le corps doit être envoyé en JSON (Content-Type: application/json).",
    429: (
        "Une limite par adresse est atteinte (laquelle : « limit », jusqu'à quand : « retry_at ») : réessayez "
        "après le délai de l'en-tête Retry-After."
    ),
    503: "Service momentanément indisponible (stockage, répertoire Sirene) : réessayez plus tard.",
}
RETRY_AFTER_503 = "Quand le service est surchargé : le délai, en secondes, avant de réessayer."

# The 409 of a route that takes an Idempotency-Key: its own conflicts, or a request with the same key still running.
IDEMPOTENT_CONFLICT_DESCRIPTION = (
    "Une demande avec la même clé Idempotency-Key est encore en cours de traitement : réessayez dans quelques "
    "secondes ; rien n'a changé."
)
IDEMPOTENT_CONFLICT_ALSO = (
    "Ou bien une demande avec la même clé Idempotency-Key est encore en cours de traitement : réessayez dans "
    "quelques secondes."
)

# API Gateway's own answers (template.yaml, GatewayResponses): the same error shape and texts.
GATEWAY_RESPONSES: dict[str, tuple[str, str]] = {
    "UNAUTHORIZED": ("NON_AUTHENTIFIE", NOT_AUTHENTICATED),
    "THROTTLED": ("TROP_DE_REQUETES", TOO_MANY_REQUESTS),
    "DEFAULT_5XX": ("ERREUR_INTERNE", INTERNAL_ERROR),
}

# ---------------------------------------------------------------------------- following: lists, search
TAB_LABELS: dict[str, str] = {
    "ACTION": "Actions requises",
    "ONGOING": "Tous sauf fermés",
    "CLOSED": "Fermés",
    "DRAFTS": "Brouillons",
}
SIDE_LABELS: dict[str, str] = {"EMITTER": "Sollicitations émises", "RECIPIENT": "Sollicitations reçues"}
SORT_LABELS: dict[str, str] = {
    "NUMBER": "Numéro",
    "TITLE": "Titre",
    "CATEGORY": "Catégorie",
    "SUBCATEGORY": "Sous-catégorie",
    "STATUS": "Statut",
    "OPENED": "Ouvert le",
    "CREATED": "Saisie le",
}
NO_SERVICE_LABEL = "Non renseigné"
LIST_SIDE_INVALID = "Le côté « {value} » n'existe pas : choisissez parmi {allowed}."
TAB_INVALID = "L'onglet « {value} » n'existe pas : choisissez parmi {allowed}."
TAB_NOT_ON_SIDE = "L'onglet « {tab} » n'existe que pour les sollicitations émises."
SORT_INVALID = "Le tri « {value} » n'existe pas : choisissez parmi {allowed}."
ORDER_INVALID = "Le sens de tri « {value} » n'existe pas : choisissez parmi {allowed}."
PAGE_SIZE_INVALID = "Le nombre de lignes par page doit être l'une des valeurs {sizes}."
CURSOR_INVALID = (
    "Le curseur de pagination n'est pas valide pour cette liste : recommencez depuis la première page (sans curseur)."
)
PAGE_AND_CURSOR = "Indiquez soit un numéro de page, soit un curseur, mais pas les deux."
PAGE_TOO_FAR = (
    "La page {page} est trop loin pour être atteinte directement ({rows} lignes à parcourir au plus) : "
    "affinez la recherche (période, catégorie, statut…) ou continuez page après page avec le curseur."
)
ASSIGNED_ONLY_RECEIVED = "Le filtre « Qui me sont assignées » ne s'applique qu'aux sollicitations reçues."
SEARCH_CRITERION_REQUIRED = (
    "Renseignez au moins un critère de recherche (numéro, mots du titre ou de la description, catégorie, "
    "sous-catégorie, numéro d'objet, période de création, structure émettrice, structure destinataire, "
    "service destinataire, créateur ou statut)."
)
STATUS_CRITERION_INVALID = "Le statut « {value} » n'existe pas : choisissez parmi {allowed}."
STATUS_NOT_ON_SIDE = "Les sollicitations reçues ne comptent aucun ticket au statut « {status} »."
STATUS_NOT_IN_TAB = "L'onglet « {tab} » ne compte aucun ticket au statut « {status} »."
PERIOD_REVERSED = "La date de fin de la période doit être postérieure ou égale à sa date de début."
WORDS_INVALID = "Indiquez au moins un mot (lettres ou chiffres) à rechercher."
NAME_INVALID = "Indiquez au moins un mot (lettres ou chiffres) du nom à rechercher."
NOT_YOUR_ORGANISATION = "Vous n'êtes pas membre de cette structure : la recherche porte sur vos structures."
NOT_YOUR_TAB_ORGANISATION = "Vous n'êtes pas membre de cette structure : l'onglet ne montre que vos structures."
NUMBER_CRITERION_INVALID = "Le numéro « {value} » n'est pas valide : indiquez un nombre entier positif."
DATE_INVALID = "La date « {value} » n'est pas valide : indiquez-la au format AAAA-MM-JJ."
QUERY_PARAMETER_UNKNOWN = "Paramètre inconnu. Paramètres acceptés : {allowed}."

# ----------------------------------------------------------------- company registry (INSEE Sirene)
ESTABLISHMENT_UNKNOWN = (
    "Le SIRET {siret} ne correspond à aucun établissement du répertoire Sirene de l'Insee : vérifiez le numéro."
)
REGISTRY_UNAVAILABLE = (
    "Le répertoire Sirene de l'Insee ne répond pas pour le moment : impossible de vérifier l'établissement. "
    "Réessayez dans quelques minutes."
)

# ---------------------------------------------------------------------- exports: lists, the ticket's PDF
EXPORT_COLUMNS: tuple[str, ...] = (
    "Numéro",
    "Titre",
    "Catégorie",
    "Sous-catégorie",
    "Statut",
    "Date d'ouverture",
    "Dernière mise à jour",
    "Structure émettrice",
    "Service émetteur",
    "Destinataire",
    "Service destinataire",
    "Agent assigné",
    "Créé par",
    "Type d'objet",
    "Numéro d'objet",
)
EXPORT_SHEET_NAME = "Sollicitations"
EXPORT_FILE_NAME = "sollicitations-{side}-{stamp}.{extension}"
EXPORT_SIDE_SLUGS: dict[str, str] = {"EMITTER": "emises", "RECIPIENT": "recues"}
EXPORT_EMITTER = "{name} ({siret})"
EXPORT_TOO_MANY_ROWS = (
    "L'export est limité à {limit} lignes : affinez la recherche (période, statut, catégorie…) pour en exporter moins."
)
TICKET_FILE_NAME = "sollicitation-{number}.{extension}"
ZIP_ATTACHMENTS_FOLDER = "Pièces jointes"
ZIP_UNNAMED_FILE = "fichier"

PDF_TITLE = "Sollicitation n° {number}"
PDF_DATE_TIME = "{date} à {time}"
PDF_STATUS_LINE = "Statut : {status}"
PDF_CREATED_LINE = "Date de création : {date}"
PDF_OPENED_LINE = "Date d'ouverture : {date}"
PDF_UPDATED_LINE = "Dernière mise à jour : {date}"
PDF_CLOSED_LINE = "Date de fermeture : {date}"
PDF_SECTIONS: dict[str, str] = {
    "EMITTER": "Émetteur",
    "RECIPIENT": "Destinataire",
    "SUBJECT": "Catégorie et objet",
    "REQUEST": "Demande",
    "EXCHANGES": "Questions et réponses",
    "HISTORY": "Historique",
    "ATTACHMENTS": "Pièces jointes",
}
PDF_LABELS: dict[str, str] = {
    "structure": "Structure",
    "siret": "SIRET",
    "service": "Service",
    "contact": "Contact",
    "created_by": "Créé par",
    "organisation": "Organisation",
    "assignee": "Agent assigné",
    "category": "Catégorie",
    "subcategory": "Sous-catégorie",
    "object_type": "Type d'objet",
    "object_number": "Numéro d'objet",
    "title": "Titre",
    "description": "Description",
}
PDF_NOT_GIVEN = "Non renseigné"
PDF_ANONYMOUS_EMITTER = "Saisi en mode non connecté"
PDF_EXCHANGE_KINDS: dict[str, str] = {
    "REQUEST_INFORMATION": "Question du destinataire",
    "PROVIDE_INFORMATION": "Réponse de l'émetteur",
    "ANSWER": "Réponse du destinataire",
    "REFUSE_SOLUTION": "Solution refusée par l'émetteur",
}
PDF_EXCHANGE_HEADING = "{kind} — {date} — {who}"
PDF_NO_EXCHANGE = "Aucune question ni réponse."
PDF_HISTORY_COLUMNS: tuple[str, ...] = ("Date", "Par", "Action", "Statut", "Commentaire")
PDF_SIDES: dict[str, str] = {"EMITTER": "émetteur", "RECIPIENT": "destinataire"}
PDF_ACTOR = "{name} ({side})"
PDF_STATUS_CHANGE = "{before} → {after}"
PDF_ASSIGNED = "Assigné à : {name}"
PDF_ATTACHMENT_COLUMNS: tuple[str, ...] = ("Nom", "Taille", "Ajouté par", "Date", "État")
PDF_NO_ATTACHMENT = "Aucune pièce jointe."
PDF_REFUSED_STATE = "{state} : {reason}"
PDF_FOOTER = "Sollicitation n° {number} — éditée le {date} — page {page} / {pages}"

# ------------------------------------------------------------- structures: activation, inactivation
OPERATION_STATE_LABELS: dict[str, str] = {
    "RUNNING": "En cours",
    "SUCCEEDED": "Terminée",
    "REFUSED": "Refusée",
    "FAILED": "Échouée",
}
# One answer for a SIRET that names no structure and for a structure the caller does not belong to: it names
# nothing and does not say which (so the procedure tells nobody which SIRETs Chorus Pro knows).
STRUCTURE_NOT_YOURS = (
    "Vous n'êtes rattaché à aucune structure de ce SIRET dans Chorus Pro : vérifiez le SIRET saisi. Seul un "
    "gestionnaire principal ou secondaire de la structure peut l'activer ou l'inactiver."
)
NOT_A_MANAGER = "Seul un gestionnaire principal ou secondaire de la structure « {name} » peut l'activer ou l'inactiver."
STRUCTURE_NOT_PUBLIC = (
    "La structure « {name} » est une structure privée : l'activation et l'inactivation par cette démarche sont "
    "réservées aux structures publiques. Pour une structure privée, contactez un agent du support."
)
STRUCTURE_ALREADY_ACTIVE = "La structure « {name} » est déjà active : rien n'a été modifié."
STRUCTURE_ALREADY_INACTIVE = "La structure « {name} » est déjà inactive : rien n'a été modifié."
STRUCTURE_CLOSED_IN_REGISTRY = (
    "L'établissement de SIRET {siret} est fermé dans le répertoire Sirene de l'Insee : la structure ne peut "
    "pas être activée."
)
STRUCTURE_CHANGED = "La structure « {name} » a été modifiée pendant l'opération : elle sera reprise."
# « Rechercher » a recipient structure in the public directory (GET /structures).
DIRECTORY_CRITERION_REQUIRED = (
    "Indiquez au moins un critère de recherche de la structure destinataire : des mots de sa désignation (name), "
    "le début de son SIRET ou de son SIREN (siret), son code postal (postcode) ou sa ville (town)."
)
DIRECTORY_NAME_INVALID = (
    "Indiquez au moins un mot de deux lettres ou chiffres de la désignation de la structure (150 caractères au plus)."
)
DIRECTORY_SIRET_INVALID = (
    "Indiquez le SIRET de la structure ou son début (le SIREN, par exemple) : de 3 à 14 chiffres, sans lettre."
)
DIRECTORY_POSTCODE_INVALID = "Indiquez le code postal de la structure ou son début : de 2 à 5 chiffres."
DIRECTORY_TOWN_INVALID = (
    "Indiquez au moins les deux premières lettres de la ville de la structure (100 caractères au plus)."
)
DIRECTORY_SIZE_INVALID = "Le nombre de structures par page doit être compris entre 1 et {max}."
CONFIRMATION_REQUIRED = "Confirmez la structure affichée (confirm : true) pour poursuivre la démarche."
OPERATION_RUNNING = (
    "Une inactivation de la structure de SIRET {siret} est déjà en cours : attendez son résultat avant d'en "
    "demander une autre."
)
OPERATION_NOT_STARTED = "L'inactivation n'a pas pu démarrer. Veuillez réessayer dans quelques instants."
OPERATION_NOT_FOUND = "Cette opération est introuvable."
OPERATION_FAILED = (
    "L'inactivation n'a pas pu aboutir (service momentanément indisponible). La structure reste active ; "
    "ce qui a déjà été transféré à la structure reprenante le reste. Relancez l'inactivation pour la terminer."
)
TAKEOVER_REQUIRED = (
    "L'établissement est toujours ouvert dans le répertoire Sirene : indiquez le SIRET de la structure qui "
    "reprend l'activité."
)
TAKEOVER_SAME = "La structure reprenante doit être une autre structure que celle à inactiver."
# Unknown, or a structure the requester does not belong to: the same answer, naming nothing.
TAKEOVER_NOT_YOURS = (
    "Ce SIRET ne correspond à aucune structure dont vous êtes gestionnaire dans Chorus Pro : seul un "
    "gestionnaire des deux structures peut transférer l'activité. Vérifiez le SIRET saisi."
)
TAKEOVER_INACTIVE = "La structure reprenante « {name} » est inactive : activez-la d'abord."
TAKEOVER_PRIVATE = "La structure reprenante « {name} » n'est pas une structure publique."
TAKEOVER_NOT_MANAGED = (
    "Vous n'êtes pas gestionnaire de la structure reprenante « {name} » : seul un gestionnaire des deux "
    "structures peut transférer l'activité."
)
REROUTED_COMMENT = "Ticket transféré de « {old} » à « {new} », qui reprend l'activité de la structure inactivée."
# The history comment (and so the closure mail's text) of a resolved ticket closed by the desk after N days.
AUTO_CLOSED_COMMENT = (
    "Ticket clôturé automatiquement : la réponse apportée le {date} n'a été ni acceptée ni refusée "
    "dans les {days} jours qui ont suivi."
)
INACTIVATION_DONE = (
    "La structure de SIRET {siret} est inactivée. Demandes de paiement transférées : {payments} ; "
    "tickets transférés : {tickets}."
)
STRUCTURE_STATE_LABELS: dict[bool, str] = {True: "Active", False: "Inactive"}
REGISTRY_STATE_LABELS: dict[bool, str] = {True: "Ouvert", False: "Fermé"}

# ------------------------------------------------------------------- mail: the outcome of an inactivation
OPERATION_MAIL_SUBJECT = "Chorus Pro – inactivation de la structure « {name} » (SIRET {siret}) : {state}"
OPERATION_MAIL_HEADINGS: dict[str, str] = {
    "SUCCEEDED": "La structure « {name} » est inactivée",
    "REFUSED": "L'inactivation de la structure « {name} » a été refusée",
    "FAILED": "L'inactivation de la structure « {name} » n'a pas pu aboutir",
}

# ------------------------------------------------------------------------------------ the assistant
ASSISTANT_GREETING = "Bonjour, je suis {name}, l'assistante virtuelle de Chorus Pro."  # name: ASSISTANT_NAME
ASSISTANT_WELCOME = "Choisissez un sujet ci-dessous, ou posez votre question avec vos mots."
ASSISTANT_CHOICES: dict[str, str] = {
    "PUBLIC": "Structure publique",
    "PRIVATE": "Structure privée",
    "ACTIVATE": "Activer une structure publique",
    "INACTIVATE": "Inactiver une structure publique",
    "CONFIRM": "Je confirme",
    "YES": "Oui",
    "NO": "Non",
    "BACK": "Retour",
    "CANCEL": "Annuler",
    "REFRESH": "Où en est l'opération ?",
    "CONTINUE": "Continuer notre conversation",
    "AGENT": "Contacter un agent",
    "SEND_TICKET": "Envoyer ma demande au support maintenant",
    "DRAFT_TICKET": "Préparer un brouillon que je complète",
    "LIVE_CHAT": "Échanger en ligne avec un agent",
}
ASSISTANT_STRUCTURE_TYPE = "Quel type de structure souhaitez-vous activer ou inactiver ?"
ASSISTANT_STRUCTURE_ACTION = "Quelle action souhaitez-vous réaliser ?"
ASSISTANT_ASK_SIRET: dict[str, str] = {
    "ACTIVATE": "Saisissez le SIRET de la structure à activer.",
    "INACTIVATE": "Saisissez le SIRET de la structure à inactiver.",
}
ASSISTANT_ACTION_NAMES: dict[str, str] = {"ACTIVATE": "l'activation", "INACTIVATE": "l'inactivation"}
ASSISTANT_CONFIRM_STRUCTURE = (
    "Voici la structure trouvée :\n- {designation}\n- SIRET : {siret}\n- État dans Chorus Pro : {state}\n"
    "- État dans le répertoire Sirene : {registry}\nConfirmez-vous que {action} porte sur cette structure ?"
)
ASSISTANT_TAKEOVER_EXISTS = (
    "L'établissement est toujours ouvert dans le répertoire Sirene. Existe-t-il un autre SIRET reprenant "
    "l'activité ? Il recevra désormais les factures adressées à la structure inactivée."
)
ASSISTANT_ASK_TAKEOVER = "Saisissez le SIRET de la structure reprenant l'activité."
ASSISTANT_CONFIRM_ACTIVATION = "Confirmez-vous l'activation de la structure « {designation} » (SIRET {siret}) ?"
ASSISTANT_CONFIRM_INACTIVATION = "Confirmez-vous l'inactivation de la structure « {designation} » (SIRET {siret}) ?"
ASSISTANT_CONFIRM_TAKEOVER = (
    "Confirmez-vous l'inactivation de la structure « {designation} » (SIRET {siret}), son activité étant "
    "reprise par « {takeover} » (SIRET {takeover_siret}) ?"
)
ASSISTANT_ACTIVATED = "C'est fait : la structure « {designation} » (SIRET {siret}) est active."
ASSISTANT_RUNNING = (
    "L'inactivation de la structure « {designation} » est en cours. Demandez-moi où elle en est dans quelques instants."
)
ASSISTANT_NO_TAKEOVER = (
    "Sans SIRET reprenant l'activité, une structure encore ouverte dans le répertoire Sirene ne peut pas être "
    "inactivée ici. Vous pouvez contacter un agent pour étudier votre situation."
)
ASSISTANT_PRIVATE_STRUCTURE = (
    "Je ne peux activer ou inactiver que des structures publiques. Pour une structure privée, contactez un "
    "agent : il vous indiquera la marche à suivre."
)
ASSISTANT_SIGN_IN_REQUIRED = (
    "Cette démarche demande d'être connecté à Chorus Pro avec le compte d'un gestionnaire de la structure."
)
ASSISTANT_SIRET_INVALID = (
    "« {value} » n'est pas un SIRET valide (14 chiffres avec une clé de contrôle correcte). Saisissez-le à nouveau."
)
ASSISTANT_NOT_UNDERSTOOD = "Je n'ai pas compris votre demande. Voici les sujets sur lesquels je peux vous aider."
ASSISTANT_DECLINED = "Entendu, je laisse de côté « {titles} ». Voici les sujets sur lesquels je peux vous aider."
ASSISTANT_DECLINED_SEPARATOR = " », « "  # between the titles of several topics declined at once
ASSISTANT_SEVERAL_TOPICS = "Votre message porte sur plusieurs sujets. Par lequel commençons-nous ?"
ASSISTANT_OTHER_QUESTION = "Votre autre question : {title}"
ASSISTANT_CHOICE_NOT_OFFERED = "Le choix « {choice} » n'est pas proposé à cette étape de la conversation."
ASSISTANT_CHOOSE = "À cette étape, choisissez l'une des réponses proposées."
ASSISTANT_ONE_INPUT = "Envoyez soit un choix proposé (choice), soit un texte (text), l'un des deux seulement."
ASSISTANT_CANCELLED = "C'est annulé : rien n'a été modifié."
ASSISTANT_ANYTHING_ELSE = "Puis-je vous aider pour autre chose ?"
ASSISTANT_ASK_EMAIL = "Indiquez l'adresse e-mail utilisée lors de votre inscription."
ASSISTANT_EMAIL_INVALID = "Cette adresse e-mail n'est pas valide : saisissez-la à nouveau (exemple : nom@domaine.fr)."
ASSISTANT_LINK_SENT = (
    "Si un compte en attente d'activation existe pour cette adresse, un nouveau lien d'activation y sera envoyé "
    "d'ici quelques minutes. Pensez à regarder dans vos courriers indésirables. Le lien est renvoyé une fois par "
    "jour au plus pour une même adresse : si vous l'avez déjà demandé aujourd'hui, utilisez le dernier mail reçu."
)
ASSISTANT_TOO_MANY_RESENDS = (
    "Plusieurs liens ont déjà été demandés dans cette conversation. Si vous ne recevez toujours rien, "
    "contactez un agent."
)
ASSISTANT_ASK_MANAGER_GONE = "Votre gestionnaire principal a-t-il quitté la structure sans transférer son rôle ?"
ASSISTANT_MANAGER_STILL_THERE = (
    "Dans ce cas, il transfère lui-même son rôle en suivant les quatre étapes ci-dessus : le support n'a pas à "
    "intervenir."
)
ASSISTANT_OFFER_TICKET = (
    "Voulez-vous que je prépare une sollicitation « {category} / {subcategory} », avec notre conversation "
    "comme description ?"
)
ASSISTANT_AGENT = (
    "Je peux transmettre notre conversation au support Chorus Pro : tout de suite, ou dans un brouillon que "
    "vous complétez avant de l'envoyer."
)
ASSISTANT_AGENT_ANONYMOUS = (
    "Pour contacter un agent sans compte, utilisez le formulaire de sollicitation en mode non connecté "
    "(« Nous contacter » sur le portail Chorus Pro) : vous recevrez la réponse par e-mail."
)
ASSISTANT_USE_PUBLIC_FORM = ASSISTANT_AGENT_ANONYMOUS
# « Contacter un agent » while the live chat is open (office hours, an agent available): the chat comes first.
ASSISTANT_AGENT_LIVE = (
    "Un agent du support peut échanger en ligne avec vous maintenant. Vous pouvez aussi transmettre notre "
    "conversation au support : tout de suite, ou dans un brouillon que vous complétez avant de l'envoyer."
)
ASSISTANT_AGENT_LIVE_ANONYMOUS = (
    "Un agent du support peut échanger en ligne avec vous maintenant. Sinon, utilisez le formulaire de "
    "sollicitation en mode non connecté (« Nous contacter » sur le portail Chorus Pro)."
)
# LIVE_CHAT is the client's to act on (it opens the chat of the conversation): sent to the assistant, it says so.
ASSISTANT_LIVE_CHAT_ELSEWHERE = (
    "La discussion avec un agent s'ouvre dans la fenêtre de discussion : choisissez « Échanger en ligne avec un "
    "agent » pour rejoindre la file d'attente."
)
ASSISTANT_NO_STRUCTURE = (
    "Vous n'êtes rattaché à aucune structure : je ne peux pas préparer de sollicitation pour vous. Utilisez le "
    "formulaire en mode non connecté."
)
ASSISTANT_WHICH_STRUCTURE = "Pour laquelle de vos structures dois-je préparer la sollicitation ?"
ASSISTANT_STRUCTURE_CHOICE = "{name} (SIRET {siret})"
ASSISTANT_TICKET_TITLE = "Demande transmise par {name}, l'assistante virtuelle"
ASSISTANT_DRAFT_READY = (
    "J'ai préparé le brouillon n° {number} avec notre conversation. Complétez-le dans « Sollicitations émises » "
    "puis soumettez-le."
)
ASSISTANT_TICKET_SENT = (
    "Votre demande est transmise au support : sollicitation n° {number}. Vous serez prévenu par e-mail."
)
ASSISTANT_SPEAKER_USER = "Vous"  # the assistant's lines carry its name (ASSISTANT_NAME)
CONVERSATION_NOT_FOUND = "Cette conversation est introuvable."
CONVERSATION_EXPIRED = "Cette conversation a expiré : commencez-en une nouvelle."
CONVERSATION_CHANGED = "Un autre message est arrivé en même temps dans cette conversation : rechargez-la."
FEEDBACK_REASON_LABELS: dict[str, str] = {
    "NOT_UNDERSTOOD": "La question n'a pas été comprise",
    "IMPRECISE": "La réponse apportée était imprécise ou incomplète",
    "COMPLICATED": "La réponse apportée était compliquée",
    "OTHER": "Autre",
}
FEEDBACK_REASON_REQUIRED = "Choisissez ce qui ne va pas parmi les quatre raisons proposées."
FEEDBACK_COMMENT_REQUIRED = "Un commentaire est demandé pour comprendre le motif de l'insatisfaction."
FEEDBACK_REASON_ONLY_DOWN = "Une raison ne s'indique qu'avec un avis négatif."
FEEDBACK_THANKS = "Merci pour votre avis. Que souhaitez-vous faire maintenant ?"
FEEDBACK_ALREADY_GIVEN = (
    "Vous avez déjà donné votre avis sur cette conversation : un seul avis est compté par conversation sans compte."
)
SATISFACTION_SUPPORT_ONLY = "Les avis sur l'assistant sont réservés au support Chorus Pro."
SATISFACTION_PERIOD_TOO_LONG = "La période ne peut pas dépasser un an."
INVITATIONS_UNAVAILABLE = "Le service des comptes est momentanément indisponible. Veuillez réessayer plus tard."

# ------------------------------------------------------------------------------------------ the live chat
CHAT_STATE_LABELS: dict[str, str] = {"WAITING": "En attente d'un agent", "ACTIVE": "En cours", "ENDED": "Terminée"}
CHAT_DAY_NAMES: dict[int, str] = {
    1: "lundi",
    2: "mardi",
    3: "mercredi",
    4: "jeudi",
    5: "vendredi",
    6: "samedi",
    7: "dimanche",
}
CHAT_ONE_DAY = "le {day}"
CHAT_DAYS = "du {first} au {last}"
CHAT_HOURS = "{days}, de {opens} à {closes} (heure de Paris)"
CHAT_CLOSED_HOURS = (
    "Les agents répondent en ligne {hours}. En dehors de ces horaires, « Contacter un agent » vous propose de "
    "transmettre votre demande au support."
)
CHAT_NO_AGENT = (
    "Aucun agent n'est disponible pour le moment. « Contacter un agent » vous propose de transmettre votre "
    "demande au support."
)
CHAT_VISITOR = "Visiteur sans compte"
CHAT_WAITING = "Vous êtes en file d'attente ({queue}) : un agent va vous répondre."
CHAT_JOINED = "{agent} a rejoint la discussion."
CHAT_HANDED_OVER = "{agent} a confié la discussion à {colleague}."
CHAT_AGENT_LEFT = (
    "L'agent a quitté la discussion : vous êtes de nouveau en file d'attente, à votre place, et un autre agent "
    "va vous répondre."
)
CHAT_OFFER_TICKET = (
    "Aucun agent ne s'est encore libéré. Vous pouvez continuer d'attendre, ou quitter la file : « Contacter un "
    "agent » vous proposera alors de transmettre votre demande au support."
)
CHAT_LEFT_BY_REQUESTER = "Vous avez quitté la discussion."
CHAT_ENDED_BY_AGENT = "L'agent a mis fin à la discussion. Merci de nous avoir contactés."
CHAT_TICKET_FILED = "La discussion est transmise au support : sollicitation n° {number}. Vous serez prévenu par e-mail."
CHAT_TICKET_TITLE = "Échange en ligne avec {agent} du {date}"
CHAT_NOT_FOUND = "Cette discussion est introuvable."
CHAT_NONE_IN_CONVERSATION = "Aucune discussion avec un agent n'a été ouverte dans cette conversation."
CHAT_ENDED = "Cette discussion est terminée."
CHAT_ALREADY_TAKEN = "Un autre agent a déjà pris cette discussion."
CHAT_NOT_YOURS = "Seul l'agent qui a pris la discussion peut y écrire, la confier ou y mettre fin."
CHAT_NOT_TAKEN = "Cette discussion attend un agent : prenez-la d'abord."
CHAT_BUSY = "Beaucoup de messages arrivent en même temps dans cette discussion : renvoyez le vôtre."
CHAT_TEXT_REQUIRED = "Le message est vide."
CHAT_TEXT_TOO_LONG = "Le message dépasse {max} caractères."
CHAT_AGENTS_ONLY = (
    "Réservé aux agents d'un service qui répond en ligne (le support Chorus Pro, un service destinataire de "
    "sollicitations)."
)
CHAT_COLLEAGUE_UNKNOWN = "Cette personne n'est pas un agent de la file de cette discussion."
CHAT_COLLEAGUE_AWAY = "{name} n'est pas disponible en ce moment : confiez la discussion à un agent disponible."
CHAT_COLLEAGUE_SELF = "Vous êtes déjà l'agent de cette discussion."
CHAT_SIRET_NOT_YOURS = "Vous n'êtes pas rattaché à la structure de SIRET {siret}."
CHAT_WHICH_STRUCTURE = "Précisez pour laquelle de vos structures vous souhaitez échanger avec un agent (siret)."
CHAT_SIGN_IN_FOR_TICKET = "Une discussion au sujet d'une sollicitation demande d'être connecté."
CHAT_TICKET_NOT_SENT = (
    "Le ticket n° {number} n'a pas encore été envoyé, ou vous n'en êtes pas l'émetteur : la discussion porte sur "
    "une sollicitation que vous avez envoyée."
)
CHAT_TICKET_NEEDS_ACCOUNT = (
    "Le visiteur n'a pas de compte : il ne peut pas recevoir de sollicitation à son nom. Indiquez-lui le formulaire "
    "en mode non connecté."
)
CHAT_TICKET_NEEDS_STRUCTURE = (
    "L'utilisateur n'est rattaché à aucune structure pour laquelle déposer une sollicitation : fermez la discussion."
)
CHAT_TICKET_ALREADY = (
    "La discussion porte déjà sur la sollicitation n° {number} : répondez-y, plutôt que d'en créer une autre."
)
CHAT_FEEDBACK_AT_END = "Votre avis sur l'échange se donne une fois la discussion terminée."
CHAT_FEEDBACK_ALREADY = "Vous avez déjà donné votre avis sur cette discussion."
CHAT_TRANSCRIPT_AT_END = "La transcription se demande une fois la discussion terminée."
CHAT_TRANSCRIPT_ALREADY = "La transcription de cette discussion a déjà été demandée."
CHAT_TRANSCRIPT_EMAIL_REQUIRED = "Indiquez l'adresse e-mail à laquelle envoyer la transcription."
CHAT_TRANSCRIPT_OWN_ADDRESS = "La transcription part à l'adresse de votre compte : n'en indiquez pas d'autre."
CHAT_TRANSCRIPT_NO_ADDRESS = "Votre compte n'a pas d'adresse e-mail : la transcription ne peut pas vous être envoyée."
CHAT_SATISFACTION_SUPPORT_ONLY = "Les avis sur les échanges en ligne sont réservés au support Chorus Pro."
CHAT_TRANSCRIPT_SUBJECT = "Chorus Pro – transcription de votre échange en ligne du {date}"
CHAT_TRANSCRIPT_SPEAKER_USER = "Vous"
CHAT_TRANSCRIPT_SPEAKER_DESK = "Support Chorus Pro"
CHAT_TRANSCRIPT_HIDDEN = "(votre message)"  # a visitor's own lines, not repeated in a mail to an unverified address
# The WebSocket API's own refusals (a frame that cannot be read): French error frames, the socket kept.
CHAT_FRAME_NOT_JSON = "Message illisible : envoyez un objet JSON encodé en UTF-8, avec son « action »."
CHAT_FRAME_NOT_UTF8 = "Message illisible : le texte doit être encodé en UTF-8."
CHAT_FRAME_TOO_LARGE = "Message trop long : {max} octets au plus par message."
CHAT_FRAME_UNKNOWN_ACTION = "Action « {action} » inconnue. Actions possibles : {actions}."
CHAT_CONVERSATION_REQUIRED = "Indiquez la conversation (conversation_id) dans laquelle la discussion est ouverte."
CHAT_OUTCOME_AGENTS_ONLY = "Seul l'agent transforme une discussion en sollicitation : quittez-la simplement."
CHAT_CONNECT_REFUSED = (
    "Connexion refusée : fournissez un jeton valide (token) ou l'identifiant de votre conversation (conversation)."
)

# ------------------------------------------------------------ the assistant: the frequent questions (faq)
FAQ_TOPIC_TITLES: dict[str, str] = {
    "CREATE_ACCOUNT": "Créer mon compte",
    "ACTIVATION_LINK": "Recevoir à nouveau mon lien d'activation",
    "ADD_SPACES": "Ajouter des espaces à mon compte",
    "MANAGER_LEFT": "Transférer le rôle de gestionnaire principal",
    "SUBCONTRACTING": "Factures de sous-traitance et de co-traitance",
    "STRUCTURE_PROCEDURE": "Activer ou inactiver ma structure",
    "HUMAN_AGENT": "Parler à un agent",
}
FAQ_ANSWERS: dict[str, str] = {
    "CREATE_ACCOUNT": (
        "Pour créer votre compte, rendez-vous sur la page d'accueil du portail Chorus Pro et descendez jusqu'au "
        "bloc « Vous êtes nouveau sur Chorus Pro ? ». Munissez-vous de votre adresse e-mail et du numéro SIRET de "
        "votre entreprise, et choisissez un mot de passe.\n"
        "Chaque utilisateur se rattache au SIRET de sa propre entreprise. Une fiche pratique et des vidéos "
        "tutoriels, sur le site de la communauté Chorus Pro, détaillent la création du compte et le rattachement "
        "à sa structure."
    ),
    "ACTIVATION_LINK": (
        "Le lien d'activation permet de finaliser votre inscription sur Chorus Pro. Je peux vous le renvoyer : "
        "il me suffit de l'adresse e-mail utilisée lors de votre inscription."
    ),
    "ADD_SPACES": (
        "Si vous êtes gestionnaire principal ou secondaire : dans l'espace « Activités du gestionnaire », "
        "descendez jusqu'au bloc « Mes structures » et modifiez la structure en cliquant sur le stylo ; puis, "
        "dans le bloc « Liste des espaces de la structure », cliquez sur « Ajouter des espaces ».\n"
        "Si vous êtes utilisateur simple : votre gestionnaire principal ou secondaire doit d'abord ouvrir "
        "l'espace sur la structure. Rendez-vous ensuite dans l'espace « Mon compte », bloc « Mes abonnements aux "
        "espaces », et cliquez sur « Ajouter un abonnement » ; votre gestionnaire validera ensuite la demande "
        "d'abonnement."
    ),
    "MANAGER_LEFT": (
        "Si le gestionnaire principal est encore présent, il transfère lui-même son rôle, en quatre étapes :\n"
        "1. Il vérifie que la personne qui reprendra le rôle a un compte actif sur Chorus Pro et est rattachée à "
        "la structure.\n"
        "2. Il se connecte à Chorus Pro et ouvre l'espace « Activités du gestionnaire ».\n"
        "3. Dans le bloc « Mes structures », il modifie la structure en cliquant sur le stylo, puis choisit, parmi "
        "les utilisateurs rattachés, celui qui deviendra gestionnaire principal.\n"
        "4. Il confirme le transfert : l'utilisateur choisi devient gestionnaire principal de la structure.\n"
        "S'il a quitté la structure sans avoir transféré son rôle, seul le support Chorus Pro peut nommer un "
        "nouveau gestionnaire principal : il faut lui adresser une sollicitation de catégorie « Gestion des "
        "structures et utilisateurs », sous-catégorie « Modification des droits des utilisateurs », qui explique "
        "la situation et donne les identifiants du nouveau gestionnaire principal."
    ),
    "SUBCONTRACTING": (
        "Les factures des sous-traitants et des co-traitants se transmettent elles aussi par Chorus Pro. Leur "
        "circuit comporte une étape obligatoire : la validation de la facture par le titulaire du marché ou par "
        "le mandataire du groupement, avant qu'elle ne parvienne à la structure publique destinataire. La "
        "documentation de la communauté Chorus Pro détaille ce processus."
    ),
    "STRUCTURE_PROCEDURE": (
        "Je vais vous guider pas à pas pour activer ou inactiver votre structure publique. Il faut être "
        "gestionnaire de la structure et connecté à Chorus Pro avec ce compte."
    ),
    "HUMAN_AGENT": "Je peux vous mettre en relation avec un agent du support Chorus Pro.",
}
# « Pour aller plus loin »: the pages of the Chorus Pro community each answer points to (seed 002's « cliquez
# ici »). The addresses are the template's FaqLink* parameters (ASSISTANT settings), never written in code.
FAQ_FURTHER = "Pour aller plus loin : {links}"
FAQ_FURTHER_LINK = "{label} ({url})"
FAQ_LINK_LABELS: dict[str, str] = {
    "CREATE_ACCOUNT": "créer son compte et se rattacher à sa structure, fiche pratique et vidéos",
    "ACTIVATION_LINK": "finaliser son inscription et gérer son compte utilisateur",
    "ADD_SPACES": "ouvrir un espace ou s'y abonner, les procédures détaillées",
    "MANAGER_LEFT": "administrer les structures et les utilisateurs, dont transférer le rôle de gestionnaire principal",
    "SUBCONTRACTING": "gérer les factures de sous-traitance et de co-traitance",
    "STRUCTURE_PROCEDURE": "se rattacher à une structure publique comme gestionnaire",
}
