// A minimal, strict HTTP/1.1 response parser written for throughput: it finds the end of the head
// with Buffer.indexOf, reads only the three headers that frame a message (content-length,
// transfer-encoding, connection) byte by byte, and counts body bytes without ever looking at them.
// It never throws on bad input: a malformed response puts it in the error state with a message.

export interface ResponseHandler {
  /**
   * A whole response arrived. `bytes` counts head and body as received on the wire.
   * Return false to stop parsing this connection (e.g. the response was not asked for).
   */
  onResponse(status: number, bytes: number, keepAlive: boolean): boolean;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;

/** Longest head accepted before the response is called malformed. */
export const MAX_HEAD_BYTES = 64 * 1024;

// parser states
const HEAD = 0;
const LENGTH = 1;
const CHUNKED = 2;
const UNTIL_EOF = 3;
const CLOSED = 4;
const FAILED = 5;

// chunked sub-states
const C_SIZE = 0; // first hex digit of a chunk-size line
const C_SIZE_MORE = 1; // more hex digits, an extension, or CR
const C_EXT = 2; // chunk extension: skipped up to CR
const C_SIZE_LF = 3;
const C_DATA = 4;
const C_DATA_CR = 5;
const C_DATA_LF = 6;
const C_TRAILER_START = 7; // start of a trailer line, or the final CRLF
const C_TRAILER_LINE = 8;
const C_TRAILER_LF = 9;
const C_END_LF = 10;

const NAME_CONTENT_LENGTH = Buffer.from('content-length');
const NAME_TRANSFER_ENCODING = Buffer.from('transfer-encoding');
const NAME_CONNECTION = Buffer.from('connection');
const VALUE_KEEP_ALIVE = Buffer.from('keep-alive');
const VALUE_CLOSE = Buffer.from('close');

/** ASCII case-insensitive comparison of b[start, end) with `lower` (lower-case letters, digits and '-'). */
function nameIs(b: Buffer, start: number, end: number, lower: Buffer): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if ((b[start + i]! | 0x20) !== lower[i]) return false;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

export class ResponseParser {
  /** Set when the parser is in the error state: why the response was rejected. */
  error: string | null = null;
  /** False for a HEAD request: responses carry no body whatever their headers say. */
  expectBody: boolean;

  private state = HEAD;
  private pending: Buffer | null = null; // an incomplete head, copied out of the read buffer
  private bytes = 0; // bytes of the current response seen in earlier chunks
  private remaining = 0; // body bytes (LENGTH) or chunk-data bytes (C_DATA) still to come
  private status = 0;
  private keepAlive = true;
  private chunkState = C_SIZE;
  private chunkSize = 0;
  private chunkDigits = 0;

  constructor(
    private readonly handler: ResponseHandler,
    expectBody = true,
  ) {
    this.expectBody = expectBody;
  }

  /** Back to a clean state for a new connection. */
  reset(): void {
    this.state = HEAD;
    this.pending = null;
    this.bytes = 0;
    this.error = null;
  }

  /** True when no part of a response has been received. */
  get idle(): boolean {
    return this.state === HEAD && this.pending === null;
  }

  /** True once a `connection: close` response (or an error) ended parsing on this connection. */
  get closed(): boolean {
    return this.state >= CLOSED;
  }

