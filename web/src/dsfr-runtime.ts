// The DSFR's own JavaScript, component by component (the ones the portal's components use): disclosure of
// the header's menu on small screens, modals, navigation, the password field's « Afficher ». Loaded by
// startDsfr (dsfr.ts) once the first screen has its data: it is not needed to paint, only to act. The settings
// first (the core reads them when it is evaluated).
import "./dsfr-settings";
import "@dsfr/core/core.module.min.js";
import "@dsfr/component/navigation/navigation.module.min.js";
import "@dsfr/component/modal/modal.module.min.js";
import "@dsfr/component/header/header.module.min.js";
import "@dsfr/component/password/password.module.min.js";
