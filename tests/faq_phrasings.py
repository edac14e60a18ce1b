"""The development set of the assistant's matcher (``chorus_desk.faq``): questions written the way users type
them in a chat window — typos, missing accents, tutoiement and vouvoiement, SMS spelling, one word or a long
rambling sentence — each with the topic it should get, or ``None`` where no topic fits (the assistant should
then say it did not understand and list its topics).

The model is tuned on these, and on its own ``EXAMPLES``; never on the held-out set (tests/faq_heldout.json,
written by another hand), and ``test_faq_heldout`` fails when a phrasing here comes within 0.8 similarity of
a held-out one. The first two sets of 2026-11-25 (« measurement » and an early « held-out ») are merged here:
both were written by the model's author, and the early held-out set proved close to the model's examples.
Phrasings that came within 0.8 of the later held-out set were taken out, and others written instead.

The set grows by *batches* (``Batch``, ``BATCHES``): each is written at one time, from the seeds and the topic
titles, and tried on the model before the model is tuned on it; ``python -m tests.faq_phrasings [name…]`` (with
``PYTHONPATH=layers/common``) prints each batch's figures on today's model. A batch's figure on the model of the
moment it was written is a fair estimate on text the model never saw (docs/decisions.md keeps them); once tuned
on, it is not. Phrasings that came within 0.8 of a held-out one were dropped before the trial, never rewritten.

``PHRASINGS``: one question each. ``NEGATIONS``: what the user does not want, is not or does not need, with
the topic that remains (or none). ``TWO_QUESTIONS``: messages asking two things, both topics to be offered as
choices; with single questions that merely contain « et », « puis », « mais »… (``PHRASINGS``), they keep the
cutting of a message into segments honest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from chorus_desk.faq import Topic

Questions = Mapping[Topic | None, tuple[str, ...]]
TwoQuestions = tuple[tuple[str, tuple[Topic, Topic]], ...]


@dataclass(frozen=True)
class Batch:
    """Phrasings written at one time, before the model was tuned on them: its figure on the model of that
    moment (``python -m tests.faq_phrasings <name>``) estimated how the model did on text it had never seen."""

    name: str
    phrasings: Questions
    negations: Questions = field(default_factory=dict)
    two_questions: TwoQuestions = ()


_EARLIER_PHRASINGS: dict[Topic | None, tuple[str, ...]] = {
    Topic.CREATE_ACCOUNT: (
        "cmt on s'inscrit",
        "Création de compte",
        "je suis auto-entrepreneur et je dois facturer une mairie, on me dit de passer par chorus mais j'ai "
        "aucun compte, par où je commence ??",
        "ouvrir un compte chorus",
        "tu peux m'expliquer comment créer mon compte ?",
        "Pouvez-vous m'indiquer la marche à suivre pour l'inscription de notre entreprise ?",
        "je veux m'enregistrer sur le portail",
        "crer compte",
        "Comment se créé un compte utilisateur ?",
        "nouveau sur chorus pro, comment j'obtiens un identifiant et un mot de passe",
        "J'ai besoin d'un accès à Chorus Pro, je n'ai jamais eu de compte",
        "comment je me rattache au siret de ma boite quand je crée mon compte",
        "procédure de création d'un compte fournisseur",
        "Pourriez-vous m'aider à ouvrir mon accès au portail, je suis une nouvelle entreprise",
        "on vient de créer notre SARL et l'hôpital nous demande de passer par chorus, on s'enregistre où ?",
        "je ne suis pas encore inscrit sur chorus pro",
        "je débute sur chorus, je fais quoi en premier ?",
        "première connexion au portail : il faut d'abord un compte ?",
        "où est le formulaire d'inscription",
        "je n'ai pas d'identifiants chorus pro",
        "mon associé doit-il avoir son propre compte ?",
        "quelles pièces faut-il pour s'enregistrer, le kbis ?",
        "jamais utilisé chorus pro, comment y accéder",
        "créer un profil utilisateur pour ma collègue",
        "bonjour, ma société doit envoyer ses factures à la préfecture, comment on s'inscrit sur votre plateforme ?",
        "je veux un accès pour déposer mes factures",
        "faut-il un compte pour utiliser chorus pro ?",
        "compte chorus pro pour une association, comment faire",
        "comment s'enregistrer en tant que fournisseur étranger",
        "salut, comment on fait pour avoir des identifiants chorus ?",
        "inscription d'une entreprise individuelle sur chorus pro",
        "mon comptable doit-il se créer un compte à son nom ?",
        "où dois-je aller pour ouvrir mon espace fournisseur sur le portail",
        "slt jveux m inscrire",
        "Bonjour Madame, Monsieur, notre cabinet d'architectes travaille pour un département et nous devons "
        "transmettre nos notes d'honoraires par Chorus Pro. Nous n'avons aucun accès. Pouvez-vous nous indiquer "
        "la démarche ?",
        "creation identifiant",
        "je souhaiterais m'inscrire en tant que collectivité",
        "je voudrais rejoindre chorus pro en tant que prestataire",
        "étapes pour s'inscrire",
        "ma collègue n'a pas de compte, elle peut utiliser le mien ?",
        "quel mot de passe choisir pour créer le compte",
        "Je représente une PME et je souhaite obtenir un accès Chorus Pro",
    ),
    Topic.ACTIVATION_LINK: (
        "j'ai pas reçu le mail d'activation",
        "jai pas recu le lien pour activer",
        "Le lien d'activation a expiré, pouvez-vous m'en renvoyer un ?",
        "tu peux me renvoyer le lien stp",
        "je me suis inscrit hier mais aucun email de confirmation n'est arrivé",
        "mail d'activation introuvable, même dans les spams",
        "Bonjour, je n'arrive pas à finaliser mon inscription car je n'ai jamais reçu le courriel contenant le lien",
        "comment activer mon compte ? je trouve pas le mail",
        "le lien dans le mail ne marche plus",
        "où est le mail pour activer mon inscription",
        "mon compte n'est pas activé, je n'ai rien reçu",
        "toujours pas de mail d'activation",
        "je n'ai pas eu le lien pour activer mon compte, tu peux le renvoyer ?",
        "Le courriel d'activation n'est jamais arrivé dans ma boîte",
        "lien d'activation perdu",
        "je n'ai pas reçu le mail d'activation et je ne peux donc pas me connecter",
        "le courriel de validation de mon inscription n'arrive pas",
        "lien périmé",
        "mon compte est toujours en attente d'activation",
        "j'ai supprimé sans faire exprès le message avec le lien",
        "le lien ne fonctionne pas, il me dit qu'il n'est plus valide",
        "vous pouvez renvoyer l'email de validation à ma nouvelle adresse ?",
        "rien reçu depuis mon inscription il y a une semaine",
        "où trouver le message pour confirmer mon compte",
        "j'ai créé mon compte mais je n'ai jamais eu le mail pour l'activer",
        "l'email d'activation est parti à une mauvaise adresse",
        "relancer l'envoi du lien d'activation",
        "le mail de confirmation n'est pas dans ma boite de réception",
        "je ne peux pas finaliser mon inscription sans le lien",
        "je n'ai pas reçu d'e-mail après la création de mon compte",
        "le lien d'activation m'amène sur une page d'erreur",
        "comment obtenir un nouveau lien pour activer",
        "activation de compte impossible, mail jamais reçu",
        "g pa eu le lien d activasion",
        "Madame, Monsieur, suite à mon inscription du 3 mars je n'ai toujours reçu aucun courriel me permettant "
        "d'activer mon compte utilisateur. Merci de me le renvoyer.",
        "lien validation compte expiré",
        "mail activation dans spam ?",
        "je n'ai jamais reçu le mail qui permet d'activer",
        "le lien reçu ne marche pas",
        "mon inscription n'est pas finalisée",
        "courriel d'activation",
        "je dois activer mon compte mais le lien a expiré hier soir",
    ),
    Topic.ADD_SPACES: (
        "je ne vois pas l'espace factures émises, comment l'avoir ?",
        "Comment s'abonner à un espace ?",
        "je voudrais avoir accès à l'espace Mémoires de frais de justice",
        "il me manque des espaces dans mon menu",
        "mon gestionnaire doit valider mon abonnement à l'espace, comment ça marche",
        "activer de nouvelles fonctionnalités sur mon compte chorus",
        "comment on ouvre un espace sur la structure ?",
        "tu sais comment rajouter des espaces ?",
        "espaces manquants",
        "je suis utilisateur simple et je veux l'espace sollicitations émises",
        "Pouvez vous me dire comment ajouter l'espace factures de travaux",
        "je n'ai pas accès à l'espace factures reçues",
        "comment demander un abonnement a un espace",
        "ajout d'espaces sur la structure",
        "vous pouvez m'expliquer comment on rajoute un espace ?",
        "l'onglet engagements n'apparaît pas chez moi et ma collègue l'a",
        "comment souscrire à l'espace engagements juridiques",
        "je n'ai que l'espace factures émises, il me faut aussi les factures reçues",
        "ma demande d'abonnement attend toujours la validation",
        "le module factures de travaux n'est pas dans mon menu",
        "comment obtenir l'habilitation sur l'espace sollicitations",
        "en tant que gestionnaire comment j'ouvre un espace à mes utilisateurs",
        "il manque des onglets en haut de l'écran",
        "je voudrais l'espace pour les mémoires de frais de justice",
        "mes utilisateurs ne voient pas l'espace factures reçues",
        "comment rajouter la fonctionnalité engagements",
        "comment gérer les abonnements de mes utilisateurs aux espaces",
        "je n'ai pas le menu sollicitations",
        "comment mes collaborateurs peuvent-ils s'abonner à l'espace factures reçues",
        "je cherche l'onglet pour les demandes de remboursement TIC",
        "ajouter le module engagements à notre structure",
        "accès à un espace supplémentaire",
        "espace factures recues pas visible",
        "Je ne trouve pas comment accéder aux factures de travaux, l'onglet n'existe pas chez moi",
        "comment valider l'abonnement d'un utilisateur à un espace",
        "rajouter fonctionalité",
        "comment avoir plus d'espaces dans chorus",
        "comment donner accès à l'espace factures émises à un utilisateur",
        "je vois seulement deux onglets",
        "ouvrir l'espace mémoires de frais de justice sur notre structure",
    ),
    Topic.MANAGER_LEFT: (
        "le gestionnaire principal est parti a la retraite",
        "notre gestionnaire a quitté la société, comment le remplacer ?",
        "Comment transférer le rôle de gestionnaire principal ?",
        "la personne qui gérait notre compte chorus n'est plus dans l'entreprise et personne n'a les droits",
        "je veux devenir gestionnaire principal de ma structure",
        "Notre ancienne comptable était gestionnaire et elle a démissionné, on fait comment pour récupérer la main ?",
        "comment nommer un nouveau gestionnaire principal",
        "tu peux me passer gestionnaire principal ? l'ancien est parti",
        "transfert des droits de gestionnaire",
        "le gestionnaire est décédé",
        "plus de gestionnaire principal sur notre siret",
        "Pouvez-vous désigner un autre gestionnaire principal, le précédent ne fait plus partie de la structure",
        "notre gestionnaire principal a quitté la mairie",
        "comment changer le gestionnaire principal de la structure",
        "le gestionaire est partit et on n'a plus d'accès gestionnaire",
        "transferer role gestionnaire",
        "notre gestionnaire est parti à la retraite et personne ne peut valider les rattachements",
        "je voudrais céder mon rôle de gestionnaire principal à mon adjoint",
        "plus personne ne peut valider les demandes de rattachement chez nous",
        "l'ancien responsable du compte chorus ne répond plus, il est injoignable",
        "comment récupérer les droits de gestionnaire principal",
        "passer le relais de gestionnaire principal avant mon départ",
        "notre gestionnaire a été muté dans une autre direction",
        "qui peut désigner le gestionnaire principal d'une structure",
        "le gestionnaire de notre structure est en congé maladie longue durée, qui peut reprendre ?",
        "comment devient-on gestionnaire principal quand le précédent est parti",
        "notre administrateur chorus a changé de poste",
        "attribuer le rôle de gestionnaire principal à une autre personne",
        "je suis le gestionnaire principal et je quitte l'entreprise le mois prochain",
        "qui devient gestionnaire principal si le titulaire du rôle part ?",
        "notre gestionnaire principal a été licencié",
        "transmettre mes droits de gestionnaire à ma remplaçante",
        "aucun gestionnaire actif sur notre structure",
        "gestionaire princiapl a quitter la boite",
        "Bonjour, la personne qui était gestionnaire principale de notre commune est partie en retraite sans "
        "transmettre ses droits. Comment nommer quelqu'un d'autre ?",
        "je veux transférer mon rôle de gestionnaire",
        "le gestionnaire principal n'est plus joignable",
        "qui peut me donner le rôle de gestionnaire principal",
        "l'ancienne gestionnaire a quitté le service",
        "le compte gestionnaire est celui d'une personne partie",
    ),
    Topic.SUBCONTRACTING: (
        "comment facturer en tant que sous-traitant ?",
        "Quel est le circuit des factures de co-traitance ?",
        "le titulaire doit valider ma facture de sous-traitant ?",
        "ma facture de sous-traitance est bloquée en attente de validation par le titulaire",
        "tu peux m'expliquer le processus pour les sous-traitants ?",
        "facturation en cotraitance",
        "Je suis sous-traitant de rang 1 sur un marché de travaux, l'entreprise principale ne valide pas mes factures",
        "je suis sous traitant comment je depose ma facture",
        "validation d'une facture de sous-traitance par le mandataire",
        "cotraitance chorus",
        "je suis cotraitant et le mandataire doit valider ma facture",
        "notre entreprise intervient en sous-traitance pour un lycée, qui doit accepter nos demandes de paiement ?",
        "combien de jours a le titulaire pour valider la facture du sous-traitant",
        "groupement conjoint : chaque membre facture-t-il séparément ?",
        "le co-contractant doit-il valider ma facture ?",
        "demande de paiement d'un sous-traitant de premier rang",
        "groupement solidaire, qui dépose les factures ?",
        "l'entreprise principale refuse de valider ma demande de paiement de sous-traitant",
        "en tant que mandataire comment je vois les factures de mes cotraitants",
        "sous traitant paiement direct refusé",
        "la validation tacite au bout de 15 jours pour le sous-traitant, c'est vrai ?",
        "facture d'un cotraitant dans un groupement conjoint",
        "comment le titulaire valide-t-il la demande de paiement de son sous-traitant ?",
        "mon sous-traitant veut être payé directement par la mairie",
        "marché en co-traitance : le mandataire doit-il valider ?",
        "qui valide les demandes de paiement des sous-traitants",
        "je suis sous-traitant, le titulaire ne répond pas à ma demande de validation",
        "facturation d'un marché en groupement",
        "le mandataire doit-il valider la facture du co-traitant ?",
        "le maître d'ouvrage paie directement mon sous-traitant ?",
        "soutraitant facture",
        "Nous sommes mandataires d'un groupement solidaire : les cotraitants doivent-ils déposer leurs factures "
        "eux-mêmes ?",
        "acceptation de la facture du sous traitant par l'entreprise titulaire",
        "co traitant comment facturer",
        "validation par le titulaire",
        "facture sous-traitant rang 2",
        "le cotraitant peut-il déposer sa propre facture",
        "qui paie le sous-traitant, la collectivité ou le titulaire ?",
        "procédure pour les co-traitants",
    ),
    Topic.STRUCTURE_PROCEDURE: (
        "notre collectivité a fusionné, il faut inactiver l'ancien siret",
        "je souhaite réactiver notre structure publique",
        "la structure est inactive, comment la rendre active",
        "Pouvez-vous procéder à la désactivation de notre établissement ?",
        "inactiver un siret",
        "je dois activé la strucutre de la mairie",
        "notre service a fermé, on veut inactiver la structure et transférer les factures à un autre siret",
        "activation de structure publique",
        "désactiver notre structure",
        "comment inactiver la structure de l'ancienne commune",
        "je voudrais réactiver la structure publique de l'école",
        "tu peux inactiver mon siret stp",
        "la mairie a fusionné avec la commune voisine et il faut inactiver l'ancien siret",
        "le syndicat intercommunal est dissous, sa structure doit être désactivée",
        "supprimer la structure de notre ancienne régie",
        "notre siret est fermé à l'insee, il faut fermer la structure dans chorus",
        "comment remettre en service une structure inactive",
        "désactivation du siret de l'ancien syndicat",
        "le budget annexe n'existe plus, on inactive sa structure comment ?",
        "activer la structure publique de notre nouvel établissement",
        "je suis gestionnaire de la commune et je veux clôturer son ancienne structure",
        "réactivation de la structure du CCAS",
        "notre établissement public a fermé, comment inactiver sa structure ?",
        "fusion de deux communes : que faire de l'ancien SIRET sur chorus ?",
        "activer une structure publique nouvellement créée",
        "désactiver le siret de la régie",
        "comment activer le siret de notre nouvelle école",
        "inactivation d'une structure publique en double",
        "notre centre de gestion a fusionné, il faut reprendre ses factures sur un autre siret",
        "la structure de la communauté de communes est inactive",
        "Notre commune a rejoint une commune nouvelle au 1er janvier, l'ancien SIRET doit être désactivé et les "
        "factures reprises par le nouveau",
        "réactiver structure publique",
        "je suis gestionnaire, je veux activer notre siret",
        "inactiver",
        "notre siret a changé, il faut fermer l'ancien",
        "rendre active la structure publique",
        "la trésorerie nous demande d'inactiver une structure",
    ),
    Topic.HUMAN_AGENT: (
        "je veux parler à un conseiller",
        "un humain svp",
        "passez-moi un agent",
        "Est-ce que je peux avoir quelqu'un au téléphone ?",
        "parler a une vraie personne",
        "je voudrais être mis en relation avec le support",
        "tu es un robot ? je veux un humain",
        "contacter un agent",
        "conseiller",
        "j'aimerais discuter avec un opérateur",
        "ça ne m'aide pas, je veux parler à quelqu'un du support",
        "agent humain stp",
        "parlé a un concseiller",
        "je veux un vrai conseiller",
        "mettez moi en relation avec un agent",
        "est-il possible de parler à quelqu'un ?",
        "je préfère parler à un humain",
        "je voudrais parler à un conseiller et il me faut un numéro",
        "je voudrais être rappelé par le support",
        "un interlocuteur humain, c'est possible ?",
        "y a-t-il une hotline chorus pro",
        "je préfère avoir quelqu'un en ligne",
        "comment joindre l'assistance technique",
        "pouvez-vous me passer un technicien",
        "ton aide ne me suffit pas, je veux un vrai agent",
        "j'ai besoin de parler à un conseiller du support",
        "je souhaite être contacté par téléphone",
        "passez-moi quelqu'un de chez vous",
        "une personne physique svp",
        "je veux échanger avec un agent",
        "je veux parler avec quelqu'un du support chorus",
        "avez-vous un numéro à appeler ?",
        "je souhaite un échange avec un technicien",
        "transférez-moi à un opérateur",
        "conseiller svp",
        "Pourriez-vous me mettre en contact avec une personne du service d'assistance ?",
        "humain",
        "agent",
        "je voudrais un rendez-vous téléphonique avec le support",
        "le bot ne comprend rien, un humain svp",
        "contact support chorus",
        "puis-je avoir un interlocuteur",
    ),
    None: (
        "quelle heure est-il ?",
        "merci beaucoup",
        "quand vais-je être payé pour ma facture n° 12345 ?",
        "quel temps fait-il à Paris",
        "ok",
        "comment télécharger mes factures en PDF",
        "les intérêts moratoires sont-ils calculés automatiquement ?",
        "asdfghjkl",
        "Hello, do you speak English?",
        "je veux modifier mon adresse mail",
        "qui êtes-vous ?",
        "comment ajouter une pièce jointe à ma facture",
        "quelle est la date limite de paiement d'une facture par l'état ?",
        "bonsoir",
        "comment annuler une facture déposée par erreur",
        "merci au revoir",
        "où en est le paiement de ma facture ?",
        "c'est quoi le numéro d'engagement",
        "où je dépose mes factures pour l'hôpital",
        "je n'arrive pas à me connecter",
        "c'est quoi chorus pro ?",
        "test",
        "ma facture est au statut mise en paiement, ça veut dire quoi ?",
        "comment changer mon mot de passe",
        "bonjour, ça va ?",
        "quels sont les délais de paiement de l'état",
        "comment saisir une facture de travaux",
        "ma facture est bloquée au statut à recycler",
        "je n'arrive pas à télécharger le pdf",
        "au revoir",
        "pourquoi ma facture est suspendue ?",
        "comment modifier le RIB de ma structure",
        "ma facture est au statut rejetée, que faire ?",
        "je veux annuler ma facture",
        "bonjour, je suis perdu",
        "ma facture n'est toujours pas payée",
        "comment remplir le numéro d'engagement",
        "merci pour votre aide",
        "comment exporter la liste de mes factures",
        "quels formats de facture sont acceptés",
        "la facture 2024-118 a été refusée par le service",
        "vous êtes un robot ?",
    ),
}

# What the user does not want, is not or does not need; the topic that remains, or none.
_EARLIER_NEGATIONS: dict[Topic | None, tuple[str, ...]] = {
    Topic.CREATE_ACCOUNT: (
        "pas besoin d'agent, je cherche à créer mon compte",
        "je ne suis pas encore enregistré, par quoi je commence ?",
        "je ne suis pas fonctionnaire, je suis fournisseur : comment m'inscrire ?",
    ),
    Topic.ACTIVATION_LINK: (
        "ce n'est pas pour ma structure, c'est le lien d'activation de mon compte que je n'ai pas reçu",
        "je ne veux pas créer un nouveau compte, je veux juste recevoir à nouveau le mail d'activation",
        "c'est pas pour un espace, je n'ai toujours pas le lien pour finaliser mon inscription",
        "je ne veux pas de sollicitation, je veux juste qu'on me renvoie le lien d'activation",
        "ce n'est pas une question de sous-traitance : je n'ai pas reçu le mail d'activation",
    ),
    Topic.ADD_SPACES: (
        "je ne veux pas de conseiller, dites-moi juste comment ajouter un espace",
        "je ne suis pas le gestionnaire principal, comment m'abonner à l'espace factures reçues",
        "pas besoin de renvoyer le mail, je veux ajouter un espace",
        "je ne veux pas de nouveau compte, comment ajouter un espace à celui que j'ai ?",
        "je ne veux pas parler à un conseiller, je veux savoir comment on s'abonne à un espace",
        "je ne suis pas gestionnaire et je ne vois pas l'espace engagements",
    ),
    Topic.MANAGER_LEFT: (
        "sans passer par un agent, comment transférer le rôle de gestionnaire principal ?",
        "notre gestionnaire n'est plus dans la collectivité",
        "pas besoin de conseiller, le gestionnaire principal est parti, que faire ?",
    ),
    Topic.SUBCONTRACTING: (
        "je ne souhaite pas m'inscrire, je voulais juste savoir comment facturer en sous-traitance",
        "je ne suis pas mandataire, je suis cotraitant : qui valide ma facture ?",
    ),
    Topic.STRUCTURE_PROCEDURE: (
        "je ne souhaite pas inactiver ma structure, je veux la réactiver",
        "je ne parle pas de sous-traitance, je veux activer ma structure",
        "je ne demande pas d'activer un compte, c'est la structure publique de la commune qu'il faut activer",
        "je ne cherche pas à parler à quelqu'un, je veux inactiver ma structure",
    ),
    Topic.HUMAN_AGENT: (
        "je veux pas de robot, un vrai conseiller svp",
        "j'en ai assez de parler à une machine",
        "pas besoin de lien d'activation, je veux un conseiller",
        "je ne veux pas de robot",
    ),
    None: (
        "je ne veux pas parler à un agent",
        "non merci, pas d'humain",
        "inutile de me passer un conseiller",
        "pas la peine de me mettre en relation avec le support",
        "je ne souhaite pas parler à un humain",
        "non, je n'ai pas besoin d'un agent",
        "je ne souhaite pas inactiver ma structure",
        "je n'ai plus besoin d'aide, merci",
    ),
}

# Messages asking two things: both topics are offered as choices, in the order asked.
_EARLIER_TWO_QUESTIONS: tuple[tuple[str, tuple[Topic, Topic]], ...] = (
    ("comment créer mon compte ? et comment ajouter un espace ?", (Topic.CREATE_ACCOUNT, Topic.ADD_SPACES)),
    (
        "je n'ai pas reçu le lien d'activation, et aussi je voudrais savoir comment marchent les factures de "
        "sous-traitance",
        (Topic.ACTIVATION_LINK, Topic.SUBCONTRACTING),
    ),
    (
        "notre gestionnaire principal est parti. Par ailleurs il faut inactiver l'ancienne structure de la commune",
        (Topic.MANAGER_LEFT, Topic.STRUCTURE_PROCEDURE),
    ),
    (
        "je veux activer ma structure puis ajouter l'espace factures de travaux",
        (Topic.STRUCTURE_PROCEDURE, Topic.ADD_SPACES),
    ),
    (
        "deux questions : comment s'inscrire, et comment devenir gestionnaire principal à la place de l'ancien "
        "qui a démissionné",
        (Topic.CREATE_ACCOUNT, Topic.MANAGER_LEFT),
    ),
    (
        "le mail d'activation a expiré ; sinon je voudrais parler à un conseiller",
        (Topic.ACTIVATION_LINK, Topic.HUMAN_AGENT),
    ),
    (
        "comment s'abonner à un espace et qui valide les factures des cotraitants ?",
        (Topic.ADD_SPACES, Topic.SUBCONTRACTING),
    ),
    (
        "renvoyez-moi le lien d'activation svp. Autre chose : comment réactiver notre établissement ?",
        (Topic.ACTIVATION_LINK, Topic.STRUCTURE_PROCEDURE),
    ),
    (
        "je suis sous-traitant, comment déposer ma facture ? Et j'aimerais aussi parler à un humain",
        (Topic.SUBCONTRACTING, Topic.HUMAN_AGENT),
    ),
    ("création de compte + ajout d'espaces", (Topic.CREATE_ACCOUNT, Topic.ADD_SPACES)),
    ("comment ajouter un espace ? et aussi, notre gestionnaire est parti", (Topic.ADD_SPACES, Topic.MANAGER_LEFT)),
    ("je veux créer mon compte puis parler à un conseiller", (Topic.CREATE_ACCOUNT, Topic.HUMAN_AGENT)),
    ("comment je m'inscris, et comment j'ajoute l'espace factures reçues ?", (Topic.CREATE_ACCOUNT, Topic.ADD_SPACES)),
    (
        "le lien d'activation a expiré et notre gestionnaire principal a démissionné",
        (Topic.ACTIVATION_LINK, Topic.MANAGER_LEFT),
    ),
    (
        "je dois ajouter l'espace factures de travaux. Aussi, comment inactiver notre ancien siret ?",
        (Topic.ADD_SPACES, Topic.STRUCTURE_PROCEDURE),
    ),
    ("comment créer un compte et comment activer ma structure ?", (Topic.CREATE_ACCOUNT, Topic.STRUCTURE_PROCEDURE)),
    (
        "comment s'inscrire ? puis comment avoir l'espace factures de travaux ?",
        (Topic.CREATE_ACCOUNT, Topic.ADD_SPACES),
    ),
    ("notre gestionnaire est parti, et je voudrais un conseiller", (Topic.MANAGER_LEFT, Topic.HUMAN_AGENT)),
    (
        "j'ai deux questions : la sous-traitance, et l'inactivation de notre structure",
        (Topic.SUBCONTRACTING, Topic.STRUCTURE_PROCEDURE),
    ),
)

SESSION_3_BATCH_1 = Batch(
    "s3-1",  # session 3, the first batch: typos, SMS, jargon (GP, SP, crea), synonyms
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "bjr je voudrai creer un compte sur chorus svp",
            "crea compte fournisseur",
            "comment on fait l'inscription d'une micro entreprise sur chorus pro",
            "je n'ai encore jamais facturé l'état, il me faut un compte chorus ?",
            "besoin d'ouvrir un acces chorus pour ma sasu",
            "j'arrive pas a m'inscrir sur le site",
            "je dois me rattacher au siret de ma boite, ça se fait à la création du compte ?",
            "comment avoir un login pour le portail de facturation de l'état",
            "ma secrétaire doit-elle s'inscrire elle aussi ?",
            "Bonjour, je viens de reprendre une boulangerie et la mairie me demande de déposer mes factures sur "
            "Chorus Pro. Je n'y connais rien, comment je crée mon accès ?",
            "inscritpion chorus pro",
            "quelles infos faut il pour ouvrir un compte ? siret, mail ?",
        ),
        Topic.ACTIVATION_LINK: (
            "le mail d'activation ne m'est jamais parvenu",
            "je ne recois pas le courriel pour valider mon compte",
            "activasion compte mail pas arriver",
            "lien d'activ expiré que faire",
            "Bonjour, inscription faite ce matin mais toujours rien dans ma messagerie",
            "le lien pour finaliser l'inscription ne s'ouvre pas",
            "mail de validation d'inscription non reçu, j'ai vérifié les indésirables",
            "jsuis inscrit mais jarrive pas a activer mon compte, le mail est jamais venu",
            "j'ai cliqué sur le lien du mail et ça dit lien invalide",
            "compte créé il y a 3 jours, toujours en attente du mail",
        ),
        Topic.ADD_SPACES: (
            "je voudrais ajouter le module factures reçues",
            "je n'ai pas les habilitations pour voir les factures de travaux",
            "où ajouter un abonnement dans mon compte",
            "il manque la rubrique sollicitations reçues",
            "mon compte n'a que l'espace factures émises, comment en avoir d'autres",
            "demande d'accès à l'espace factures de travaux",
            "je ne peux pas saisir de facture, l'espace n'est pas dans ma liste",
            "le gestionnaire a ouvert l'espace sur la structure mais je ne le vois toujours pas",
        ),
        Topic.MANAGER_LEFT: (
            "notre GP est parti, qui peut valider les rattachements maintenant ?",
            "changement de gestionnaire principal suite à départ en retraite",
            "le gestionaire principale a changé d'employeur",
            "plus de gestionnaire dans la structure depuis son départ",
            "l'ancienne GP n'a pas passé la main avant de partir",
            "nomination d'un nouveau gestionnaire principal",
            "la gestionnaire principale est en arrêt longue maladie, qui peut la remplacer ?",
        ),
        Topic.SUBCONTRACTING: (
            "soustraitance : qui valide la facture ?",
            "le titulaire du marché bloque ma facture de sous traitant depuis 3 semaines",
            "processus de facturation pour un groupement momentané d'entreprises",
            "facture soutraitance validation entreprise générale",
            "Nous sommes sous-traitants de second rang, pouvons-nous déposer sur Chorus ?",
            "l'entreprise mandataire n'a toujours pas validé ma demande de paiement",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "neutraliser un siret dans chorus",
            "comment fermer la structure publique de l'ancien ehpad",
            "activer SP",
            "rendre inactive la structure du syndicat des eaux",
            "nous devons réactiver le siret de la médiathèque",
            "la commune déléguée n'existe plus, il faut désactiver sa structure",
            "inactivation siret fermé en base sirene",
            "je veux activer/inactiver ma structure",
        ),
        Topic.HUMAN_AGENT: (
            "je veux un conseillé",
            "pouvez vous me rappeler",
            "je voudrais joindre un agent chorus par téléphone",
            "un opérateur svp c'est urgent",
            "vous n'êtes qu'une machine, passez moi quelqu'un de compétent",
            "est-ce que je peux avoir quelqu'un de l'AIFE au bout du fil",
            "numéro du support svp",
        ),
        None: (
            "ma facture a été rejetée pour motif SIRET inconnu",
            "je ne trouve pas le siret de la mairie destinataire",
            "chorus est en panne ?",
            "comment récupérer mon mot de passe oublié",
            "quelle différence entre une facture et un avoir",
            "super merci c'est clair",
            "comment créer une facture",
            "le code service est obligatoire ?",
            "mon compte est bloqué après trois essais de mot de passe",
        ),
    },
    negations={
        Topic.CREATE_ACCOUNT: (
            "je ne veux pas d'humain, explique-moi juste comment s'inscrire",
            "je ne suis pas encore client de chorus, je voudrais ouvrir un compte",
        ),
        Topic.ACTIVATION_LINK: (
            "pas besoin d'un conseiller, je voudrais juste le lien d'activation",
            "je ne veux pas refaire une inscription, renvoyez-moi le mail pour activer",
        ),
        Topic.ADD_SPACES: (
            "je ne souhaite pas créer de compte, j'en ai déjà un, c'est l'espace factures reçues qu'il me faut",
        ),
        Topic.SUBCONTRACTING: ("je ne suis pas sous-traitant mais co-traitant, qui valide ma facture ?",),
        Topic.HUMAN_AGENT: ("je ne veux plus parler au robot, un agent svp",),
        None: (
            "ne me passez pas d'agent",
            "je ne veux pas qu'on me rappelle",
            "pas besoin de conseiller merci",
        ),
    },
    two_questions=(
        ("comment s'inscrire et comment joindre un conseiller ?", (Topic.CREATE_ACCOUNT, Topic.HUMAN_AGENT)),
        ("le lien a expiré. autre question, notre GP est parti", (Topic.ACTIVATION_LINK, Topic.MANAGER_LEFT)),
        (
            "je suis cotraitant, qui valide ma facture ? et il me manque l'espace factures émises",
            (Topic.SUBCONTRACTING, Topic.ADD_SPACES),
        ),
        (
            "inactiver l'ancien siret puis transférer le rôle de gestionnaire principal",
            (Topic.STRUCTURE_PROCEDURE, Topic.MANAGER_LEFT),
        ),
    ),
)


SESSION_3_BATCH_2 = Batch(
    "s3-2",  # session 3, the second batch: long context, formal letters, complaints, near-topic questions
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "Madame, Monsieur, dans le cadre de l'obligation de facturation électronique, notre association doit "
            "adresser ses factures à la région. Pourriez-vous m'indiquer comment procéder à notre inscription ?",
            "c'est la première fois que je travaille avec une collectivité, je dois créer quoi sur chorus",
            "je suis kiné libéral et l'hôpital veut mes factures par chorus, je n'ai aucun identifiant",
            "on m'a dit de me rattacher à ma structure, mais je n'ai même pas de compte",
            "création d'un nouvel utilisateur fournisseur",
            "je me suis trompé de siret en créant mon compte, je recommence l'inscription ?",
            "Est il possible de s'inscrire sans numéro de SIRET ?",
            "inscri chorus",
            "je n'ai pas encore d'acces au portail chorus pro, comment l'obtenir ?",
            "ouverture de compte pour un auto entrepreneur",
            "créer un compte sur chorus pro c'est gratuit ?",
            "obtenir des identifiants de connexion pour mon entreprise",
        ),
        Topic.ACTIVATION_LINK: (
            "Je me permets de vous relancer : le courriel d'activation de mon compte ne m'est toujours pas parvenu.",
            "impossible d'activer mon compte, le lien est mort",
            "le lien d'activation affiche une erreur 404",
            "j'ai reçu aucun mail après l'inscription",
            "finaliser mon inscription chorus pro",
            "le mail pour activer n'arrive pas, j'ai regardé dans les courriers indésirables",
            "mon adresse mail était mal tapée à l'inscription, je ne reçois donc pas le lien",
            "je cherche le lien d'activation",
            "compte non activé",
            "votre lien ne fonctionne plus, pouvez vous en générer un autre",
        ),
        Topic.ADD_SPACES: (
            "comment obtenir l'accès à l'espace factures de travaux ? je suis maître d'oeuvre",
            "je suis gestionnaire secondaire, comment j'ajoute un espace à la structure",
            "il n'y a pas le menu mémoires de frais de justice sur mon écran d'accueil",
            "je souhaiterais m'abonner à l'espace engagements",
            "la tuile sollicitations émises a disparu",
            "où je clique pour ajouter un espace à ma structure ?",
            "mon collègue a accès aux factures reçues mais pas moi",
            "demande d'abonnement à un espace refusée, pourquoi ?",
            "comment rendre visible l'espace factures de travaux pour mes agents",
        ),
        Topic.MANAGER_LEFT: (
            "Suite au départ de notre directrice financière qui était gestionnaire principale, plus personne n'a "
            "la main sur notre structure. Que faire ?",
            "qui contacter pour désigner un nouveau gestionnaire principal, l'ancien est décédé",
            "notre gestionnaire principal ne travaille plus chez nous",
            "le titulaire du compte gestionnaire n'est plus en poste",
            "reprise du rôle de gestionnaire principal",
            "mon prédécesseur était gestionnaire, il est parti sans transférer ses droits",
            "comment je passe gestionnaire principal à la place de mon collègue",
            "le gestionnaire principal de notre siret est introuvable",
        ),
        Topic.SUBCONTRACTING: (
            "Dans le cadre d'un marché de travaux, nous intervenons en tant que sous-traitant avec paiement "
            "direct. Comment déposer notre demande de paiement ?",
            "ma facture de co-traitance doit elle etre validée par le mandataire ?",
            "sous-traitant : le titulaire a refusé ma facture",
            "comment fonctionne la validation par le mandataire d'un groupement",
            "facture de sous traitance en attente depuis un mois",
            "je suis titulaire du marché, comment je valide la facture de mon sous-traitant ?",
            "cotraitance conjointe, qui facture quoi",
            "sous-traitants : quelle procédure sur chorus pro",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "Bonjour, suite à la création de la commune nouvelle, nous devons inactiver les structures des "
            "communes historiques. Comment procéder ?",
            "le siret de notre SIVU est fermé, il faut l'inactiver dans chorus",
            "notre trésorerie a changé, la structure doit être désactivée",
            "structure publique inactive, on ne reçoit plus les factures",
            "inactiver le siret de l'ancienne communauté de communes et basculer sur le nouveau",
            "rendre active la structure du collège",
            "comment désactiver un établissement",
        ),
        Topic.HUMAN_AGENT: (
            "Franchement votre assistant ne sert à rien, je veux parler à un être humain",
            "je voudrais un contact téléphonique",
            "y a-t-il un conseiller disponible ?",
            "appeler le support",
            "je souhaite joindre le service client",
            "est-ce que quelqu'un peut me rappeler aujourd'hui ?",
            "ras le bol de ce chatbot",
            "je veux m'adresser à une personne",
        ),
        None: (
            "comment ajouter un utilisateur à ma structure",
            "comment saisir une facture sur chorus pro",
            "je n'arrive pas à déposer ma facture au format PDF",
            "quel est le numéro de SIRET de la DGFIP",
            "ma facture est en statut suspendue depuis 2 mois",
            "comment créer une facture d'avoir",
            "je voudrais modifier mes coordonnées bancaires",
            "le service exécutant est obligatoire ?",
            "j'ai oublié mon identifiant de connexion",
        ),
    },
    negations={
        Topic.CREATE_ACCOUNT: ("ce n'est pas une question de facture, je n'arrive pas à créer mon compte",),
        Topic.ACTIVATION_LINK: (
            "pas la peine de me passer quelqu'un, j'ai juste besoin qu'on me renvoie le lien d'activation",
        ),
        Topic.ADD_SPACES: ("je ne cherche pas à inactiver quoi que ce soit, je voudrais ajouter l'espace engagements",),
        Topic.MANAGER_LEFT: (
            "je n'ai pas besoin d'un nouveau compte, je veux devenir gestionnaire principal car l'ancien est parti",
        ),
        Topic.SUBCONTRACTING: ("ce n'est pas une facture classique, c'est une facture de sous-traitance",),
        Topic.STRUCTURE_PROCEDURE: ("je ne veux pas supprimer mon compte, je veux inactiver la structure",),
        Topic.HUMAN_AGENT: ("je ne veux pas de réponse automatique, je veux un conseiller",),
        None: (
            "non je ne veux pas être rappelé",
            "je ne souhaite pas de conseiller pour l'instant",
            "pas la peine de me renvoyer le lien",
        ),
    },
    two_questions=(
        (
            "Deux choses : je n'ai pas reçu le mail d'activation, et je voudrais savoir comment ajouter un espace",
            (Topic.ACTIVATION_LINK, Topic.ADD_SPACES),
        ),
        (
            "comment inactiver une structure et qui valide les factures des sous-traitants",
            (Topic.STRUCTURE_PROCEDURE, Topic.SUBCONTRACTING),
        ),
        ("je veux m'inscrire. ensuite j'aimerais parler à un conseiller", (Topic.CREATE_ACCOUNT, Topic.HUMAN_AGENT)),
        (
            "notre gestionnaire principal est parti ; par ailleurs l'espace factures reçues n'apparaît pas",
            (Topic.MANAGER_LEFT, Topic.ADD_SPACES),
        ),
    ),
)


SESSION_3_BATCH_3 = Batch(
    "s3-3",  # session 3, the third batch: short and misspelt, near-topic questions that fit no topic
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "jveux creer mon conpte",
            "inscription fournisseur etranger sans siret",
            "ma boîte n'a pas de compte chorus et on doit facturer le ministère",
            "on est une EURL toute neuve, comment on ouvre notre espace sur chorus pro ?",
            "créer un compte pour mon cabinet comptable qui dépose pour mes clients",
            "je suis nouvelle dans l'entreprise, je dois avoir mon propre accès ?",
            "bloc vous êtes nouveau sur chorus pro",
            "adhésion à chorus pro",
            "je voudrais un compte utilisateur",
        ),
        Topic.ACTIVATION_LINK: (
            "mail dactivation jamais recu",
            "le lien expire avant que je puisse cliquer",
            "je n'ai pas eu de mail pour confirmer",
            "mon compte est créé mais inactif",
            "toujour pas recu le courriel",
            "j ai fait l inscription hier et pas de mail depuis",
            "est-ce que le lien d'activation a une durée de validité ?",
            "le message de confirmation d'inscription est introuvable",
        ),
        Topic.ADD_SPACES: (
            "commen ajouté un espace",
            "je veux l'espase facture recu",
            "espace sollicitations émises absent",
            "mes collaborateurs n'ont pas l'onglet factures de travaux, comment l'ajouter ?",
            "où valider les demandes d'abonnement de mes utilisateurs aux espaces",
            "je ne vois que mon compte et mes structures, pas les factures",
            "modules manquants sur mon compte",
            "ajouter l'espace mémoires de frais de justice",
        ),
        Topic.MANAGER_LEFT: (
            "le GP a pris sa retraite sans nommer personne",
            "comment reprendre la main sur la structure, le gestionnaire n'est plus là",
            "transfert du rôle de GP",
            "l'ex gestionnaire principal a été muté",
            "désignation d'un gestionnaire principal",
            "qui peut remplacer notre gestionnaire principal démissionnaire ?",
        ),
        Topic.SUBCONTRACTING: (
            "facture de cotraitant refusée par le mandataire",
            "le mandataire a 15 jours pour valider ?",
            "ma demande de paiement direct est coincée chez le titulaire",
            "groupement d'entreprises : comment déposer la facture d'un membre",
            "processus sous traitance chorus",
            "validation titulaire facture sous-traitant délai",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "activation d'une structure publique via claudia",
            "il faut inactiver le SIRET de la régie de recettes",
            "notre établissement a changé de SIRET, l'ancien doit être inactivé",
            "la structure reprenant l'activité doit être active ?",
            "désactivation structure publique siret fermé",
            "comment activer notre SP",
        ),
        Topic.HUMAN_AGENT: (
            "contacter un conseillé",
            "un vrai humain svp pas une IA",
            "je veux parler à un responsable",
            "mettez-moi en contact avec le support",
            "joindre un technicien",
            "je voudrais être recontacté",
        ),
        None: (
            "comment créer un avoir",
            "comment inscrire le numéro de bon de commande sur ma facture",
            "je n'arrive pas à activer la double authentification",
            "mon espace client est vide",
            "comment transférer une facture à un autre service",
            "la structure destinataire est introuvable",
            "quel est le délai de paiement pour un sous-marché ?",
            "le mail de notification de ma facture ne m'est pas arrivé",
            "où voir les factures que j'ai reçues",
            "comment changer de structure par défaut",
            "comment modifier l'adresse de ma structure",
            "j'ai un souci",
            "aidez moi",
            "oui",
        ),
    },
    negations={
        Topic.CREATE_ACCOUNT: ("sans passer par un conseiller, comment j'ouvre un compte ?",),
        Topic.ACTIVATION_LINK: ("ce n'est pas un problème de mot de passe, le lien d'activation n'arrive pas",),
        Topic.ADD_SPACES: ("je ne suis pas gestionnaire, comment j'ajoute un abonnement à un espace ?",),
        Topic.MANAGER_LEFT: ("pas besoin de lien, notre gestionnaire principal a quitté la structure",),
        Topic.STRUCTURE_PROCEDURE: ("je ne veux pas activer mon compte mais la structure publique",),
        Topic.HUMAN_AGENT: ("je ne veux pas de FAQ, je veux un humain",),
        None: (
            "surtout pas de conseiller",
            "je n'ai pas besoin de créer de compte, merci",
            "non pas besoin d'agent",
        ),
    },
    two_questions=(
        (
            "mon lien d'activation ne marche pas, et je ne sais pas comment facturer en cotraitance",
            (Topic.ACTIVATION_LINK, Topic.SUBCONTRACTING),
        ),
        (
            "je veux inactiver notre ancien siret, puis parler à un conseiller",
            (Topic.STRUCTURE_PROCEDURE, Topic.HUMAN_AGENT),
        ),
    ),
)


SESSION_3_BATCH_4 = Batch(
    "s3-4",  # session 3, the fourth: rambling, shouting, unpunctuated, emoji, English, near-topic questions
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "bonjour je m'appelle Paul je suis plombier chauffagiste a mon compte depuis 2019 et je fais des "
            "travaux pour le lycée de ma ville, le gestionnaire du lycée m'a dit que désormais il fallait que je "
            "passe par chorus pro pour être payé, je ne sais pas du tout comment ça marche, comment je fais pour "
            "m'enregistrer ?",
            "COMMENT CREER UN COMPTE",
            "je voudrais créer un accès pour notre nouvelle comptable",
            "enregistrement de ma société sur chorus pro",
            "j'ai un SIRET 123 456 789 00012, comment je l'utilise pour m'inscrire",
            "s'inscrire sur Chorus Pro quand on est une association loi 1901",
            "procédure d'inscription",
            "je n'ai jamais eu d'identifiants pour le portail, c'est normal ?",
            "hello, how do I create an account on chorus pro?",
        ),
        Topic.ACTIVATION_LINK: (
            "LE LIEN NE MARCHE PAS",
            "j'ai bien créé mon compte mais le lien pour l'activer est expiré 😡",
            "aucun mail reçu pour activer mon compte malgré plusieurs tentatives",
            "pourriez-vous renvoyer le courriel de confirmation à l'adresse utilisée lors de mon inscription",
            "le lien d'activation me renvoie vers la page de connexion sans rien faire",
            "inscription pas finalisée car jamais reçu le lien",
            "mon collègue n'a pas reçu son mail d'activation",
            "activation du compte en attente",
        ),
        Topic.ADD_SPACES: (
            "je dois traiter les factures reçues mais je n'ai pas l'espace, mon gestionnaire doit faire quoi ?",
            "l'abonnement à l'espace factures de travaux est en attente de validation depuis 10 jours",
            "comment ajouter des espaces sur ma structure en tant que gestionnaire principal",
            "le module sollicitations n'est pas activé pour moi",
            "je vois pas l onglet engagements",
            "il faudrait m'ouvrir l'espace factures émises",
            "comment on s'inscrit à un espace ?",
            "rajout fonctionnalité factures de travaux",
        ),
        Topic.MANAGER_LEFT: (
            "le gestionnaire principal de la mairie a pris sa retraite le mois dernier et nous n'avons plus "
            "d'accès gestionnaire",
            "je dois transmettre mon rôle de gestionnaire principal avant de partir en retraite",
            "Bonjour, notre ancien GP a quitté l'entreprise en 2022 sans transférer ses droits, comment faire ?",
            "comment faire quand le gestionnaire principal est absent définitivement",
            "nommer un nouveau gestionnaire principal suite au départ du précédent",
            "qui a les droits de gestionnaire quand le principal n'est plus là",
            "gestionnaire parti plus personne pour valider les rattachements",
        ),
        Topic.SUBCONTRACTING: (
            "Nous sommes titulaires d'un marché public et notre sous-traitant nous demande de valider sa facture "
            "sur Chorus Pro, où le faire ?",
            "facture sous traitant refusée",
            "en cotraitance chacun dépose sa facture ?",
            "délai de validation du titulaire pour les sous-traitants",
            "je suis sous-traitant direct de l'état",
            "comment le mandataire valide t il les factures du groupement",
            "factures des co-traitants, quel circuit ?",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "la mairie annexe a fermé, on veut inactiver son siret sur chorus",
            "inactiver une structure dont le siret est encore actif à l'insee",
            "comment désactiver une structure qui reçoit encore des factures",
            "réactivation d'une structure publique",
            "activer la structure publique du nouveau groupement hospitalier",
            "Je suis gestionnaire de la structure de l'EPCI, je souhaite l'inactiver au profit d'un autre SIRET",
            "le SIRET de notre budget annexe doit être fermé dans Chorus",
        ),
        Topic.HUMAN_AGENT: (
            "je préférerais échanger avec un conseiller",
            "pouvez-vous me mettre en relation avec un technicien chorus pro",
            "il y a un numéro de téléphone pour le support ?",
            "pas de robot svp",
            "je voudrais avoir un vrai interlocuteur",
            "c'est possible d'avoir un humain ?",
        ),
        None: (
            "bonjour j'ai une question",
            "comment faire une demande de remboursement",
            "je ne comprends pas le statut de ma facture",
            "quelle est l'adresse du support par courrier",
            "ma facture a été mise en paiement mais je n'ai rien reçu sur mon compte bancaire",
            "comment créer une sollicitation",
            "comment joindre une pièce à une sollicitation",
            "le code service n'existe pas",
            "comment supprimer mon compte",
            "j'ai changé d'adresse mail, comment la modifier",
            "comment activer les notifications par mail",
            "est-ce que l'espace de stockage est limité ?",
        ),
    },
    negations={
        Topic.CREATE_ACCOUNT: ("je n'ai pas encore de compte, je ne sais pas par où commencer",),
        Topic.ACTIVATION_LINK: (
            "je ne veux pas créer un deuxième compte, renvoyez-moi plutôt le lien d'activation du premier",
        ),
        Topic.SUBCONTRACTING: (
            "ce n'est pas ma structure qui pose problème mais la validation par le titulaire de ma facture de "
            "sous-traitant",
        ),
        Topic.HUMAN_AGENT: ("je ne veux pas lire la doc, je veux un conseiller",),
        None: (
            "je ne veux pas m'inscrire",
            "inutile de me rappeler",
            "pas besoin d'ajouter un espace",
        ),
    },
    two_questions=(
        (
            "comment activer ma structure publique ? et aussi comment ajouter un espace ?",
            (Topic.STRUCTURE_PROCEDURE, Topic.ADD_SPACES),
        ),
        (
            "je n'ai pas reçu le lien d'activation. par ailleurs je voudrais parler à un conseiller",
            (Topic.ACTIVATION_LINK, Topic.HUMAN_AGENT),
        ),
        (
            "comment facturer en sous-traitance et comment créer mon compte ?",
            (Topic.SUBCONTRACTING, Topic.CREATE_ACCOUNT),
        ),
        (
            "notre GP est parti à la retraite ; sinon, comment inactiver le siret de l'ancienne régie ?",
            (Topic.MANAGER_LEFT, Topic.STRUCTURE_PROCEDURE),
        ),
    ),
)


SESSION_3_BATCH_5 = Batch(
    "s3-5",  # session 3, the last batch: tried on the tuned model; all kinds mixed
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "Bonjour, je suis infirmière libérale et je viens de signer une convention avec un EHPAD public. Ils "
            "veulent mes factures sur Chorus Pro. Que dois-je faire pour avoir un compte ?",
            "comment je peux m'inscrire svp",
            "je crée un compte pour qui, moi ou mon entreprise ?",
            "compte chorus pro inexistant, comment en avoir un",
            "marche a suivre creation compte fournisseur",
            "nouvel utilisateur, je voudrais ouvrir un compte",
            "faut il etre inscrit pour deposer une facture a une commune ?",
        ),
        Topic.ACTIVATION_LINK: (
            "je n'ai toujours pas reçu le lien pour finaliser",
            "relance lien d'activation svp",
            "le courriel d'activation a dû partir dans les spams mais je ne le trouve pas",
            "bonjour, votre mail d'activation n'arrive jamais chez nous, nos filtres le bloquent peut-être ?",
            "je voudrais recevoir de nouveau le mail d'activation",
            "lien d'activation non reçu après création du compte",
        ),
        Topic.ADD_SPACES: (
            "comment activer un nouvel espace pour ma structure",
            "je n'ai pas l'espace factures de travaux dans mon compte",
            "demande d'abonnement à l'espace sollicitations reçues",
            "l'utilisateur ne voit pas l'espace que j'ai ouvert sur la structure",
            "où est le bloc mes abonnements aux espaces",
            "espace engagements manquant",
            "j'aimerais avoir accès aux factures de travaux",
        ),
        Topic.MANAGER_LEFT: (
            "notre gestionnaire principal est parti, comment en nommer un autre ?",
            "la personne gestionnaire principale a quitté la collectivité l'an dernier",
            "je veux récupérer le rôle de gestionnaire principal de ma structure, l'ancienne titulaire est partie",
            "le GP de notre société a démissionné",
            "personne n'a plus les droits de gestionnaire principal sur notre structure",
            "comment passer le rôle de gestionnaire principal à quelqu'un d'autre ?",
        ),
        Topic.SUBCONTRACTING: (
            "comment valider la demande de paiement de mon sous-traitant",
            "je suis sous-traitant, ma facture attend la validation du titulaire",
            "cotraitants : le mandataire doit-il valider chaque facture ?",
            "facturation sous traitance marché public",
            "le titulaire n'a pas validé dans les 15 jours, que se passe-t-il ?",
            "factures des membres d'un groupement conjoint",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "inactiver la structure publique de l'ancienne école",
            "notre SIRET est fermé en base SIRENE, comment inactiver la structure ?",
            "activer une structure publique avec ClaudIA",
            "désactivation d'un SIRET actif au profit d'un autre",
            "réactiver la structure du syndicat mixte",
        ),
        Topic.HUMAN_AGENT: (
            "je voudrais échanger avec un agent du support",
            "puis-je parler à un conseiller chorus pro ?",
            "votre réponse ne m'aide pas, un humain svp",
            "j'ai besoin d'un contact humain",
            "vous avez un numéro à appeler ?",
            "transfert vers un conseiller svp",
        ),
        None: (
            "combien de temps pour être payé",
            "comment ajouter un RIB",
            "je n'arrive pas à me connecter à chorus pro",
            "comment consulter mes sollicitations",
            "le portail est en maintenance ?",
            "c'est quoi le statut mise à disposition",
            "comment changer le code service d'une facture",
            "merci beaucoup pour votre réponse",
        ),
    },
    negations={
        Topic.ADD_SPACES: ("ce n'est pas pour créer un compte, c'est pour ajouter un espace",),
        Topic.MANAGER_LEFT: (
            "je ne veux pas devenir gestionnaire moi-même, mais notre gestionnaire principal est parti",
        ),
        Topic.HUMAN_AGENT: ("pas envie de discuter avec un robot, passez-moi un conseiller",),
        None: (
            "je ne veux pas inactiver la structure",
            "pas de conseiller svp",
        ),
    },
    two_questions=(
        (
            "comment créer un compte ? et qui valide les factures de sous-traitance ?",
            (Topic.CREATE_ACCOUNT, Topic.SUBCONTRACTING),
        ),
        (
            "le lien d'activation est expiré et il me manque l'espace factures reçues",
            (Topic.ACTIVATION_LINK, Topic.ADD_SPACES),
        ),
        (
            "notre gestionnaire principal est parti et je voudrais parler à un agent",
            (Topic.MANAGER_LEFT, Topic.HUMAN_AGENT),
        ),
    ),
)


SESSION_4_BATCH_1 = Batch(
    "s4-1",  # session 4: typos, jargon, states (« inactif »), long context; tried before tuning
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "comant je fait pour me creé un conpte",
            "bjr je voudré ouvrir 1 compte sur chorus",
            "Madame, Monsieur, artisan plombier depuis peu, je dois transmettre une facture au lycée de la ville. "
            "Je ne dispose d'aucun accès au portail. Quelle est la démarche ?",
            "quelle est la procédure d'adhésion à chorus pro pour une micro entreprise",
            "je veux déposer une facture mais le site me demande de m'identifier et je n'ai rien",
            "il me faut des codes d'accès pour chorus, comment les obtient-on",
            "enrôlement d'un nouveau fournisseur sur la plateforme",
            "immatriculation de ma société sur chorus pro : comment procéder ?",
            "je suis travailleur indépendant et je n'ai encore jamais facturé de collectivité, je commence par "
            "quoi sur chorus",
            "crée un acces fournisseur",
            "j'arrive pas a faire mon inscriptoin",
            "ou on se créer un compt",
        ),
        Topic.ACTIVATION_LINK: (
            "j'ai bien rempli tout le formulaire hier mais toujours pas le mail pour confirmer",
            "mon collègue s'est enregistré la semaine passée et n'a reçu aucun courriel depuis",
            "le lein d'activation ne marche pas",
            "le liens de confirmation est périmé, on peut m'en renvoyer un ?",
            "compte créé mais pas encore activé, où est le mail ?",
            "inscrit depuis lundi, je n'ai toujours aucune nouvelle par mail pour valider mon compte",
            "je clique sur le lien reçu et j'ai un message d'erreur, lien plus valide",
            "pouvez-vous me réexpédier le courriel qui permet de finaliser mon compte",
            "mon compte est en attente d'activation depuis une semaine",
            "le message de confirmation de l'inscription n'est jamais arrivé dans ma boîte",
            "Bonjour, notre comptable a créé son accès mais le mail qui devait suivre n'est jamais venu. Vous "
            "pouvez le renvoyer ?",
        ),
        Topic.ADD_SPACES: (
            "dans mon tableau de bord je n'ai que deux tuiles, comment en avoir plus ?",
            "l'onglet pour saisir une facture n'apparaît pas chez moi",
            "mon gestionnaire a ouvert l'espace engagements, comment j'y accède maintenant ?",
            "ajout d'un espace pour un utilisateur simple",
            "il manque l'espace mémoires de frais de justice dans mon compte",
            "mes collaborateurs ne voient pas l'espace factures reçues",
            "demande d'accès à un nouvel espace en attente de validation",
            "je n'ai aucune des fonctions pour déposer une facture, juste mon profil",
            "ouvrir la fonctionnalité factures de travaux sur notre structure",
        ),
        Topic.MANAGER_LEFT: (
            "notre gestionnaire principale est en arrêt longue durée, qui peut la remplacer ?",
            "le GP est parti en retraite sans passer la main",
            "plus aucun gestionnaire sur notre compte depuis le départ de la directrice",
            "changement de gestionnaire principal suite à une mutation",
            "l'administrateur de notre structure a quitté la société, nous sommes bloqués",
            "la seule personne qui gérait les droits n'est plus salariée chez nous",
            "je voudrais transmettre mon rôle de gestionnaire principal avant de partir",
            "nommer un nouveau responsable du compte structure, l'ancien a démissionné",
            "gestionnair principal introuvable, comment faire",
        ),
        Topic.SUBCONTRACTING: (
            "le mandataire du groupement refuse de valider ma facture, que faire",
            "sous-traitant de rang 1 avec paiement direct, quelle démarche sur chorus",
            "comment facturer en tant que sous traitant d'une entreprise titulaire",
            "titulaire du marché, je dois valider la facture de mon sous-traitant, où ?",
            "facture de soutraitance bloquée en attente du titulaire",
            "groupement solidaire : qui envoie les factures ?",
            "acte spécial de sous-traitance signé, comment je suis payé via chorus",
            "j'ai un soustraitant déclaré, comment il facture l'administration",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "comment rendre notre structure active sur chorus pro",
            "notre syndicat intercommunal est dissous, il faut inactiver son siret",
            "la commune déléguée n'existe plus, comment fermer sa structure",
            "remettre en activité une structure publique inactive",
            "passer une structure publique au statut inactif",
            "je dois désactiver l'ancien établissement suite à une fusion",
            "réactivation de la structure de la régie",
            "le siret de notre budget annexe est fermé à l'insee, on l'inactive comment",
            "nous voulons que le siret de la cantine ne reçoive plus de factures",
        ),
        Topic.HUMAN_AGENT: (
            "je veux un vrai interlocuteur",
            "est-il possible d'être rappelé par votre service",
            "parler à qqn du support svp",
            "un opérateur peut me contacter ?",
            "j'aimerais discuter avec un membre de l'équipe support",
            "je souhaite être mis en contact avec l'assistance",
            "où trouver le numéro du support chorus",
            "besoin d'aide d'une personne, pas d'un programme",
            "contact avec un conseiller de l'AIFE",
        ),
        None: (
            "délai de paiement d'une facture déposée",
            "comment modifier l'adresse de ma société",
            "quel est le code service de la mairie",
            "comment télécharger l'accusé de réception",
            "ok merci c'est clair",
            "comment suivre le traitement de ma facture",
        ),
    },
    negations={
        Topic.ACTIVATION_LINK: (
            "je n'ai pas besoin de créer de compte, il existe, c'est juste le lien d'activation qui manque",
        ),
        Topic.STRUCTURE_PROCEDURE: (),
        Topic.ADD_SPACES: ("pas besoin d'un agent, dites-moi juste comment ajouter un espace",),
        Topic.HUMAN_AGENT: ("je ne veux pas de réponse automatique, je veux parler à quelqu'un",),
        None: (
            "pas la peine de me passer un conseiller",
            "non je ne veux pas créer de compte",
            "inutile de me renvoyer le lien",
        ),
    },
    two_questions=(
        (
            "comment s'inscrire sur chorus pro et comment facturer en sous-traitance ?",
            (Topic.CREATE_ACCOUNT, Topic.SUBCONTRACTING),
        ),
        (
            "je n'ai pas reçu le lien d'activation, et aussi je voudrais parler à un conseiller",
            (Topic.ACTIVATION_LINK, Topic.HUMAN_AGENT),
        ),
        (
            "comment ajouter un espace ? puis comment inactiver une structure ?",
            (Topic.ADD_SPACES, Topic.STRUCTURE_PROCEDURE),
        ),
        (
            "notre GP est parti. Par ailleurs, comment ajouter l'espace factures émises ?",
            (Topic.MANAGER_LEFT, Topic.ADD_SPACES),
        ),
    ),
)


SESSION_4_BATCH_2 = Batch(
    "s4-2",  # session 4: long stories, complaints, jargon, near-topic questions; tried on the model tuned on s4-1
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "Bonjour. Gérante d'une petite SCOP de nettoyage, j'ai remporté un lot auprès du conseil "
            "départemental. On m'indique que la facturation passe obligatoirement par votre portail. Je n'y ai "
            "jamais mis les pieds. Comment devient-on utilisateur ?",
            "ouverture de compte chorus pour un cabinet d'avocats",
            "c koi la procedure pr avoir un compte",
            "j'ai pas encore de login sur chorus pro, ça se demande où",
            "comment obtenir des identifiants de connexion au portail chorus",
            "on est une association loi 1901, est-ce qu'on peut s'inscrire ?",
            "je dois me créer un compte perso ou utiliser celui de mon employeur ?",
            "création de compte impossible, le siret n'est pas reconnu",
            "premiere utilisation de chorus pro, que faut il faire",
            "je représente une entreprise allemande, comment m'enregistrer",
            "Une collègue vient d'arriver dans le service compta, elle doit avoir son propre compte Chorus ?",
        ),
        Topic.ACTIVATION_LINK: (
            "le mail pour activer ne vient pas",
            "Je m'étais inscrit il y a 3 semaines, je n'ai jamais activé mon compte, le lien a dû expirer, "
            "comment faire ?",
            "courriel d'activation introuvable, ni dans la boite principale ni dans les courriers indésirables",
            "est ce que vous pouvez me renvoyer le lien pour valider mon inscription",
            "je me suis inscrite ce matin et j'attends toujours le mail de validation",
            "le lien dans le mail me dit que le compte est déjà actif ou que le lien est invalide",
            "relancer l'envoi du mail d'activation",
            "pas recu de lien apres l inscription",
            "mon adresse mail était mal saisie à l'inscription, je n'ai donc rien reçu",
            "lien activation HS",
            "j'ai supprimé le mail d'activation par erreur",
            "activer mon compte chorus pro, le courriel n'est jamais arrivé",
        ),
        Topic.ADD_SPACES: (
            "comment est-ce que je m'abonne à un nouvel espace",
            "je ne peux pas accéder aux factures reçues, l'espace n'est pas dans mon menu",
            "mon abonnement à l'espace factures émises n'est toujours pas validé",
            "il faudrait ouvrir l'espace sollicitations émises pour mes collègues",
            "bonjour, sur l'écran d'accueil je ne vois pas le module pour déposer mes factures",
            "où se trouve le bloc liste des espaces de la structure",
            "mon responsable doit valider ma demande d'abonnement, où la voit-il ?",
            "j'ai pas l'onglet factures à traiter",
        ),
        Topic.MANAGER_LEFT: (
            "Le titulaire du rôle de gestionnaire principal est en congé maternité, comment on fait pour les "
            "validations ?",
            "ma collègue qui était GP a changé de service, il faut transférer son rôle",
            "comment transférer le role de gestionnaire principale",
            "l'ancien trésorier de l'association était le gestionnaire principal, il n'est plus joignable",
            "notre gestionnaire est décédé, qui peut reprendre ses droits",
            "changer le gestionnaire principal de la structure",
            "passer gestionnaire principal à la place de quelqu'un qui a quitté la boîte",
            "plus personne ne peut valider les rattachements, notre GP est parti",
            "le gestionnaire principal ne travaille plus chez nous",
            "je veux céder mon rôle de gestionnaire principal à ma collègue, comment faire ?",
        ),
        Topic.SUBCONTRACTING: (
            "je suis sous traitant en paiement direct, je dépose ma facture où ?",
            "le titulaire doit-il viser la facture de son sous-traitant ?",
            "co-traitance : chaque membre du groupement facture séparément ?",
            "mon sous-traitant a déposé sa facture, je la retrouve où pour la valider ?",
            "délai de validation du mandataire pour une facture de cotraitant",
            "facture d'un sous traitant refusée par l'entreprise principale",
            "comment fonctionne la sous-traitance dans chorus pro",
            "nous sommes mandataire d'un groupement conjoint, que devons-nous valider ?",
            "sous-traitant agréé par le maître d'ouvrage, comment envoyer ma demande de paiement",
            "le titulaire du marché ne valide pas ma facture de sous-traitance",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "comment inactiver une structure publique dont le siret est encore actif à l'insee",
            "notre mairie a fusionné avec la commune voisine, que faire de l'ancienne structure",
            "réactiver la structure de l'office de tourisme",
            "la structure de notre EPCI est inactive, les factures sont bloquées",
            "désactiver le siret d'un service qui n'existe plus",
            "procédure pour activer une structure publique",
            "fermeture d'un établissement public, que faire sur chorus",
            "inactivation d'un siret fermé en base sirene",
            "notre CCAS doit être activé sur chorus pro",
            "la régie de recettes a été supprimée, on doit rendre sa structure inactive",
        ),
        Topic.HUMAN_AGENT: (
            "y a t il quelqu'un au téléphone pour m'aider",
            "appeler l'assistance chorus pro",
            "je préfère parler avec une vraie personne",
            "Vos réponses ne correspondent pas à ma question, je souhaite contacter un agent.",
            "comment joindre un conseiller par téléphone",
            "mettre en relation avec le support",
            "pouvez-vous me faire rappeler par un technicien",
            "je veux parler a un humain pas a une machine",
        ),
        None: (
            "quel format de facture est accepté",
            "la facture est au statut suspendue, que faire",
            "qu'est-ce que le numéro d'engagement",
            "où trouver le siret d'une mairie",
            "chorus pro est en panne ?",
            "je n'arrive pas à joindre la pièce jointe",
            "comment changer mon adresse mail de connexion",
            "combien coûte chorus pro",
            "est-ce que je peux facturer un particulier via chorus",
            "mon client public ne me paye pas",
        ),
    },
    negations={
        Topic.ADD_SPACES: ("je n'ai pas besoin d'un nouveau compte, il me faut seulement l'espace factures émises",),
        Topic.ACTIVATION_LINK: ("pas besoin d'un agent, renvoyez-moi simplement le lien d'activation",),
        Topic.HUMAN_AGENT: ("je ne veux plus parler au robot, un conseiller svp",),
        Topic.CREATE_ACCOUNT: ("je ne suis pas encore inscrite sur chorus, comment je fais",),
        None: (
            "je ne veux pas transférer mon rôle",
            "surtout pas de conseiller au téléphone",
            "pas besoin de réactiver la structure",
        ),
    },
    two_questions=(
        (
            "Je n'ai pas de compte Chorus. Et comment marche la co-traitance ?",
            (Topic.CREATE_ACCOUNT, Topic.SUBCONTRACTING),
        ),
        (
            "comment inactiver notre structure, et puis notre GP a démissionné, que faire ?",
            (Topic.STRUCTURE_PROCEDURE, Topic.MANAGER_LEFT),
        ),
        (
            "je veux m'abonner à l'espace sollicitations. sinon est-il possible de parler à un conseiller ?",
            (Topic.ADD_SPACES, Topic.HUMAN_AGENT),
        ),
        (
            "le lien d'activation a expiré ; et comment créer un compte pour mon collègue ?",
            (Topic.ACTIVATION_LINK, Topic.CREATE_ACCOUNT),
        ),
    ),
)


SESSION_4_BATCH_3 = Batch(
    "s4-3",  # session 4: SMS, questions using a topic's words in another sense; tried on the model tuned on s4-1, s4-2
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "jcomprends pas comment on fait pr sinscrire",
            "Je travaille en freelance et un musée national me demande de passer par Chorus Pro pour être payée. "
            "Je ne sais même pas comment accéder au site, il faut s'inscrire ?",
            "demande de création d'accès pour notre nouvelle comptable",
            "est-il obligatoire d'avoir un compte pour envoyer une facture à l'État ?",
            "rattacher mon compte au siret de ma société lors de l'inscription",
            "comment créé un compte",
            "on a aucun compte chez vous, on fait comment pour facturer la préfecture",
            "je souhaiterais m'inscrire en tant que prestataire",
        ),
        Topic.ACTIVATION_LINK: (
            "jai jamais eu le mail pour activer",
            "le lien expire avant que je clique dessus",
            "Bonsoir, inscription terminée depuis vendredi, aucun e-mail reçu, ni dans les spams. Merci de me "
            "renvoyer le lien.",
            "renvoi du courriel d'activation svp",
            "où est passé mon lien d'activation ?",
            "je n'ai pas reçu le message pour finaliser l'inscription",
            "le lien de validation du compte ne fonctionne plus",
        ),
        Topic.ADD_SPACES: (
            "comment demander l'accès à l'espace factures reçues",
            "l'espace sollicitations reçues a disparu de mon menu",
            "ajout espace factures de travaux",
            "je suis simple utilisateur, comment avoir un nouvel espace",
            "mes droits ne me permettent pas de voir les engagements",
            "comment gérer les abonnements aux espaces de mes utilisateurs",
            "je voudrais que mon compte ait accès aux mémoires de frais de justice",
            "où cliquer pour ajouter des espaces à la structure",
        ),
        Topic.MANAGER_LEFT: (
            "Depuis le départ à la retraite de notre ancienne gestionnaire, plus personne n'a la main sur la "
            "structure. Comment désigner quelqu'un d'autre ?",
            "gestionnaire principal parti sans transférer son rôle",
            "je veux que ma collègue devienne gestionnaire principale",
            "notre admin chorus a été licencié",
            "qui contacter pour changer de gestionnaire principal si l'ancien n'est plus là",
            "transfert des droits de gestionnaire principal",
            "le gp n'est plus en poste",
        ),
        Topic.SUBCONTRACTING: (
            "c'est quoi le circuit d'une facture de sous-traitant",
            "je suis titulaire, mon sous traitant me dit que sa facture attend ma validation",
            "paiement direct d'un sous-traitant de second rang",
            "facture cotraitance groupement momentané",
            "le mandataire valide-t-il les factures de tous les cotraitants ?",
            "comment sous-traiter une partie du marché et facturer",
            "facturation en tant que membre d'un groupement d'entreprises",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "inactiver un siret en doublon",
            "notre structure publique n'apparaît plus active, comment la réactiver",
            "l'école a fermé, sa structure doit être désactivée",
            "clôturer la structure d'un syndicat dissous",
            "comment activer ma structure avec l'assistant",
            "notre établissement a été absorbé par un autre, que faire de son siret",
            "mettre une collectivité en inactif",
        ),
        Topic.HUMAN_AGENT: (
            "je veux qu'un conseiller m'appelle",
            "passez moi le support svp",
            "un humain peut-il m'aider ?",
            "je préfère avoir quelqu'un en direct",
            "contacter le service d'assistance de chorus pro",
            "je souhaite échanger avec une personne",
            "votre chatbot tourne en rond, je veux un agent",
        ),
        None: (
            "le comptable public a rejeté ma facture",
            "comment créer une facture sur chorus",
            "ma structure n'apparaît pas quand je cherche le destinataire",
            "quel est le délai de validation d'une facture par l'administration",
            "le titulaire du compte bancaire a changé",
            "mon mot de passe a expiré",
            "je veux modifier le RIB de mon entreprise",
            "comment saisir le numéro d'engagement",
            "votre site est lent",
            "la facture a été mise à disposition du destinataire, c'est bon ?",
            "je n'arrive pas à télécharger ma facture",
        ),
    },
    negations={
        Topic.MANAGER_LEFT: ("ce n'est pas pour un compte, notre gestionnaire principal est parti à la retraite",),
        Topic.HUMAN_AGENT: ("pas de robot, un conseiller svp",),
        None: ("je ne cherche pas à créer un compte",),
    },
    two_questions=(
        (
            "notre GP est parti à la retraite et je n'ai jamais reçu le lien d'activation",
            (Topic.MANAGER_LEFT, Topic.ACTIVATION_LINK),
        ),
        (
            "comment facturer en co-traitance ; aussi, comment réactiver notre structure ?",
            (Topic.SUBCONTRACTING, Topic.STRUCTURE_PROCEDURE),
        ),
    ),
)


SESSION_4_BATCH_4 = Batch(
    "s4-4",  # session 4: letters, SMS, statements of a problem; tried on the model tuned on s4-1 … s4-3
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "Objet : demande d'accès au portail. Notre bureau d'études doit facturer la DDT. Merci de nous "
            "indiquer la marche pour disposer d'un compte.",
            "slt, g pa de compte chorus, jfais comment",
            "je voudrais m'inscrire mais je ne connais pas mon siret",
            "nouvelle entreprise, pas encore de compte sur le portail de facturation",
            "création compte fournisseur chorus pro étape par étape",
            "faut-il que chaque salarié ait son compte ou un seul pour la société ?",
            "Peut-on créer un compte Chorus Pro sans SIRET quand on est une entreprise étrangère ?",
            "bonjour je débute, comment ouvrir mon accès",
        ),
        Topic.ACTIVATION_LINK: (
            "aucun mail d'activation malgré deux inscriptions",
            "le lien pour activer mon compte chorus a expiré hier soir",
            "pouvez vous me renvoyer le mail d'activation à la même adresse",
            "mon compte reste inactif, je n'ai jamais vu passer le courriel",
            "j'ai créé mon compte ce midi et je n'ai reçu aucun lien",
            "mail d'activation reçu mais le lien ne s'ouvre pas",
            "J'attends depuis 48h le message qui doit me permettre d'activer mon compte.",
            "plus de lien d'activation valable, que faire",
        ),
        Topic.ADD_SPACES: (
            "je n'ai pas accès à l'espace factures émises, il faut que je demande à qui ?",
            "comment rajouter l'espace engagements à ma structure",
            "l'abonnement à un espace nécessite-t-il une validation ?",
            "on m'a donné accès à la structure mais je n'ai aucun espace",
            "activer des espaces supplémentaires pour mes agents",
            "mon menu ne contient pas factures de travaux",
            "je cherche comment m'abonner aux sollicitations reçues",
        ),
        Topic.MANAGER_LEFT: (
            "Notre gestionnaire principal a quitté ses fonctions en mars sans transmettre ses droits. Merci de "
            "nommer M. X à sa place.",
            "je veux devenir gestionnaire principal de notre commune, l'ancien secrétaire est parti",
            "le gp est en arrêt maladie pour plusieurs mois",
            "transmettre le rôle de gestionnaire principal à mon successeur",
            "personne n'est gestionnaire principal chez nous depuis le départ de l'ancien directeur",
            "l'ex-gestionnaire a gardé les droits et ne répond plus",
        ),
        Topic.SUBCONTRACTING: (
            "sous-traitance : qui dépose la facture, le titulaire ou moi ?",
            "ma facture de sous-traitant est en attente de validation du titulaire depuis un mois",
            "groupement conjoint : comment le mandataire valide-t-il nos factures ?",
            "cotraitant, faut-il que je passe par le mandataire pour être payé",
            "quelle est la démarche pour les factures des sous traitants payés en direct",
            "validation obligatoire du titulaire sur les factures de sous-traitance",
            "Je suis le mandataire du groupement, une facture de cotraitant est arrivée, comment la valider ?",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "je veux inactiver la structure de l'ancienne communauté de communes",
            "comment on remet une structure publique en activité",
            "notre siret a changé, il faut désactiver l'ancien",
            "réactiver un établissement public inactif",
            "la structure du collège est fermée, pouvez-vous l'inactiver ?",
            "activation d'une structure publique par son gestionnaire",
            "le syndicat des eaux a été dissous, que devient sa structure",
        ),
        Topic.HUMAN_AGENT: (
            "un conseiller peut-il me rappeler demain matin",
            "je n'arrive à rien avec vous, je veux parler à quelqu'un",
            "donnez-moi le numéro de l'assistance",
            "parler au support chorus pro",
            "humain svp",
            "je souhaiterais un échange téléphonique avec un agent",
            "mettez-moi en contact avec une personne réelle",
        ),
        None: (
            "le service destinataire refuse ma facture",
            "comment changer le mot de passe de mon compte",
            "où voir l'historique de mes factures",
            "mon client me dit qu'il n'a pas reçu ma facture",
            "comment déposer un avoir",
            "quel est le numéro de siret de chorus pro",
            "comment supprimer une pièce jointe",
            "je veux exporter la liste des factures en excel",
        ),
    },
    negations={
        Topic.STRUCTURE_PROCEDURE: (
            "ce n'est pas un problème de compte, je dois inactiver la structure de la mairie annexe",
        ),
        Topic.ACTIVATION_LINK: ("je ne veux pas recréer de compte, juste recevoir le lien d'activation",),
        Topic.HUMAN_AGENT: ("non je ne veux pas de la FAQ, je veux un conseiller",),
        None: ("je ne veux pas m'abonner à cet espace",),
    },
    two_questions=(
        (
            "je voudrais inactiver notre ancienne structure. Ensuite, comment valider une facture de sous-traitant ?",
            (Topic.STRUCTURE_PROCEDURE, Topic.SUBCONTRACTING),
        ),
        (
            "lien d'activation jamais reçu, et puis il me manque l'espace sollicitations",
            (Topic.ACTIVATION_LINK, Topic.ADD_SPACES),
        ),
    ),
)


SESSION_4_BATCH_5 = Batch(
    "s4-5",  # session 4, the last batch: tried on the final model and not tuned on
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "Je suis kinésithérapeute et j'interviens dans un centre hospitalier. La comptabilité me demande un "
            "compte Chorus. Je le crée comment ?",
            "quelles infos faut-il pour ouvrir un compte sur chorus pro",
            "inscription chorus pro pour une profession libérale",
            "j'ai jamais eu d'accès à chorus, comment je m'y prends",
            "mon stagiaire doit se créer un identifiant ?",
        ),
        Topic.ACTIVATION_LINK: (
            "je me suis enregistré mais pas moyen de trouver le courriel d'activation",
            "le lien d'activation me renvoie vers une page d'erreur",
            "réexpédition du lien d'activation à mon adresse pro",
            "activation du compte impossible, pas reçu de mail",
            "depuis mon inscription, toujours rien dans ma messagerie",
        ),
        Topic.ADD_SPACES: (
            "je vois la structure mais aucun espace factures",
            "comment s'abonner à l'espace factures de travaux",
            "mon gestionnaire doit d'abord ouvrir l'espace ? comment il fait",
            "les espaces de ma structure sont incomplets",
            "demande d'abonnement refusée, comment la refaire",
        ),
        Topic.MANAGER_LEFT: (
            "nous n'avons plus de gestionnaire principal depuis son départ",
            "la gestionnaire principale part à la fin du mois, comment elle transfère son rôle ?",
            "notre ancien GP ne fait plus partie du personnel",
            "récupérer les droits de gestionnaire principal après un départ",
        ),
        Topic.SUBCONTRACTING: (
            "je suis sous traitant, ma facture doit-elle être validée par le titulaire ?",
            "facturation des co-traitants d'un marché public",
            "comment le titulaire valide la facture du sous-traitant dans chorus pro",
            "le mandataire n'a toujours pas validé notre facture de cotraitance",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "comment inactiver la structure d'un service dissous",
            "activer notre structure publique nouvellement créée",
            "mettre hors service le siret de l'ancien syndicat",
        ),
        Topic.HUMAN_AGENT: (
            "je veux joindre un agent",
            "est ce qu'une personne du support peut me rappeler",
            "un interlocuteur humain svp",
            "mettez-moi en relation avec un conseiller chorus pro",
        ),
        None: (
            "ma facture est en statut rejetée",
            "comment retrouver une facture déposée l'an dernier",
            "qui contacter à la mairie pour un paiement",
            "le destinataire me demande un bon de commande",
            "chorus pro fonctionne-t-il le week-end",
            "je veux changer le nom de ma société",
        ),
    },
    negations={
        Topic.SUBCONTRACTING: (
            "je ne veux pas créer de compte, je veux savoir qui valide les factures de sous-traitance",
        ),
        None: (
            "je ne souhaite pas parler à un agent",
            "inutile de transférer le rôle de gestionnaire",
        ),
    },
    two_questions=(
        (
            "comment activer ma structure publique ? et comment joindre un conseiller ?",
            (Topic.STRUCTURE_PROCEDURE, Topic.HUMAN_AGENT),
        ),
        (
            "mon lien d'activation a expiré, par ailleurs notre gestionnaire principal est parti",
            (Topic.ACTIVATION_LINK, Topic.MANAGER_LEFT),
        ),
    ),
)


SESSION_5_BATCH_1 = Batch(
    "s5-1",  # session 5: indirect wording, vague starts, functions named for spaces; tried before any change
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "on m'impose chorus pour être payé par le département, je n'y connais rien, je fais comment pour commencer",
            "est-ce qu'il y a des frais pour s'inscrire sur chorus pro",
            "je monte ma micro-entreprise et je voudrais déjà préparer mon accès au portail de facturation",
            "ma collègue arrive lundi, elle a besoin de son propre accès à notre structure sur chorus",
            "bonjour je suis photographe indépendant et un lycée me demande de déposer ma facture là-dessus, "
            "je n'ai rien",
            "quelle adresse mail utiliser pour la création du compte, la perso ou celle de la boîte ?",
            "comment on se rattache au siret de son employeur",
            "j'arrive pas à m'inscrire, le site me demande un siret et j'en ai pas encore",
        ),
        Topic.ACTIVATION_LINK: (
            "le mail pour finaliser mon inscription est passé où ?",
            "j'ai rempli le formulaire hier soir, rien reçu depuis, même pas dans les indésirables",
            "pouvez vous me réexpédier le mail de confirmation du compte",
            "mon compte est créé mais pas activé, comment je fais",
            "quelqu'un a vidé ma boîte de réception avant que je clique sur le lien",
        ),
        Topic.ADD_SPACES: (
            "je ne vois pas le menu pour déposer les factures de travaux",
            "où est-ce qu'on active la fonctionnalité de suivi des engagements",
            "mon écran d'accueil n'a que deux tuiles, il m'en faut d'autres",
            "j'ai demandé l'accès à l'espace factures émises, qui doit accepter ?",
            "en tant que gestionnaire secondaire je peux ouvrir un espace pour mes collègues ?",
            "il me manque l'onglet des mémoires de travaux",
        ),
        Topic.MANAGER_LEFT: (
            "le fondateur qui gérait chorus a vendu la société, on ne peut plus rien administrer",
            "je dois céder ma place de gestionnaire principal à mon successeur",
            "plus personne n'a les droits d'administration sur notre compte structure",
            "la personne responsable du compte chez nous est décédée, que faire",
        ),
        Topic.SUBCONTRACTING: (
            "nous sommes payés directement par l'acheteur public en tant que sous-traitant, comment déposer",
            "groupement momentané d'entreprises : qui dépose quoi ?",
            "paiement direct du sous-traitant dans chorus, la marche à suivre",
            "je suis cotraitant solidaire, je facture séparément ?",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "notre commune nouvelle remplace trois anciennes communes, que devient leur siret dans chorus",
            "la régie a fermé, il faut fermer la structure sur le portail",
            "comment réactiver un établissement qui était fermé",
            "je suis ordonnateur et notre structure n'apparaît pas comme active",
        ),
        Topic.HUMAN_AGENT: (
            "je préfère expliquer mon cas à quelqu'un de vive voix",
            "votre robot ne me comprend pas, je veux un vrai interlocuteur",
            "assistance humaine s'il vous plaît",
            "pouvez-vous faire suivre ma demande à un collaborateur du support",
        ),
        None: ("quel est le format du fichier xml attendu",),
    },
    negations={
        None: ("pas besoin d'ouvrir un compte, je voulais juste savoir le délai de paiement",),
    },
    two_questions=(
        (
            "comment créer un compte pour mon associé, et ensuite comment lui ouvrir l'espace factures ?",
            (Topic.CREATE_ACCOUNT, Topic.ADD_SPACES),
        ),
    ),
)


SESSION_5_BATCH_2 = Batch(
    "s5-2",  # session 5: contact without « agent », functions for spaces; tried on the cues and neighbours of s5-1
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "premiers pas sur chorus : il me faut quoi pour démarrer",
            "notre cabinet d'architectes doit facturer un rectorat, comment on obtient un accès",
            "je suis artisan plombier, la commune veut que j'utilise chorus pro, je n'ai aucune idée de la marche",
            "pour une SCI, l'inscription se fait avec quel numéro",
            "le nouveau comptable de l'agence doit pouvoir se connecter, on lui crée quoi",
            "est-ce que je peux m'inscrire avec mon numéro de TVA intracommunautaire",
            "bonjour, première facture à un ministère, comment j'accède à votre outil",
        ),
        Topic.ACTIVATION_LINK: (
            "le courriel de confirmation de création de compte ne vient pas",
            "j'attends depuis ce matin le message pour valider mon adresse",
            "mon lien a expiré pendant mes congés",
            "renvoi du lien svp, j'ai changé de poste et je n'ai plus accès à l'ancienne boîte",
            "le lien de validation m'affiche une page blanche",
            "j'ai cliqué deux fois sur le lien et maintenant il est refusé",
        ),
        Topic.ADD_SPACES: (
            "comment obtenir la fonctionnalité de saisie des factures",
            "je voudrais m'abonner au module des engagements juridiques",
            "mon profil ne propose pas la partie sollicitations, comment l'ajouter",
            "le gestionnaire doit-il valider mon abonnement à un espace",
            "je n'ai accès qu'à mon compte, rien d'autre dans le menu",
            "ajout d'une fonctionnalité sur notre structure",
        ),
        Topic.MANAGER_LEFT: (
            "l'administrateur de notre compte chorus est parti en retraite anticipée",
            "changement de responsable du compte structure suite à une mutation",
            "notre ancienne directrice avait tous les droits et ne répond plus",
            "on a perdu la personne qui gérait les habilitations",
        ),
        Topic.SUBCONTRACTING: (
            "je travaille pour le titulaire d'un marché de la région, je facture qui",
            "acceptation de la facture par l'entreprise mandataire, combien de temps",
            "nous sommes en groupement avec deux autres sociétés, comment se répartir la facturation",
            "sous-traitance de second rang, le paiement direct est-il possible",
            "le titulaire doit-il viser nos demandes de paiement dans chorus",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "le syndicat intercommunal est dissous au 31 décembre, que fait-on de sa structure",
            "notre établissement a un nouveau siret, l'ancien doit disparaître",
            "réouverture d'une structure publique fermée par erreur",
            "mise en sommeil de la structure d'un budget annexe",
        ),
        Topic.HUMAN_AGENT: (
            "est-ce qu'un vrai technicien peut regarder mon dossier",
            "passez-moi un responsable",
            "j'ai besoin d'une aide personnalisée par téléphone",
        ),
        None: (
            "quel est l'identifiant de l'engagement à indiquer",
            "la collectivité dit n'avoir rien reçu",
            "comment télécharger le justificatif de dépôt",
        ),
    },
    two_questions=(
        (
            "comment ajouter l'espace factures de travaux ? et aussi, je n'ai jamais reçu le lien d'activation de mon"
            " collègue",
            (Topic.ADD_SPACES, Topic.ACTIVATION_LINK),
        ),
    ),
)


SESSION_5_BATCH_3 = Batch(
    "s5-3",  # session 5, the last batch: all kinds; tried on the cues and the neighbours of s5-1, s5-2
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "je reprends l'entreprise de mon père, je dois avoir mes propres codes pour chorus ?",
            "une orthophoniste en libéral peut-elle avoir un espace chorus pour facturer l'hôpital",
            "étapes pour devenir fournisseur sur chorus pro",
            "que faut-il préparer avant de s'inscrire : siret, adresse mail ?",
            "salut, chorus c'est nouveau pour moi, je commence où",
            "notre gîte doit facturer la communauté de communes, comment on a un accès",
            "inscription d'un auto-entrepreneur sans site internet",
        ),
        Topic.ACTIVATION_LINK: (
            "je ne retrouve nulle part le message qui permet d'activer mon compte",
            "le lien reçu par mail m'indique que le jeton est invalide",
            "l'e-mail d'activation est parti à une adresse avec une faute de frappe",
            "après l'inscription, quelle est l'étape suivante ? j'attends un mail qui ne vient pas",
            "j'ai laissé passer le délai pour cliquer sur le lien",
            "relancez-moi l'activation s'il vous plaît",
        ),
        Topic.ADD_SPACES: (
            "je dois pouvoir consulter les factures reçues par ma structure, je n'ai pas ce menu",
            "abonnement à un espace supplémentaire : la démarche",
            "mon responsable a ouvert l'espace, je fais quoi de mon côté",
            "comment avoir les mêmes écrans que ma collègue",
            "il me faut la fonction de dépôt des mémoires de frais de justice",
            "où ajouter des espaces quand on est gestionnaire secondaire",
        ),
        Topic.MANAGER_LEFT: (
            "notre gestionnaire principal a été licencié, qui reprend la structure",
            "l'ancien gérant avait le rôle principal sur chorus, il est parti sans rien transmettre",
            "procédure pour remplacer le gestionnaire principal absent",
            "nous n'arrivons plus à joindre notre gestionnaire principal depuis des mois",
            "comment désigner un nouveau gestionnaire quand l'ancien a quitté la collectivité",
        ),
        Topic.SUBCONTRACTING: (
            "qui valide en premier, le mandataire ou le maître d'ouvrage, pour un sous-traitant",
            "les factures de notre co-traitant doivent-elles passer par nous",
            "marché en groupement solidaire, comment facturer chacun sa part",
            "délai de validation par le titulaire de la facture de mon sous-traitant",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "notre EHPAD change de statut, l'ancienne structure doit être inactivée",
            "comment rendre active la structure de notre nouveau service",
            "désactivation d'un siret public qui n'existe plus",
            "la structure publique de notre école est marquée inactive, comment la réactiver",
        ),
        Topic.HUMAN_AGENT: (
            "puis-je échanger avec une personne en chair et en os",
            "je souhaite être rappelé par un conseiller",
            "donnez-moi un contact au support technique",
            "ça fait trois fois que je pose la question, je veux un humain",
            "l'assistant ne suffit pas, il me faut un agent",
        ),
        None: (
            "ma facture est bloquée au statut mise à disposition",
            "le service facturier ne répond pas à mes relances",
            "la mairie a rejeté ma facture pour un mauvais numéro d'engagement",
        ),
    },
    negations={
        Topic.ADD_SPACES: ("pas besoin d'un nouveau compte, je veux juste ajouter un espace à celui que j'ai",),
        None: ("je n'ai pas besoin d'aide pour mon compte, ma question porte sur un paiement",),
    },
    two_questions=(
        (
            "notre gestionnaire principal a démissionné ; par ailleurs comment réactiver notre structure ?",
            (Topic.MANAGER_LEFT, Topic.STRUCTURE_PROCEDURE),
        ),
    ),
)


SESSION_6_BATCH_1 = Batch(
    "s6-1",  # session 6: the link after a sign-up, English, everyday words for a person, negation scopes, all users
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "we are a Belgian consultancy, how do we open an account to send invoices to a French ministry?",
            "how to create an account on chorus pro for a foreign company",
            "registration for a non-French supplier, what do we need?",
            "bjr je vx m'inscrir sur chorus pr facturer la mairie",
            "infirmière libérale, le centre hospitalier veut mes factures sur chorus, comment je m'inscris",
            "je viens de m'installer comme plombier, première facture pour le collège, il me faut un compte chorus ?",
            "creation compte fournisseur sans siret, on est une entreprise suisse",
            "sign up chorus pro",
            "Comment obtenir mes identifiants de connexion la toute première fois ?",
            "je fais les démarches pour mon mari qui est artisan, comment lui ouvrir un accès au portail",
            "l'école de musique associative doit facturer la ville, on crée le compte comment",
            "où je clique pour m'enregistrer, la page d'accueil ne montre que la connexion",
            "we need an account on chorus pro, how do we proceed?",
            "Bonjour, traductrice indépendante installée à Lyon depuis peu, le tribunal me demande de déposer mes "
            "mémoires sur Chorus Pro. Je n'ai jamais eu affaire à ce site : que dois-je faire pour y être inscrite ?",
        ),
        Topic.ACTIVATION_LINK: (
            "le lien pour valider mon inscription a expiré, je fais quoi ?",
            "inscription faite hier mais le mail de confirmation n'est jamais arrivé",
            "j'ai effacé le message d'activation sans faire exprès",
            "activation link expired",
            "I never received the activation email",
            "the link in the email says invalid",
            "le lien de validation renvoie une page d'erreur, mon inscription n'est pas finie",
            "pas recu le mail pr activer mon compte, g regardé les spams",
            "le courriel de confirmation de création de compte est introuvable",
            "mon compte est créé mais pas activé, le lien ne marche plus",
            "message « jeton expiré » en cliquant dans le mail reçu après l'inscription",
            "la DSI de l'hôpital filtre les mails externes, je n'ai pas eu l'activation",
            "pouvez-vous me renvoyer le lien, le premier a plus de 7 jours",
            "je me suis inscrit vendredi, j'ai rempli le siret, l'adresse, tout, ça m'a dit qu'un mail allait "
            "arriver, on est mardi, rien, j'ai regardé dans les indésirables, rien non plus, help",
        ),
        Topic.ADD_SPACES: (
            # one phrasing dropped on merging: within 0.8 of a phrasing of the fifth held-out set
            "comment obtenir l'accès au module engagements",
            "how do I add spaces to my account",
            "mon menu est plus court que celui de mon chef, comment débloquer les autres rubriques",
            "demande d'abonnement à l'espace sollicitations émises",
            "dans mon compte, où je coche les espaces que je veux utiliser",
            "accéder à d'autres fonctionnalités du portail que le dépôt de factures",
            "je dois valider des factures de travaux, il me faut quel espace et comment je l'ajoute",
            "rajout d'espaces sur mon compte utilisateur svp",
            "ds mon profil g pas la rubrique factures de travaux, cmt l'avoir",
        ),
        Topic.MANAGER_LEFT: (
            "notre gestionnaire principal est en arrêt longue maladie, personne ne peut gérer les utilisateurs",
            "l'administratrice du compte de la mairie est partie à la retraite",
            "the main manager of our structure left the company, how do we take over?",
            "le gestionnaire principal est décédé, que devons-nous faire",
            "changement de gestionnaire principal suite à un départ",
            "celui qui avait les droits admin sur chorus a quitté la boîte",
            "qui peut me donner le rôle de gestionnaire principal, l'ancien ne répond plus",
            "transfert des droits de gestionnaire principal après une mutation",
            "Bonjour, je suis secrétaire de mairie dans un village de 300 habitants. L'ancienne secrétaire, qui "
            "avait tout paramétré sur Chorus et qui était gestionnaire principale, a été mutée ailleurs et ne "
            "répond plus. Je n'ai qu'un compte simple. Comment je récupère la main ?",
        ),
        Topic.SUBCONTRACTING: (
            "as a subcontractor, must the prime contractor validate our invoice?",
            "facturation en cotraitance sur chorus",
            "le titulaire du marché refuse de valider ma facture de sous-traitant",
            "nous sommes mandataire d'un groupement, comment les cotraitants facturent",
            "sous traitance : c'est moi qui envoie ou l'entreprise principale ?",
            "Nous sommes une petite entreprise de peinture, sous-traitante d'une grosse boîte de BTP sur le "
            "chantier du nouveau gymnase, avec l'acceptation et l'agrément des conditions de paiement. Le "
            "conducteur de travaux nous dit de passer par Chorus, mais comment ça marche pour nous ?",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "notre commune a un nouveau SIRET après la fusion, il faut activer la structure",
            "le CCAS vient d'être créé, comment activer sa structure dans chorus",
            "inactiver la structure d'un syndicat intercommunal dissous",
            "la régie des eaux a obtenu son siret, les entreprises ne la trouvent pas dans la liste des destinataires",
            "how to activate a public structure on chorus pro",
            "procédure d'activation d'une entité publique",
            "fermeture d'un établissement public, on désactive comment sur chorus",
            "le lycée a changé de siret, l'ancien doit être inactivé et le nouveau activé",
        ),
        Topic.HUMAN_AGENT: (
            "can I talk to a human",
            "is there a real person I can chat with?",
            "passez-moi un opérateur",
            "y a personne pour me répondre en vrai ?",
            "c'est un robot ? je veux une personne",
            "mettez moi en relation avec le support",
            "jveu parlé a kelkun",
            "contacter l'assistance chorus pro par téléphone",
            "un conseiller humain serait plus utile que ce bot",
            "est-ce qu'un agent est disponible pour discuter de mon dossier",
        ),
        None: (
            "ma facture a été rejetée pour motif « destinataire inconnu »",
            "quand vais-je être payé ?",
            "what's the payment delay for public invoices?",
            "comment saisir le numéro d'engagement sur ma facture",
            "quel est le format Factur-X accepté",
            "j'ai déposé une facture en double, comment l'annuler",
        ),
    },
    negations={
        Topic.ACTIVATION_LINK: (
            "pas besoin de m'expliquer l'inscription, je l'ai faite, mais le mail de validation est périmé",
        ),
        Topic.HUMAN_AGENT: (
            "je ne suis pas gestionnaire principal, je veux seulement parler à un conseiller",
            "ce n'est pas une question de sous-traitance, je veux un humain",
        ),
        Topic.ADD_SPACES: ("je ne veux pas un nouveau compte mais accéder à l'espace engagements",),
        Topic.CREATE_ACCOUNT: ("on n'a ni compte ni siret, nous sommes une société italienne, comment s'inscrire",),
        Topic.MANAGER_LEFT: (
            "ce n'est pas une question d'activation : notre gestionnaire principal est parti et on ne peut plus "
            "rien gérer",
        ),
        Topic.SUBCONTRACTING: ("je ne suis pas le titulaire du marché, je suis sous-traitant, comment je facture",),
        Topic.STRUCTURE_PROCEDURE: (
            "on ne veut pas supprimer la structure, seulement l'activer pour le nouveau service",
        ),
        None: (
            "je ne veux ni créer de compte ni ajouter d'espace, ma facture est bloquée",
            "ce n'est pas pour l'activation, c'est pour un avoir",
            "je n'ai pas besoin d'un agent, juste savoir le délai de paiement",
            "I don't want to talk to an agent, I just need to know the payment date",
        ),
    },
    two_questions=(
        (
            "le lien d'activation a expiré, et au passage je voudrais parler à un conseiller",
            (Topic.ACTIVATION_LINK, Topic.HUMAN_AGENT),
        ),
        (
            "notre GP est parti à la retraite ; et comment on inactive l'ancienne structure ?",
            (Topic.MANAGER_LEFT, Topic.STRUCTURE_PROCEDURE),
        ),
        (
            "deux questions : facturer en tant que sous-traitant, et ouvrir un compte pour mon entreprise",
            (Topic.SUBCONTRACTING, Topic.CREATE_ACCOUNT),
        ),
        (
            "je n'ai pas reçu le mail d'activation. Autre chose : comment ajouter des espaces ?",
            (Topic.ACTIVATION_LINK, Topic.ADD_SPACES),
        ),
        (
            "how do I sign up, and can I talk to a human?",
            (Topic.CREATE_ACCOUNT, Topic.HUMAN_AGENT),
        ),
        (
            "activer la structure du CCAS, puis échanger avec un agent pour un autre souci",
            (Topic.STRUCTURE_PROCEDURE, Topic.HUMAN_AGENT),
        ),
    ),
)


SESSION_7_BATCH_1 = Batch(
    # session 7: needs described, abbreviations, negation then the ask, all users. Tried on the model and memory of
    # e5dc1c4 before any change: 115 of 152 right, 3 wrong (three warnings or declines with no ask), 34 refused.
    "s7-1",
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "première fois que je dois facturer l'État, je n'ai rien sur Chorus, par quoi je débute ?",
            "la trésorerie me renvoie ma facture papier et me dit de passer par le portail, je n'y suis pas inscrit",
            "je suis kiné, l'hôpital ne veut plus de papier, comment je rejoins chorus pro",
            "j'ai jamais utilisé chorus, il me faut quoi pour déposer",
            "comment on fait pour avoir accès au portail de facturation de l'État quand on n'y est pas encore",
            "notre association doit adresser ses factures à la préfecture, est-ce qu'on doit s'enregistrer avant",
            "bjr c koi la démarche pr etre sur chorus pro svp",
            "we have never used chorus pro, the French university asks us to submit invoices there, where do we begin?",
            "I'm a freelance translator in Spain and need to get onto Chorus Pro",
            "le service achats du département nous impose Chorus, nous n'avons pas d'identifiant",
            "comment devenir fournisseur sur le portail chorus",
            "mon comptable me dit que je dois ouvrir mon accès Chorus moi-même, c'est où",
            "je suis à la retraite mais je fais encore quelques prestations pour la mairie, on me demande de "
            "m'inscrire sur internet pour la facture, je ne sais pas faire",
            "creation d'un identifiant pr une micro entreprise",
            "avant de déposer ma première facture, je dois créer quoi ?",
            "je n'ai pas de login chorus, comment en obtenir un",
            "le lycée m'a dit d'aller sur chorus pro pour être payée, je pars de zéro",
            "Madame, Monsieur, notre cabinet d'architectes vient de remporter un marché avec la communauté de "
            "communes. Nous n'avons encore jamais déposé de facture dématérialisée. Quelles sont les étapes pour "
            "disposer d'un compte ?",
            "inscription chorus pour un auto entrepreneur",
            "faut-il s'enregistrer pour facturer un EHPAD public",
            "premier accès au portail, on commence où",
            "how do I get login credentials for chorus pro",
            "mon fils s'occupe de mes papiers, il veut me créer mon accès à chorus, comment il fait",
            "pouvez vous m'aider à me mettre sur chorus, je dois facturer la gendarmerie",
        ),
        Topic.ACTIVATION_LINK: (
            "j'ai rempli l'inscription mais aucun courriel pour confirmer",
            "le lien de confirmation dit qu'il n'est plus valable",
            "je clique sur le lien reçu par mail et ça dit expiré",
            "lien d'activation perimé, comment en recevoir un autre",
            "renvoyez-moi le lien de validation svp",
            "mon compte est créé mais pas activé, le mail n'est jamais venu",
            "the activation email never arrived",
            "my confirmation link has expired",
            "j'ai fait l'inscription il y a 10 jours, j'ai oublié de cliquer sur le lien, maintenant il ne "
            "fonctionne plus",
            "on attend toujours le mail d'activation pour notre nouvelle secrétaire",
            "le mail de bienvenue avec le lien, je l'ai perdu",
            "lien d activ expiré",
            "je me suis inscrite hier soir, toujours rien dans ma boîte",
            "comment réactiver mon lien d'inscription qui a dépassé le délai",
            "Je viens de terminer mon inscription sur le portail mais je n'ai aucun message de validation dans ma "
            "messagerie professionnelle, est-ce normal ?",
        ),
        Topic.ADD_SPACES: (
            "notre secrétaire doit pouvoir voir les factures qu'on reçoit, que faut-il lui donner",
            "je ne trouve pas l'onglet pour suivre les paiements, il faut l'activer ?",
            "comment on obtient l'accès aux factures émises",
            "mon collègue a un compte mais il ne voit pas les engagements juridiques",
            "il me manque un menu dans chorus, celui des factures de travaux",
            "mon compte n'affiche que la saisie de facture, comment avoir les autres fonctions",
            "l'agent comptable de l'université doit consulter les mémoires de frais de justice, ça s'ouvre où",
            "I can't see the received invoices section, how do I add it?",
            "la nouvelle stagiaire doit déposer des factures, elle a son compte mais pas le bon module",
            "droits d'accès à l'espace sollicitations",
            "comment demander l'habilitation aux factures reçues",
            "où est l'espace mémoire de frais de justice, il n'apparait pas",
            "je vx acceder o factures recues svp",
            "on veut que notre expert-comptable puisse regarder nos factures sur chorus, on lui donne quoi comme accès",
            "comment élargir mes accès sur le portail",
            "je vois seulement deux rubriques dans mon tableau de bord, mes collègues en ont plus",
            "activer un espace dans mon compte utilisateur",
            "la directrice financière aimerait suivre les factures reçues depuis son propre compte",
            "ajout espace engagements",
            "Bonjour, je suis gestionnaire à la mairie, je dois consulter les demandes de paiement mais je n'ai pas "
            "l'écran correspondant",
        ),
        Topic.MANAGER_LEFT: (
            "notre gestionnaire principal a démissionné, qui devient gestionnaire maintenant ?",
            "l'ancien responsable du compte chorus est parti sans transmettre ses accès",
            "la comptable qui administrait tout a quitté l'entreprise",
            "plus personne ne peut gérer les utilisateurs de notre structure",
            "le GP est en arrêt longue durée, on est bloqués pour ajouter des collègues",
            "notre boss qui avait créé le compte est parti, comment je prends la main",
            "our main account manager left the company, how do we take over?",
            "the administrator of our structure retired, who can replace him",
            "le gestionnaire a été muté dans un autre service et plus personne n'a les droits",
            "la personne qui gérait chorus chez nous n'est plus là",
            "transférer le rôle de gestionnaire à ma collègue, l'ancien est parti",
            "depuis le départ de notre DAF personne ne peut valider les demandes de rattachement",
            "ns avons perdu notre gestionnaire, ki peut reprendre",
            "Mon prédécesseur était gestionnaire principal de notre structure, il a quitté la collectivité en mars "
            "et je ne peux rien modifier",
            "le titulaire du rôle de gestionnaire n'est plus joignable, comment le remplacer",
            "le fondateur est décédé, c'était lui qui gérait chorus",
            "je reprends la gestion du compte après le départ de l'ancienne secrétaire générale",
        ),
        Topic.SUBCONTRACTING: (
            "sst paiement direct chorus comment faire",
            "on est cotraitant dans un groupement, chacun facture séparément ?",
            "facture de sous-traitant : qui la valide avant l'acheteur",
            "we are a subcontractor on a French public contract, how do we invoice?",
            "co-traitant : comment je transmets ma part",
            "ma facture de sous traitance attend la validation de l'entreprise générale depuis un mois",
            "je travaille pour une entreprise qui a le marché de la mairie, on m'a dit de facturer directement "
            "l'administration",
            "sous traitant déclaré, demande de paiement sur chorus",
            "groupement conjoint : facturation par chaque membre",
            "le maître d'oeuvre veut que le st dépose sa facture en ligne",
            "l'acte spécial de sous-traitance est signé, comment je facture maintenant",
            "entreprise sous-traitante, on doit passer par le titulaire ou pas ?",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "notre nouvelle école doit recevoir des factures, comment rendre la structure visible",
            "la structure de la mairie est inactive, comment la rallumer",
            "réactiver le siret de notre syndicat",
            "fermeture du budget annexe, il faut désactiver la structure",
            "les fournisseurs ne nous trouvent pas dans chorus, notre établissement est-il actif ?",
            "activer un nouveau SIRET pour la communauté d'agglo",
            "l'université a créé une fondation avec son propre siret, on fait comment pour qu'elle reçoive les "
            "factures",
            "how to deactivate our structure",
            "désactivation d'une structure publique suite à une fusion",
            "le collège fusionne avec un autre, l'ancien SIRET doit être fermé sur le portail",
            "notre centre hospitalier a un nouveau numéro SIRET, que faire sur chorus",
            "structure publique en sommeil, comment la réveiller ?",
            "je veux remettre notre structure en activité",
            "clôture d'une régie, que faire de sa structure chorus",
            "mettre hors service la structure de l'ancienne commune",
            "relancer une structure désactivée par erreur",
            "la caisse des écoles n'apparaît pas quand les entreprises cherchent le destinataire",
        ),
        Topic.HUMAN_AGENT: (
            "je préfère échanger avec quelqu'un du support",
            "avez-vous un numéro de téléphone pour parler à quelqu'un",
            "passez-moi quelqu'un de l'équipe",
            "je voudrais une vraie conversation avec un conseiller",
            "live chat with support please",
            "I want to speak with a person, not a bot",
            "ya quelqu'un ?",
            "transmettez ma demande à un agent",
            "rappel téléphonique possible ?",
            "discussion en direct avec l'assistance",
            "est-ce qu'un interlocuteur peut me contacter",
            "contact direct avec le service client chorus",
            "je souhaite être mise en relation avec un opérateur",
        ),
        None: (
            "je trouve ce portail très mal fait",
            "ma facture est au statut mise à disposition depuis trois semaines",
            "comment joindre un PDF à ma facture",
            "le bon de commande n'est pas sur ma facture, elle est rejetée",
            "je ne retrouve pas mon mot de passe",
            "c'est quoi le délai global de paiement",
            "what does the status rejected mean",
            "je ne comprends pas pourquoi la mairie ne m'a pas payé",
            "est-ce que chorus accepte les factures en anglais",
            "comment télécharger la liste de mes factures en excel",
            "je suis furieux, troisième rejet cette semaine",
        ),
    },
    negations={
        Topic.STRUCTURE_PROCEDURE: (
            "pas question de fermer notre SIRET : il faut le rendre actif pour la nouvelle crèche",
            "nous ne voulons pas supprimer l'établissement, juste le rendre de nouveau joignable par les fournisseurs",
        ),
        Topic.HUMAN_AGENT: (
            "pas de FAQ svp, un conseiller",
            "je n'ai pas besoin de lien ni de compte, passez-moi un humain",
            "no bot answers please, a real agent",
        ),
        Topic.CREATE_ACCOUNT: (
            "je n'ai jamais eu de compte chorus et mon client public exige que je l'utilise",
            "nous ne sommes pas encore inscrits, comment on fait",
        ),
        Topic.ACTIVATION_LINK: (),
        Topic.ADD_SPACES: (
            "je ne veux pas un deuxième compte, juste voir les factures reçues avec le mien",
            "inutile de créer un utilisateur, elle a déjà un compte, il lui manque l'espace engagements",
        ),
        Topic.MANAGER_LEFT: (),
        Topic.SUBCONTRACTING: (
            "je ne suis pas titulaire du marché mais sous-traitant payé en direct",
            "pas cotraitant, sous-traitant : comment ça se passe",
        ),
        None: (
            "surtout ne supprimez pas mon compte",
            "n'activez rien sur notre structure sans nous prévenir",
            "je ne suis pas sous-traitant et je n'ai pas de question sur les espaces, mon problème c'est un rejet",
            "ne me transférez pas à un conseiller, j'ai juste une remarque",
        ),
    },
    two_questions=(
        (
            "notre GP est parti. Par ailleurs je voudrais joindre un conseiller",
            (Topic.MANAGER_LEFT, Topic.HUMAN_AGENT),
        ),
        (
            "lien d'activation expiré + comment désactiver l'ancienne structure",
            (Topic.ACTIVATION_LINK, Topic.STRUCTURE_PROCEDURE),
        ),
        (
            "I'm a subcontractor, how do I invoice? Also, can I talk to someone?",
            (Topic.SUBCONTRACTING, Topic.HUMAN_AGENT),
        ),
        (
            "deux soucis : le mail de validation n'arrive pas, et je ne vois pas les factures émises",
            (Topic.ACTIVATION_LINK, Topic.ADD_SPACES),
        ),
        (
            "comment activer la structure du nouveau syndicat, et qui devient gestionnaire principal quand l'ancien "
            "part ?",
            (Topic.STRUCTURE_PROCEDURE, Topic.MANAGER_LEFT),
        ),
        (
            "on doit s'inscrire sur chorus ; par ailleurs on est sous-traitant, qui valide ?",
            (Topic.CREATE_ACCOUNT, Topic.SUBCONTRACTING),
        ),
        (
            "besoin de l'espace engagements ; autre question, peut-on parler à un humain ?",
            (Topic.ADD_SPACES, Topic.HUMAN_AGENT),
        ),
        (
            "first, how do we register? second, how do we reactivate a structure?",
            (Topic.CREATE_ACCOUNT, Topic.STRUCTURE_PROCEDURE),
        ),
    ),
)


SESSION_7_BATCH_3 = Batch(
    # session 7, written after the cues were tuned on s7-1 (the model of 2605306), tried on it before it was tuned on:
    # 47 of 58 right, no wrong topic, 11 refused
    "s7-3",
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "nous livrons des repas au foyer-logement de la ville, ils exigent Chorus, comment on s'y prend la "
            "première fois",
            "je suis photographe, le conseil régional me commande un reportage, je n'ai jamais déposé de facture "
            "en ligne, quelle démarche ?",
            "a Dutch company here: we must be registered on Chorus Pro to be paid by a French hospital, how?",
            "slt, faut un compte pr facturer l'état ?",
            "quelles infos donner pour ouvrir l'accès de ma société au portail",
            "mon entreprise n'existe pas encore sur chorus pro",
            "le rectorat refuse mes factures par courrier, je dois m'enregistrer où ?",
            "pouvez-vous créer mon profil fournisseur, je n'y arrive pas seul",
        ),
        Topic.ACTIVATION_LINK: (
            "le lien reçu hier ne s'ouvre plus",
            "j'ai validé le formulaire d'inscription, où est le courriel d'activation ?",
            "activation impossible : le lien a dépassé les 48h",
            "please send me a new activation email",
            "l'e-mail d'activation est arrivé mais le lien renvoie une erreur",
            "je n'ai jamais pu valider mon adresse mail, le lien ne s'affiche pas",
        ),
        Topic.ADD_SPACES: (
            "comment faire apparaître l'espace Engagements dans mon menu",
            "notre régisseur doit accéder aux factures reçues de la régie",
            "j'ai besoin d'un accès en plus pour saisir des mémoires de frais de justice",
            "how can I subscribe to the invoices received space",
            "je ne vois aucune facture reçue, il me manque sûrement un droit",
            "ma comptable voudrait les factures de travaux dans son compte",
        ),
        Topic.MANAGER_LEFT: (
            "notre ancienne directrice était la seule gestionnaire, elle a quitté la structure l'an dernier",
            "qui peut me donner le rôle de gestionnaire principal puisque le précédent est parti",
            "le gestionnaire principal est en congé maternité et on doit ajouter un utilisateur en urgence",
            "la secrétaire de mairie qui avait tous les droits a déménagé, on fait comment",
            "the only admin of our Chorus account is no longer with us",
            "changement de gestionnaire principal, l'ancien est injoignable",
            "personne chez nous n'a les droits de gestionnaire depuis le départ du chef comptable",
        ),
        Topic.SUBCONTRACTING: (
            "nous intervenons en sous-traitance pour un marché de la métropole, qui envoie la facture ?",
            "en groupement, le mandataire reçoit-il nos factures de cotraitant ?",
            "sous-traitant agréé avec paiement direct : étapes de dépôt",
            "we work as a subcontractor for the main contractor of a public works contract, how do we get paid "
            "directly",
            "cotraitance solidaire, comment chaque entreprise dépose sa part",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "le SIVU a été dissous, que faire de sa structure sur Chorus",
            "nouvelle régie de recettes avec un SIRET à elle, comment l'ouvrir aux factures",
            "notre lycée n'est pas trouvable par les prestataires dans chorus",
            "comment rendre de nouveau active la structure d'une école",
        ),
        Topic.HUMAN_AGENT: (
            "pourrais-je parler au service d'assistance ?",
            "je préférerais qu'un agent du support me rappelle",
            "y a-t-il un humain derrière ce chat",
            "please connect me to a support agent",
            "besoin d'un vrai conseiller, pas d'une foire aux questions",
            "je voudrais exposer mon problème à une personne du support",
        ),
        None: (
            "le montant TTC de ma facture est faux, je fais comment",
            "pourquoi mon avoir a été rejeté",
            "quelle est l'adresse postale de l'AIFE",
            "le site ne marche pas sous Firefox",
            "je veux juste signaler que le portail est très lent",
            "comment exporter mes factures en CSV",
            "merci, c'est tout",
        ),
    },
    negations={
        Topic.ADD_SPACES: ("pas besoin d'un autre compte, il me faut seulement l'espace engagements",),
        Topic.HUMAN_AGENT: ("je ne cherche pas d'explication écrite, je veux discuter avec un agent",),
        Topic.MANAGER_LEFT: ("ce n'est pas un problème de lien : notre gestionnaire est parti à la retraite",),
        Topic.STRUCTURE_PROCEDURE: ("on ne souhaite pas créer de compte mais activer la structure du syndicat",),
        None: (
            "ne fermez pas mon compte svp",
            "je n'ai pas besoin de conseiller, c'est réglé",
            "surtout ne touchez pas aux droits de notre gestionnaire",
        ),
    },
    two_questions=(
        (
            "je voudrais m'inscrire sur Chorus et aussi parler à un conseiller",
            (Topic.CREATE_ACCOUNT, Topic.HUMAN_AGENT),
        ),
        (
            "comment ajouter l'espace factures reçues ? et comment inactiver la structure de l'ancien collège ?",
            (Topic.ADD_SPACES, Topic.STRUCTURE_PROCEDURE),
        ),
    ),
)


SESSION_7_BATCH_2 = Batch(
    # session 7, written with s7-1 before any tuning, then kept out of the batches and the memory until the round's
    # end: on the model of e5dc1c4 with the memory of s7-1 (676560c) 27 of 39 right, 3 wrong, 9 refused; on the
    # round's final cues (f71e71b), still without it in the memory, 30 right, 1 wrong, 8 refused. Added then.
    "s7-2",
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "la médiathèque veut que je dépose mes notes d'honoraires en ligne, je n'ai aucun compte nulle part",
            "nous sommes une PME allemande, comment obtenir un accès fournisseur à Chorus Pro",
            "c'est ma toute première facture publique, que dois-je faire sur le site avant",
            "jsui artisan, on m'oblige a passer par chorus, je fé koi",
            "where can a supplier register on chorus pro",
            "mon épouse et moi tenons une boulangerie, la cantine scolaire veut nos factures sur Chorus, on n'a "
            "jamais fait",
            "ouverture d'accès pour un nouveau fournisseur",
        ),
        Topic.ACTIVATION_LINK: (
            "le courriel d'activation a dû partir à une mauvaise adresse, je ne l'ai jamais eu",
            "lien expiré, impossible de finaliser",
            "activation link not working anymore",
            "je n'ai toujours pas le mail pour confirmer mon adresse, ça fait deux jours",
            "cliqué trop tard sur le lien de validation",
        ),
        Topic.ADD_SPACES: (
            "mon adjoint doit pouvoir suivre les engagements, il a un compte mais ne voit rien",
            "comment donner à ma collègue l'accès à la partie factures reçues",
            "how can my colleague see the invoices we receive",
            "je veux consulter les factures émises par mon entreprise mais je n'ai pas l'accès",
        ),
        Topic.MANAGER_LEFT: (
            "le gestionnaire de notre compte est parti en retraite, personne ne peut plus rattacher les nouveaux",
            "notre administratrice chorus a quitté la mairie, qui prend sa place",
            "comment désigner un nouveau gestionnaire principal, l'ancien n'est plus dans l'entreprise",
            "our Chorus admin is gone and nobody can approve new users",
            "le GP est parti sans prévenir",
        ),
        Topic.SUBCONTRACTING: (
            "le titulaire doit-il viser la facture de son sous-traitant avant qu'elle arrive chez l'acheteur",
            "cotraitance, qui dépose quoi sur chorus",
            "je suis sous-traitant payé directement par l'hôpital, démarche ?",
            "subcontractor direct payment invoice chorus",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "la nouvelle maison de santé communale doit pouvoir recevoir des factures, comment l'activer",
            "on ferme notre syndicat mixte, comment le désactiver sur chorus",
            "notre SIRET n'est pas actif sur chorus, les entreprises ne peuvent pas nous facturer",
        ),
        Topic.HUMAN_AGENT: (
            "j'aimerais discuter avec un conseiller du support",
            "is there someone I can talk to",
        ),
        None: (
            "le site affiche une erreur 500",
            "c'est nul",
        ),
    },
    negations={
        Topic.HUMAN_AGENT: ("pas envie de lire la FAQ, je veux quelqu'un",),
        Topic.ACTIVATION_LINK: ("je ne veux pas m'inscrire à nouveau, le lien a juste expiré",),
        Topic.STRUCTURE_PROCEDURE: ("on ne ferme pas la structure, on veut au contraire la rouvrir",),
        None: (
            "ne désactivez surtout pas notre SIRET",
            "je ne veux pas d'espace en plus",
        ),
    },
    two_questions=(
        (
            "je dois créer mon compte, et puis comment je facture comme sous-traitant ?",
            (Topic.CREATE_ACCOUNT, Topic.SUBCONTRACTING),
        ),
        (
            "notre gestionnaire est parti ; autre chose, le lien d'activation de mon collègue a expiré",
            (Topic.MANAGER_LEFT, Topic.ACTIVATION_LINK),
        ),
    ),
)


SESSION_7_BATCH_4 = Batch(
    # session 7, written after the cues were tuned on s7-1, s7-2 and s7-3 (the model of 9f923d7), tried on it before
    # it was tuned on: 35 of 40 right, no wrong topic, 5 refused
    "s7-4",
    phrasings={
        Topic.CREATE_ACCOUNT: (
            "Bonjour, je tiens un petit garage et la gendarmerie veut que je passe par internet pour mes factures, je "
            "n'ai jamais fait ça, comment je m'inscris ?",
            "on démarre notre activité, l'agglo sera notre premier client public : comment nous référencer sur Chorus",
            "pouvez-vous m'expliquer comment je m'enregistre en tant qu'entreprise sur le portail",
            "new supplier here, how do I set up access to Chorus Pro?",
            "compte chorus a créer pour mon asso culturelle",
            "bsr, besoin d'un compte pour envoyer une facture a la prefecture, koman faire",
        ),
        Topic.ACTIVATION_LINK: (
            "j'ai recréé mon inscription deux fois et je n'ai toujours pas le mail pour activer",
            "le lien dans le courriel ne répond plus, il doit être périmé",
            "j'ai reçu un lien mais il était déjà expiré quand j'ai cliqué",
            "I registered yesterday but did not get any confirmation link",
        ),
        Topic.ADD_SPACES: (
            "l'économe du collège doit traiter les factures reçues mais son compte ne les montre pas",
            "comment donner à notre nouvel acheteur l'accès au suivi des engagements",
            "je voudrais voir les demandes de remboursement de frais de justice dans mon tableau de bord",
            "my account only shows invoice submission, I need the other spaces",
            "demande d'ajout de l'espace factures émises pour ma collaboratrice",
        ),
        Topic.MANAGER_LEFT: (
            "celui qui gérait les accès chez nous a démissionné, qui nous débloque ?",
            "la responsable chorus de la commune est partie, je dois prendre sa place sur le portail",
            "our main user left and we cannot add colleagues anymore",
        ),
        Topic.SUBCONTRACTING: (
            "qui valide en premier la facture d'un sous-traitant payé en direct, le titulaire ou l'acheteur ?",
            "nous sommes cotraitants d'un marché de l'hôpital, chacun dépose-t-il sa propre facture ?",
            "le mandataire de notre groupement a fermé, qui facture maintenant ?",
        ),
        Topic.STRUCTURE_PROCEDURE: (
            "notre syndicat des eaux a fusionné, l'ancien SIRET doit disparaître de chorus",
            "la structure de notre école a été désactivée par erreur, comment la rétablir",
            "création d'un nouvel établissement public, il faut l'activer pour recevoir les factures",
            "how do we activate a new public entity so suppliers can send invoices",
        ),
        Topic.HUMAN_AGENT: (
            "est-il possible d'être rappelé par un conseiller demain matin",
            "je veux discuter avec un humain de mon dossier",
            "votre assistance téléphonique est joignable à quelle heure ?",
            "talk to support staff please",
        ),
        None: (
            "ma facture est rejetée car le numéro de bon de commande manque",
            "à quoi sert le code service sur la facture",
            "je cherche le guide utilisateur en PDF",
            "vous êtes nuls",
            "la facture est validée mais pas payée",
        ),
    },
    negations={
        Topic.CREATE_ACCOUNT: ("nous n'avons aucun compte et aucun identifiant, par quoi commencer",),
        Topic.HUMAN_AGENT: ("pas la peine de me renvoyer vers la FAQ, je veux un conseiller",),
        Topic.MANAGER_LEFT: ("il ne s'agit pas d'activer une structure : notre gestionnaire est parti",),
        None: (
            "ne m'envoyez plus de mails svp",
            "je ne veux pas ajouter d'espace ni parler à quelqu'un",
        ),
    },
    two_questions=(
        (
            "sous-traitant : qui valide ma facture ? et puis mon lien d'activation a expiré",
            (Topic.SUBCONTRACTING, Topic.ACTIVATION_LINK),
        ),
    ),
)


EARLIER = Batch(
    "earlier",  # 2026-11-25 and 2026-12-07, before session 3, merged: their trial figures were not kept
    _EARLIER_PHRASINGS,
    _EARLIER_NEGATIONS,
    _EARLIER_TWO_QUESTIONS,
)
BATCHES: tuple[Batch, ...] = (
    EARLIER,
    SESSION_3_BATCH_1,
    SESSION_3_BATCH_2,
    SESSION_3_BATCH_3,
    SESSION_3_BATCH_4,
    SESSION_3_BATCH_5,
    SESSION_4_BATCH_1,
    SESSION_4_BATCH_2,
    SESSION_4_BATCH_3,
    SESSION_4_BATCH_4,
    SESSION_4_BATCH_5,
    SESSION_5_BATCH_1,
    SESSION_5_BATCH_2,
    SESSION_5_BATCH_3,
    SESSION_6_BATCH_1,
    SESSION_7_BATCH_1,
    SESSION_7_BATCH_2,
    SESSION_7_BATCH_3,
    SESSION_7_BATCH_4,
)


def _merged(part: str) -> dict[Topic | None, tuple[str, ...]]:
    merged: dict[Topic | None, tuple[str, ...]] = {}
    for batch in BATCHES:
        for topic, texts in getattr(batch, part).items():
            merged[topic] = merged.get(topic, ()) + texts
    return merged


# The whole development set: one question each, negations, two questions.
PHRASINGS: dict[Topic | None, tuple[str, ...]] = _merged("phrasings")
NEGATIONS: dict[Topic | None, tuple[str, ...]] = _merged("negations")
TWO_QUESTIONS: TwoQuestions = tuple(pair for batch in BATCHES for pair in batch.two_questions)


if __name__ == "__main__":  # python -m tests.faq_phrasings [batch names]: each batch's figures on today's model
    import sys

    from tests.faq_measure import Case, measure

    for batch in BATCHES:
        if sys.argv[1:] and batch.name not in sys.argv[1:]:
            continue
        sets = {
            "one question": [Case(t, (k,) if k else ()) for k, ts in batch.phrasings.items() for t in ts],
            "negations": [Case(t, (k,) if k else (), True) for k, ts in batch.negations.items() for t in ts],
            "two questions": [Case(t, topics) for t, topics in batch.two_questions],
        }
        print(measure([c for cases in sets.values() for c in cases]).report(batch.name))
        for kind, cases in sets.items():
            print(measure(cases).line(f"  · {kind}"))
