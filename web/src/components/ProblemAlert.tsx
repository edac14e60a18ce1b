// THE way a screen shows what the API refused: the API's message as it comes, in an error alert; the fields'
// messages go beside their fields (InputGroup's `error`, with fieldError below). The fields this screen does not
// show are listed in the alert, so that nothing the API said is lost.
import { unplacedFields, type Problem } from "../api/problem";
import { messages } from "../messages";
import { Alert } from "./Alert";

export interface ProblemAlertProps {
  problem: Problem | null;
  /** The fields the screen shows beside their inputs. */
  placed?: readonly string[];
  class?: string;
}

export function ProblemAlert({ problem, placed = [], class: extra }: ProblemAlertProps) {
  if (problem === null) return null;
  const others = unplacedFields(problem, placed);
  return (
    <Alert severity="error" title={messages.problemTitle} live class={extra ?? "fr-mb-3w"}>
      <p>{problem.message}</p>
      {others.length > 0 && (
        <ul>
          {others.map(([field, message]) => (
            <li key={field}>{message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** The message the API gave for one field, or undefined (for InputGroup's `error`). */
export function fieldError(problem: Problem | null, field: string): string | undefined {
  return problem?.fields[field];
}
