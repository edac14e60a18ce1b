// Files the API makes (a list's CSV or XLSX, a ticket's PDF or ZIP), downloaded by the browser under their name.
// The API answers a small CSV with the file itself (Content-Disposition gives its name) and anything else, asked
// with « Accept: application/json », with a short-lived link to the storage (a page's fetch can neither read a
// 303 nor follow it to another origin): the browser follows that link itself, and the storage's
// Content-Disposition names the file.
import { api } from "./client";
import { networkProblem, problemOf, type Problem } from "./problem";
import type { components, operations } from "./schema";

export type ExportLink = components["schemas"]["ExportLinkView"];
/** The query of GET /tickets/export: a tab's or a search's parameters, and the format. */
export type ExportQuery = operations["export_tickets_tickets_export_get"]["parameters"]["query"];
/** A list to export: the same query without its format (the buttons choose it). */
export type ListQuery = Omit<ExportQuery, "format">;

export type Downloaded = { ok: true; name: string; rows: number | null } | { ok: false; problem: Problem };

const ACCEPT = { Accept: "application/json" };

/** The file name of a Content-Disposition (RFC 6266: filename* in UTF-8 first, else filename). */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // a malformed encoding: the plain name below
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(disposition);
  return (plain?.[1] ?? plain?.[2] ?? fallback).trim();
}

/** Save a blob under its name (an <a download> of an object URL, released once clicked). */
function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Let the browser follow the storage's link: it downloads the file (attachment) and the page stays. */
function follow(link: ExportLink): void {
  window.location.assign(link.url);
}

async function answerOf(request: Promise<{ data?: Blob; error?: unknown; response: Response }>, fallback: string): Promise<Downloaded> {
  let answer: { data?: Blob; error?: unknown; response: Response };
  try {
    answer = await request;
  } catch {
    return { ok: false, problem: networkProblem() };
  }
  const { response, data } = answer;
  if (!response.ok || data === undefined) return { ok: false, problem: problemOf(response.status, answer.error) };
  const kind = response.headers.get("Content-Type") ?? "";
  if (kind.startsWith("application/json")) {
    let link: ExportLink;
    try {
      link = JSON.parse(await data.text()) as ExportLink;
    } catch {
      return { ok: false, problem: problemOf(response.status, undefined) };
    }
    follow(link);
    return { ok: true, name: link.name, rows: link.rows };
  }
  const name = fileNameOf(response.headers.get("Content-Disposition"), fallback);
  save(data, name);
  return { ok: true, name, rows: null };
}

/** Export a tab or a search as CSV or XLSX (every row the API allows). */
export function downloadExport(query: ExportQuery): Promise<Downloaded> {
  const fallback = `sollicitations.${query.format.toLowerCase()}`;
  return answerOf(api().GET("/tickets/export", { params: { query }, headers: ACCEPT, parseAs: "blob" }), fallback);
}

/** A ticket's PDF, or with its files a ZIP of the PDF and the available attachments. */
export function downloadPdf(number: number, attachments: boolean): Promise<Downloaded> {
  const fallback = `ticket-${number}.${attachments ? "zip" : "pdf"}`;
  return answerOf(
    api().GET("/tickets/{number}/pdf", {
      params: { path: { number: String(number) }, query: { attachments } },
      headers: ACCEPT,
      parseAs: "blob",
    }),
    fallback,
  );
}
