// A file posted straight to the storage (S3) with the presigned form the API handed out (POST
// /tickets/{number}/attachments): the form's fields as they are, then the file, last, as S3 requires. Not an API
// call (no token is sent: the form's signature is the permission); XMLHttpRequest rather than fetch because only
// it reports the upload's progress.

export interface UploadForm {
  url: string;
  fields: Record<string, string>;
}

export type UploadOutcome = { ok: true } | { ok: false; status: number };

export interface UploadHandle {
  done: Promise<UploadOutcome>;
  abort(): void;
}

/** Post `file` with `form`; `onProgress` hears the bytes sent so far (0 to 1). */
export function postToStorage(form: UploadForm, file: File, onProgress: (fraction: number) => void): UploadHandle {
  const request = new XMLHttpRequest();
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append("file", file, file.name);
  const done = new Promise<UploadOutcome>((resolve) => {
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      // S3 answers 204 to a form without success_action_status (200 or 201 when one asks for it).
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve({ ok: true });
      } else {
        resolve({ ok: false, status: request.status });
      }
    });
    request.addEventListener("error", () => resolve({ ok: false, status: 0 }));
    request.addEventListener("abort", () => resolve({ ok: false, status: 0 }));
  });
  request.open("POST", form.url);
  request.withCredentials = false;
  request.send(body);
  return { done, abort: () => request.abort() };
}
