// The DSFR stepper (fr-stepper): the current step's title, « Étape n sur N », the next step.
export interface StepperProps {
  steps: readonly string[];
  /** 1-based. */
  current: number;
}

export function Stepper({ steps, current }: StepperProps) {
  const next = steps[current];
  return (
    <div class="fr-stepper">
      <h2 class="fr-stepper__title">
        {steps[current - 1]}
        <span class="fr-stepper__state">
          Étape {current} sur {steps.length}
        </span>
      </h2>
      <div class="fr-stepper__steps" data-fr-current-step={current} data-fr-steps={steps.length} />
      {next && (
        <p class="fr-stepper__details">
          <span class="fr-text--bold">Étape suivante :</span> {next}
        </p>
      )}
    </div>
  );
}
