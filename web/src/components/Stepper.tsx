// The DSFR stepper (fr-stepper): the current step's title, « Étape n sur N », the next step.
export interface StepperProps {
  steps: readonly string[];
  /** 1-based. */
  current: number;
  /** The title's level (2 by default; 3 inside a section of its own). */
  level?: 2 | 3;
}

export function Stepper({ steps, current, level = 2 }: StepperProps) {
  const next = steps[current];
  const Title = level === 3 ? "h3" : "h2";
  return (
    <div class="fr-stepper">
      <Title class="fr-stepper__title">
        {steps[current - 1]}
        <span class="fr-stepper__state">
          Étape {current} sur {steps.length}
        </span>
      </Title>
      <div class="fr-stepper__steps" data-fr-current-step={current} data-fr-steps={steps.length} />
      {next && (
        <p class="fr-stepper__details">
          <span class="fr-text--bold">Étape suivante :</span> {next}
        </p>
      )}
    </div>
  );
}
