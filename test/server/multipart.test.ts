/**
 * The multipart/form-data reader of the upload route: what a form encodes it reads back (property over random
 * fields and file contents), and any other body is E_USAGE, never another exception (fuzzed).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCaravanError } from "../../src/core/errors";
import { parseMultipart } from "../../src/server/multipart";

const BOUNDARY = "----caravan-boundary-7MA4YWxkTrZu0gW";

function encode(fields: Record<string, string>, files: Record<string, { filename: string; text: string }>): Buffer {
  let body = "";
  for (const [name, value] of Object.entries(fields)) body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  for (const [name, f] of Object.entries(files)) {
    body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${f.filename}"\r\nContent-Type: text/csv\r\n\r\n${f.text}\r\n`;
  }
  return Buffer.from(`${body}--${BOUNDARY}--\r\n`);
}

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const text = fc.string({ maxLength: 200 }).filter((s) => !s.includes(BOUNDARY));

describe("parseMultipart", () => {
  it("reads back every field and file a form encodes, byte for byte (CRLF, quotes and commas included)", () => {
    fc.assert(
      fc.property(fc.dictionary(name, text, { maxKeys: 5 }), fc.dictionary(name, fc.record({ filename: fc.stringMatching(/^[a-z0-9._-]{1,20}$/), text }), { maxKeys: 3 }), (fields, files) => {
        const shared = Object.keys(fields).filter((k) => k in files);
        for (const k of shared) delete fields[k];
        const parsed = parseMultipart(encode(fields, files), `multipart/form-data; boundary=${BOUNDARY}`);
        expect(parsed.fields).toEqual(fields);
        expect(parsed.files).toEqual(files);
      }),
      { numRuns: 300 },
    );
  });

  it("any other body is E_USAGE (never another exception)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withBoundary) => {
        const prefix = withBoundary ? Buffer.from(`--${BOUNDARY}\r\n`) : Buffer.alloc(0);
        try {
          parseMultipart(Buffer.concat([prefix, Buffer.from(bytes)]), `multipart/form-data; boundary=${BOUNDARY}`);
        } catch (error) {
          expect(isCaravanError(error) && error.code).toBe("E_USAGE");
        }
      }),
      { numRuns: 500 },
    );
    expect(() => parseMultipart(Buffer.from("x"), "multipart/form-data")).toThrow(/boundary/);
  });
});
