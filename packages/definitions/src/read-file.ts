import { open } from 'node:fs/promises';
import type { DefinitionProblem } from './problems.js';

/**
 * Largest bot, groups or project file read, in bytes (1 MiB): see "Limits" in the README. The biggest file in this
 * repository is under 4 KB; a bot holding every CLINC150 utterance of its largest domain would be about 120 KB. A
 * 1 MB bot file parses and validates in about 0.5 s at 150 MB RSS; 50 MB took 4.9 s at 1.8 GB. The limit is checked
 * from the file's size before anything is read.
 */
export const MAX_DEFINITION_FILE_BYTES = 1024 * 1024;

/** The text of a definition file, or the one problem that stops it being read (with `file` and no path). */
export type ReadResult = { readonly text: string; readonly problem?: undefined } | { readonly text?: undefined; readonly problem: DefinitionProblem };

/**
 * Reads a YAML or JSON file as strict UTF-8: refuses a file over `maxBytes` (from its size, before reading) and bytes
 * that are not UTF-8 (naming the byte offset and line), instead of replacing them with U+FFFD. A leading BOM is dropped.
 * `what` names the file in messages ("a bot file", "a project file"). Errors of the file system (ENOENT…) are thrown.
 */
export async function readDefinitionFile(file: string, what: string, maxBytes: number = MAX_DEFINITION_FILE_BYTES): Promise<ReadResult> {
  const handle = await open(file, 'r');
  let bytes: Buffer;
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return { problem: tooLarge(file, what, size, maxBytes) };
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  // The file may have grown between stat and read.
  if (bytes.length > maxBytes) return { problem: tooLarge(file, what, bytes.length, maxBytes) };
  return decodeDefinitionText(bytes, file);
}

/** Decodes `bytes` as strict UTF-8; invalid bytes are a problem naming the first bad byte's offset and line. */
export function decodeDefinitionText(bytes: Uint8Array, file: string): ReadResult {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    for (let index = 0; index < offset; index++) if (bytes[index] === 0x0a) line++;
    const shown = Array.from(bytes.subarray(offset, offset + 4), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    return {
      problem: {
        file,
        path: '',
        line,
        message: `the file is not valid UTF-8: invalid byte sequence at byte offset ${offset} (${shown}); save the file as UTF-8`,
      },
    };
  }
}

/** The problem of a file over the size limit. */
export function tooLarge(file: string, what: string, size: number, maxBytes: number = MAX_DEFINITION_FILE_BYTES): DefinitionProblem {
  return { file, path: '', message: `the file is ${size.toLocaleString('en-US')} bytes; ${what} may hold at most ${maxBytes.toLocaleString('en-US')} bytes` };
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (the WHATWG decoder's rules). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    if (byte < 0x80) {
      index++;
      continue;
    }
    let needed: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (byte >= 0xc2 && byte <= 0xdf) needed = 1;
    else if (byte >= 0xe0 && byte <= 0xef) {
      needed = 2;
      if (byte === 0xe0) lower = 0xa0; // overlong
      if (byte === 0xed) upper = 0x9f; // surrogates
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      needed = 3;
      if (byte === 0xf0) lower = 0x90; // overlong
      if (byte === 0xf4) upper = 0x8f; // above U+10FFFF
    } else return index;
    for (let k = 1; k <= needed; k++) {
      const next = bytes[index + k];
      if (next === undefined || next < (k === 1 ? lower : 0x80) || next > (k === 1 ? upper : 0xbf)) return index;
    }
    index += needed + 1;
  }
  return bytes.length;
}
