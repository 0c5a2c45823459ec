import { Writable } from 'node:stream';
import { pino } from 'pino';

export interface CapturedLine {
  level: number;
  msg: string;
  time: number;
  [field: string]: unknown;
}

/** A pino logger whose lines the test reads back (warn = 40). */
export function captureLogger(level = 'warn') {
  const lines: CapturedLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