  /**
   * Feeds one chunk. `chunk` may be a view into a read buffer that is reused afterwards: nothing is
   * kept from it without a copy. Returns false if the response was malformed (see `error`).
   */
  execute(chunk: Buffer): boolean {
    if (this.state >= CLOSED) return this.state !== FAILED;
    let b = chunk;
    if (this.pending !== null) {
      b = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    const end = b.length;
    let pos = 0;
    let respStart = 0;
    while (pos < end) {
      const state = this.state;
      if (state === HEAD) {
        const e = b.indexOf(CRLFCRLF, pos);
        if (e === -1 || e - pos > MAX_HEAD_BYTES) {
          if (end - pos > MAX_HEAD_BYTES) return this.fail(`response head longer than ${MAX_HEAD_BYTES} bytes`);
          this.pending = Buffer.from(b.subarray(pos, end));
          return true;
        }
        if (!this.parseHead(b, pos, e)) return false;
        pos = e + 4;
        const status = this.status;
        if (status < 200) {
          if (status === 101) return this.fail('unexpected 101 Switching Protocols');
          this.bytes += pos - respStart; // interim 1xx: its bytes belong to the final response
          respStart = pos;
          continue;
        }
        if (this.state === HEAD) {
          // no body
          const bytes = this.bytes + pos - respStart;
          this.bytes = 0;
          respStart = pos;
          if (!this.complete(bytes)) return true;
        }
      } else if (state === LENGTH) {
        const avail = end - pos;
        if (avail < this.remaining) {
          this.remaining -= avail;
          pos = end;
        } else {
          pos += this.remaining;
          this.remaining = 0;
          this.state = HEAD;
          const bytes = this.bytes + pos - respStart;
          this.bytes = 0;
          respStart = pos;
          if (!this.complete(bytes)) return true;
        }
      } else if (state === CHUNKED) {
        pos = this.chunked(b, pos, end);
        if (pos < 0) return false;
        if (this.state === HEAD) {
          const bytes = this.bytes + pos - respStart;
          this.bytes = 0;
          respStart = pos;
          if (!this.complete(bytes)) return true;
        }
      } else {
        // UNTIL_EOF: the body is everything up to the server closing the connection
        pos = end;
      }
    }
    if (this.state !== HEAD) this.bytes += end - respStart;
    return true;
  }

  /**
   * The connection was closed by the peer. Completes a body delimited by the close; returns false if
   * a response was cut short.
   */
  finish(): boolean {
    if (this.state === UNTIL_EOF) {
      this.state = CLOSED;
      const bytes = this.bytes;
      this.bytes = 0;
      this.handler.onResponse(this.status, bytes, false);
      return true;
    }
    if (this.state >= CLOSED) return this.state !== FAILED;
    if (this.state === HEAD && this.pending === null) return true;
    return this.fail('connection closed before the response was complete');
  }

  private complete(bytes: number): boolean {
    if (!this.keepAlive) this.state = CLOSED;
    if (!this.handler.onResponse(this.status, bytes, this.keepAlive)) {
      this.state = CLOSED;
      return false;
    }
    return this.state === HEAD;
  }

  private fail(message: string): false {
    this.state = FAILED;
    this.error = message;
    this.pending = null;
    return false;
  }

  /** Parses the head in b[s, e) (e is the index of the final CRLFCRLF) and picks the body framing. */
  private parseHead(b: Buffer, s: number, e: number): boolean {
    // "HTTP/1.x NNN" then SP or CRLF
    if (
      e - s < 12 ||
      b[s] !== 72 || b[s + 1] !== 84 || b[s + 2] !== 84 || b[s + 3] !== 80 ||
      b[s + 4] !== 47 || b[s + 5] !== 49 || b[s + 6] !== 46 ||
      (b[s + 12] !== SP && b[s + 12] !== CR)
    ) {
      return this.fail('bad status line');
    }
    const minor = b[s + 7]! - 48;
    const d0 = b[s + 9]! - 48;
    const d1 = b[s + 10]! - 48;
    const d2 = b[s + 11]! - 48;
    if (minor < 0 || minor > 9 || b[s + 8] !== SP || d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
      return this.fail('bad status line');
    }
    const status = d0 * 100 + d1 * 10 + d2;
    let p = b.indexOf(CR, s);
    if (b[p + 1] !== LF) return this.fail('bare CR in status line');
    p += 2;

    let contentLength = -1;
    let chunked = false;
    let framedByClose = false;
    let keepAlive = minor >= 1;
    while (p < e) {
      const le = b.indexOf(CR, p);
      if (b[le + 1] !== LF) return this.fail('bare CR in header');
      const first = b[p]!;
      if (first === SP || first === HT) return this.fail('obsolete header line folding');
      const colon = b.indexOf(COLON, p);
      if (colon <= p || colon > le) return this.fail('header line without a name and colon');
      const nameLen = colon - p;
      // only three header names matter; their lengths are 14, 17 and 10
      if (nameLen === 14 || nameLen === 17 || nameLen === 10) {
        let vs = colon + 1;
        let ve = le;
        while (vs < ve && (b[vs] === SP || b[vs] === HT)) vs++;
        while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HT)) ve--;
        if (nameLen === 14 && nameIs(b, p, colon, NAME_CONTENT_LENGTH)) {
          if (ve === vs || ve - vs > 15) return this.fail('bad content-length');
          let n = 0;
          for (let i = vs; i < ve; i++) {
            const d = b[i]! - 48;
            if (d < 0 || d > 9) return this.fail('bad content-length');
            n = n * 10 + d;
          }
          if (contentLength !== -1 && contentLength !== n) return this.fail('conflicting content-length headers');
          contentLength = n;
        } else if (nameLen === 17 && nameIs(b, p, colon, NAME_TRANSFER_ENCODING)) {
          const codings = b.toString('latin1', vs, ve).toLowerCase().split(',');
          const last = codings[codings.length - 1]!.trim();
          chunked = last === 'chunked';
          framedByClose = !chunked;
        } else if (nameLen === 10 && nameIs(b, p, colon, NAME_CONNECTION)) {
          if (nameIs(b, vs, ve, VALUE_KEEP_ALIVE)) {
            keepAlive = true;
          } else if (nameIs(b, vs, ve, VALUE_CLOSE)) {
            keepAlive = false;
          } else {
            for (const token of b.toString('latin1', vs, ve).toLowerCase().split(',')) {
              const t = token.trim();
              if (t === 'close') keepAlive = false;
              else if (t === 'keep-alive') keepAlive = true;
            }
          }
        }
      }
      p = le + 2;
    }

