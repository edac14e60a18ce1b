// The French texts of the screens open to everyone: the non-connected form (seed 001, « Créer un ticket de
// support ») and the status page its mails link to. What the API says (its refusals, the confirmation's message,
// the labels of statuses, categories and steps) is shown as it comes, never here.
export const publicMessages = {
  // The non-connected form
  contactIntro:
    "Vous n'avez pas de compte Chorus Pro, ou vous ne pouvez pas vous connecter ? Décrivez votre difficulté : le support vous répondra à l'adresse électronique que vous indiquez.",
  contactSignIn: "Vous avez un compte Chorus Pro ?",
  contactSignInLink: "Connectez-vous pour créer votre ticket et le suivre dans le portail",
  requiredNote: "Les champs marqués d'un astérisque (*) sont obligatoires.",
  catalogueLoading: "Chargement des catégories…",
  requestLegend: "Votre demande",
  category: "Catégorie",
  subcategory: "Sous-catégorie",
  subcategoryHint: "Choisissez d'abord une catégorie.",
  choose: "Sélectionner une option",
  handledBy: (recipient: string) => `Votre ticket sera traité par : ${recipient}.`,
  contactLegend: "Vos coordonnées",
  email: "Adresse électronique",
  emailHint: "Format attendu : nom@domaine.fr. La confirmation, les questions du support et sa réponse y seront envoyées.",
  problemLegend: "Problème rencontré",
  title: "Titre / Résumé",
  titleHint: "150 caractères au plus.",
  description: "Description longue",
  descriptionHint:
    "Décrivez la difficulté rencontrée, ce que vous faisiez et, le cas échéant, le message d'erreur affiché.",
  submit: "Soumettre",
  sending: "Envoi en cours…",
  // The captcha
  captchaLegend: "Code de vérification",
  captchaHint: "Ce code vérifie que le formulaire est envoyé par une personne.",
  captchaLoading: "Chargement du code de vérification…",
  captchaImage:
    "Code de vérification : des caractères déformés à recopier. Le bouton « Écouter » en donne la version sonore.",
  listen: "Écouter",
  listenTitle: "Écouter le code de vérification",
  stopListening: "Arrêter l'écoute",
  newImage: "Nouvelle image",
  newImageTitle: "Afficher un nouveau code de vérification (image et son)",
  newImageReady: "Un nouveau code de vérification est affiché.",
  audioFailed: "Votre navigateur n'a pas pu lire le son. Demandez une nouvelle image ou recopiez l'image.",
  captchaAnswer: "Caractères de l'image ou du son",
  captchaAnswerHint: "Les majuscules et les minuscules ne comptent pas.",
  // The confirmation
  createdTitle: (number: number) => `Ticket n° ${number} envoyé`,
  createdNumber: "Numéro du ticket",
  createdStatus: "Statut",
  createdRecipient: "Traité par",
  createdKeep:
    "Notez ce numéro : rappelez-le dans vos échanges avec le support. Le courriel de confirmation contient aussi un lien personnel pour suivre le ticket.",
  another: "Créer un autre ticket",
  backHome: "Retour à l'accueil",
  // The status page
  statusTitle: (number: number) => `Suivi du ticket n° ${number}`,
  statusLoading: "Chargement du ticket…",
  statusIntro:
    "Cette page montre l'avancement d'un ticket saisi sans compte. Son adresse est personnelle : ne la transférez pas.",
  statusLinkHelp:
    "Ouvrez le lien du dernier courriel reçu pour ce ticket : chaque courriel du support en contient un, valable pendant plusieurs semaines.",
  statusNewTicket: "Créer un ticket de support",
  general: "Informations générales",
  createdAt: "Date de création",
  status: "Statut",
  recipient: "Traité par",
  notSet: "—",
  open: "Votre ticket est en cours de traitement. Vous serez informé(e) par courriel d'une question ou d'une réponse du support.",
  openTitle: "Ticket en cours de traitement",
  awaitingTitle: "Le support attend une information de votre part",
  awaitingHow: (number: number) =>
    `Pour répondre, créez un nouveau ticket de support sans compte en rappelant le numéro ${number}.`,
  resolvedTitle: "Le support a répondu à votre ticket",
  resolvedHow: (number: number) =>
    `Si cette réponse ne règle pas votre difficulté, créez un nouveau ticket de support en rappelant le numéro ${number}.`,
  closedTitle: "Ce ticket est fermé",
  closedHow: (number: number) =>
    `Pour une nouvelle difficulté, créez un nouveau ticket de support ; rappelez le numéro ${number} s'il s'agit de la même demande.`,
  readOnly:
    "Un ticket saisi sans compte se suit sur cette page et par courriel : il ne se modifie pas ici.",
  history: "Historique du ticket",
  historyColumns: { date: "Date", step: "Étape", by: "Par", status: "Statut", text: "Message" },
  exchanges: "Questions et réponses",
  exchangesNone: "Aucune question ni réponse pour le moment.",
  exchangeHeading: (step: string, by: string, at: string) => `${step} – ${by}, le ${at}`,
} as const;
