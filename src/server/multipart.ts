/**
 * A small multipart/form-data reader for the one upload the API takes (a CSV for gravity estimation): text fields
 * and file parts of a body already read into memory under the upload size cap. Malformed bodies are E_USAGE.
 */
import { CaravanError } from "../core/errors";

export interface FormData {
  /** Text fields by name (the last one wins). */
  readonly fields: Readonly<Record<string, string>>;
  /** File parts by field name: the file name as sent and the content as UTF-8 text. */
  readonly files: Readonly<Record<string, { filename: string; text: string }>>;
}

function boundaryOf(contentType: string): string {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw new CaravanError("E_USAGE", "multipart/form-data without a boundary");
  return m[1] ?? m[2];
}

/** Parse a multipart/form-data body. */
export function parseMultipart(body: Buffer, contentType: string): FormData {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const fields: Record<string, string> = {};
  const files: Record<string, { filename: string; text: string }> = {};
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new CaravanError("E_USAGE", "malformed multipart body: no part boundary");
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === "--") break; // closing delimiter
    if (body.subarray(pos, pos + 2).toString() === "\r\n") pos += 2;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    const next = body.indexOf(delimiter, pos);
    if (headerEnd < 0 || next < 0 || headerEnd > next) throw new CaravanError("E_USAGE", "malformed multipart body: a part lacks its headers or end");
    const headers = body.subarray(pos, headerEnd).toString("utf8");
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers);
    const name = disposition ? /\bname="([^"]*)"/i.exec(disposition[1])?.[1] : undefined;
    if (name === undefined) throw new CaravanError("E_USAGE", "malformed multipart body: a part has no form-data name");
    // the part's content ends with the CRLF before the next delimiter
    const content = body.subarray(headerEnd + 4, next - 2).toString("utf8");
    const filename = /\bfilename="([^"]*)"/i.exec(disposition![1])?.[1];
    if (filename !== undefined) files[name] = { filename, text: content };
    else fields[name] = content;
    pos = next;
  }
  return { fields, files };
}