    this.status = status;
    this.keepAlive = keepAlive;
    if (status < 200 || status === 204 || status === 304 || !this.expectBody) {
      this.state = HEAD;
    } else if (chunked) {
      this.state = CHUNKED;
      this.chunkState = C_SIZE;
    } else if (framedByClose || contentLength === -1) {
      this.state = UNTIL_EOF;
      this.keepAlive = false;
    } else if (contentLength === 0) {
      this.state = HEAD;
    } else {
      this.state = LENGTH;
      this.remaining = contentLength;
    }
    return true;
  }

  /** Runs the chunked-body state machine over b[pos, end); returns the new position or -1. */
  private chunked(b: Buffer, pos: number, end: number): number {
    let cs = this.chunkState;
    while (pos < end) {
      if (cs === C_DATA) {
        const avail = end - pos;
        if (avail < this.remaining) {
          this.remaining -= avail;
          pos = end;
          break;
        }
        pos += this.remaining;
        this.remaining = 0;
        cs = C_DATA_CR;
        continue;
      }
      const c = b[pos++]!;
      switch (cs) {
        case C_SIZE: {
          const h = hexValue(c);
          if (h < 0) return this.chunkFail('bad chunk size');
          this.chunkSize = h;
          this.chunkDigits = 1;
          cs = C_SIZE_MORE;
          break;
        }
        case C_SIZE_MORE: {
          const h = hexValue(c);
          if (h >= 0) {
            if (++this.chunkDigits > 12) return this.chunkFail('chunk size too large');
            this.chunkSize = this.chunkSize * 16 + h;
          } else if (c === CR) {
            cs = C_SIZE_LF;
          } else if (c === 59 /* ; */ || c === SP || c === HT) {
            cs = C_EXT;
          } else {
            return this.chunkFail('bad chunk size');
          }
          break;
        }
        case C_EXT:
          if (c === CR) cs = C_SIZE_LF;
          else if (c === LF) return this.chunkFail('bare LF in chunk extension');
          break;
        case C_SIZE_LF:
          if (c !== LF) return this.chunkFail('expected LF after chunk size');
          if (this.chunkSize === 0) {
            cs = C_TRAILER_START;
          } else {
            this.remaining = this.chunkSize;
            cs = C_DATA;
          }
          break;
        case C_DATA_CR:
          if (c !== CR) return this.chunkFail('chunk data longer than its size');
          cs = C_DATA_LF;
          break;
        case C_DATA_LF:
          if (c !== LF) return this.chunkFail('expected LF after chunk data');
          cs = C_SIZE;
          break;
        case C_TRAILER_START:
          cs = c === CR ? C_END_LF : C_TRAILER_LINE;
          break;
        case C_TRAILER_LINE:
          if (c === CR) cs = C_TRAILER_LF;
          break;
        case C_TRAILER_LF:
          if (c !== LF) return this.chunkFail('bare CR in trailer');
          cs = C_TRAILER_START;
          break;
        case C_END_LF:
          if (c !== LF) return this.chunkFail('expected LF at end of chunked body');
          this.chunkState = C_SIZE;
          this.state = HEAD;
          return pos;
      }
    }
    this.chunkState = cs;
    return pos;
  }

  private chunkFail(message: string): number {
    this.fail(message);
    return -1;
  }
}
