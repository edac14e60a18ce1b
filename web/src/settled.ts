// When the page has what the person came for: the first screen painted, and its data (no API call left under way,
// and two frames since, so that what the data brought is painted too). main.tsx fetches what only dresses or
// drives the page (the fonts, the DSFR's JavaScript) from then on, so that on a slow network they never compete
// with the screen's code and data, nor delay its largest paint.
import { callsDone, callsInFlight } from "./api/client";
import { firstScreenShown } from "./lazy";

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function pageSettled(): Promise<void> {
  await firstScreenShown;
  for (;;) {
    await nextTask(); // the screen's effects have started their calls
    await callsDone();
    await nextFrame();
    await nextFrame();
    if (callsInFlight() === 0) return; // else an answer led to another call: wait for it too
  }
}
