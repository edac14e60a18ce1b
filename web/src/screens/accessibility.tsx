// The accessibility statement the footer links to (RGAA). Not audited yet: the footer says « non conforme ».
import { Coming } from "./coming";

export function AccessibilityScreen() {
  return <Coming screen="Déclaration d'accessibilité" />;
}
