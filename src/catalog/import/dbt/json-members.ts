/**
 * Reads a JSON object from bytes one member at a time, so that a 500 MB dbt manifest never exists
 * as one string (V8 refuses strings over 512 MiB) nor as one tree of objects: the caller keeps
 * what it validated and lets each raw member go. Only the structure between members is scanned
 * here; each member's value is checked by JSON.parse. Anything unexpected throws
 * NotSplittableError and the caller falls back to parsing the whole text, whose errors say where.
 */

export class NotSplittableError extends Error {}

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

/**
 * Calls `onMember(key, value)` for each member of the top-level object, in order. For the keys in
 * `split` whose value is an object, calls `onEntry(key, entryKey, value)` for each of its members
 * instead, after `onMember(key, {})`. Values are parsed with JSON.parse one member at a time.
 */
export function forEachJsonMember(
  bytes: Uint8Array,
  split: ReadonlySet<string>,
  onMember: (key: string, value: unknown) => void,
  onEntry: (key: string, entryKey: string, value: unknown) => void,
): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parse = (start: number, end: number): unknown => {
    try {
      return JSON.parse(buffer.toString('utf8', start, end));
    } catch {
      throw new NotSplittableError(`bytes ${start}-${end} are not JSON`);
    }
  };
  const scanner = new Scanner(buffer);
  scanner.members((key) => {
    if (split.has(key) && buffer[scanner.position] === openBrace) {
      onMember(key, {});
      scanner.members((entryKey) => {
        const start = scanner.position;
        onEntry(key, entryKey, parse(start, scanner.skipValue()));
      });
    } else {
      const start = scanner.position;
      onMember(key, parse(start, scanner.skipValue()));
    }
  });
  scanner.skipWhitespace();
  if (scanner.position !== buffer.length) throw new NotSplittableError('text after the object');
}

class Scanner {
  position = 0;

  constructor(private readonly bytes: Buffer) {}

  /** Reads `{ "key": value, ... }`; `onKey` must consume the value. */
  members(onKey: (key: string) => void): void {
    this.skipWhitespace();
    this.expect(openBrace);
    this.skipWhitespace();
    if (this.bytes[this.position] === closeBrace) {
      this.position += 1;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.bytes[this.position] !== quote) throw new NotSplittableError('a key was expected');
      const start = this.position;
      const end = this.skipString();
      const key = JSON.parse(this.bytes.toString('utf8', start, end)) as string;
      this.skipWhitespace();
      this.expect(colon);
      this.skipWhitespace();
      onKey(key);
      this.skipWhitespace();
      if (this.bytes[this.position] === comma) {
        this.position += 1;
        continue;
      }
      this.expect(closeBrace);
      return;
    }
  }

  /** Moves past one value (its grammar is JSON.parse's to check); returns where it ends. */
  skipValue(): number {
    const bytes = this.bytes;
    const first = bytes[this.position];
    if (first === quote) return this.skipString();
    if (first !== openBrace && first !== openBracket) {
      // A number, true, false or null: up to the next delimiter.
      let index = this.position;
      while (index < bytes.length) {
        const byte = bytes[index]!;
        if (byte === comma || byte === closeBrace || byte === closeBracket || isWhitespace(byte)) break;
        index += 1;
      }
      if (index === this.position) throw new NotSplittableError('a value was expected');
      this.position = index;
      return index;
    }
    let depth = 0;
    let index = this.position;
    while (index < bytes.length) {
      const byte = bytes[index]!;
      if (byte === quote) {
        this.position = index;
        index = this.skipString();
        continue;
      }
      if (byte === openBrace || byte === openBracket) depth += 1;
      else if (byte === closeBrace || byte === closeBracket) {
        depth -= 1;
        if (depth === 0) {
          this.position = index + 1;
          return this.position;
        }
      }
      index += 1;
    }
    throw new NotSplittableError('the text ends inside a value');
  }

  /** From an opening quote to just past its closing quote. */
  skipString(): number {
    const bytes = this.bytes;
    let index = this.position + 1;
    for (;;) {
      const next = bytes.indexOf(quote, index);
      if (next < 0) throw new NotSplittableError('the text ends inside a string');
      let backslashes = 0;
      while (bytes[next - 1 - backslashes] === backslash) backslashes += 1;
      index = next + 1;
      if (backslashes % 2 === 0) break;
    }
    this.position = index;
    return index;
  }

  skipWhitespace(): void {
    while (this.position < this.bytes.length && isWhitespace(this.bytes[this.position]!)) this.position += 1;
  }

  private expect(byte: number): void {
    if (this.bytes[this.position] !== byte)
      throw new NotSplittableError(`${String.fromCharCode(byte)} was expected`);
    this.position += 1;
  }
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
