// The French texts of « Mes structures » and of a structure's activation / inactivation (seed 004, « Activer /
// inactiver ma structure »): the portal's own words. What the API says — the states (« Active », « Ouvert »), the
// role, every refusal, the operation's state and outcome — is shown as it comes.
export const structuresMessages = {
  listTitle: "Mes structures",
  listIntro:
    "Le gestionnaire principal ou secondaire d'une structure publique peut l'activer ou l'inactiver dans Chorus Pro. Choisissez la structure.",
  listCaption: "Les structures auxquelles votre compte est rattaché",
  listNone: "Votre compte n'est rattaché à aucune structure.",
  designation: "Désignation",
  siret: "SIRET",
  kind: "Type",
  publicKind: "Structure publique",
  privateKind: "Structure privée",
  yourRole: "Votre rôle",
  chorusState: "État dans Chorus Pro",
  manage: (name: string) => `Activer ou inactiver « ${name} »`,
  // One structure
  pageTitle: (siret: string) => `Structure ${siret}`,
  heading: (siret: string) => `Structure de SIRET ${siret}`,
  backToList: "Retour à mes structures",
  inChorus: "Dans Chorus Pro",
  inRegistry: "Dans le répertoire Sirene de l'Insee",
  registryName: "Dénomination",
  registryState: "État de l'établissement",
  closedOn: "Fermé le",
  address: "Adresse",
  unknown: "Non renseigné",
  // Inactivation
  inactivateTitle: "Inactiver la structure",
  inactivateClosed:
    "L'établissement est fermé dans le répertoire Sirene : la structure peut être inactivée sans structure reprenante.",
  inactivateOpen:
    "L'établissement est toujours ouvert dans le répertoire Sirene : indiquez le SIRET de la structure qui reprend l'activité. Elle recevra les demandes de paiement et les tickets non clôturés de cette structure.",
  takeoverLabel: "SIRET de la structure reprenant l'activité",
  takeoverHint: "14 chiffres. La structure doit être publique, active, et vous devez en être gestionnaire.",
  takeoverMissing: "Indiquez le SIRET de la structure qui reprend l'activité (14 chiffres).",
  checkTakeover: "Vérifier et inactiver",
  checking: "Vérification…",
  inactivate: "Inactiver la structure",
  confirmInactivationTitle: "Confirmer l'inactivation",
  confirmInactivationIntro: "Vous demandez l'inactivation de cette structure dans Chorus Pro :",
  takeoverTitle: "Structure reprenant l'activité",
  takeoverWhat:
    "Les demandes de paiement adressées à la structure et ses tickets non clôturés seront transférés à la structure reprenante.",
  noTakeoverWhat: "Aucune structure ne reprend l'activité : rien n'est transféré.",
  confirmInactivation: "Confirmer l'inactivation",
  // Activation
  activateTitle: "Activer la structure",
  activateText: "La structure est inactive dans Chorus Pro : l'activer lui permet de recevoir à nouveau des factures.",
  activate: "Activer la structure",
  confirmActivationTitle: "Confirmer l'activation",
  confirmActivationIntro: "Vous demandez l'activation de cette structure dans Chorus Pro :",
  confirmActivation: "Confirmer l'activation",
  activated: (name: string, state: string) => `La structure « ${name} » est maintenant « ${state} » dans Chorus Pro.`,
  cancel: "Annuler",
  sending: "Envoi…",
  // The operation (seed 004: « L'action a été réalisée »)
  operationTitle: "Suivi de l'inactivation",
  steps: ["Demande vérifiée et confirmée", "Transfert et inactivation en cours", "L'action a été réalisée"] as const,
  operationState: (label: string) => `État de l'opération : ${label}`,
  done: "L'action a été réalisée",
  notDone: "L'action n'a pas été réalisée",
  errorName: (error: string) => `Erreur : ${error}`,
  startedBy: (name: string, date: string) => `Demandée par ${name} le ${date}.`,
  stillRunning:
    "L'opération se poursuit. Cette page continuera d'en afficher l'état ; vous pouvez aussi revenir plus tard à cette adresse.",
  followAgain: "Reprendre le suivi",
} as const;
