import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointText, parseCheckpointText } from '../../src/audit/log/checkpoint.ts';
import { leafHash } from '../../src/audit/log/merkle-tree.ts';
import {
  noteSigner,
  openNote,
  parseVerifierKey,
  verifierKeyString,
} from '../../src/audit/log/signed-note.ts';

const pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('signed checkpoints', () => {
  const signer = noteSigner('aperture.test/audit', pem());
  const verifier = parseVerifierKey(verifierKeyString(signer.name, signer.publicKey))!;
  const checkpoint = {
    origin: 'aperture.test/audit',
    size: 12,
    root: leafHash(Buffer.from('x')),
    time: 1_700_000_000_000,
  };

  it('signs a checkpoint as a C2SP note that its verifier key opens and reads back', () => {
    const note = signer.sign(checkpointText(checkpoint));
    expect(note).toMatch(
      /^aperture\.test\/audit\n12\n[A-Za-z0-9+/]{43}=\ntime 1700000000000\n\n\u2014 aperture\.test\/audit [A-Za-z0-9+/]{91}=\n$/,
    );
    const opened = openNote(note, verifier);
    expect(opened.verified).toBe(true);
    expect(parseCheckpointText(opened.text)).toEqual(checkpoint);
  });

  it('refuses a checkpoint whose size or root was changed, or re-signed with another key of the same name', () => {
    const note = signer.sign(checkpointText(checkpoint));
    expect(openNote(note.replace('\n12\n', '\n13\n'), verifier)).toMatchObject({
      verified: false,
      problem: 'the signature does not verify',
    });
    const forger = noteSigner('aperture.test/audit', pem());
    expect(openNote(forger.sign(checkpointText(checkpoint)), verifier)).toMatchObject({
      verified: false,
      problem: 'no signature by aperture.test/audit',
    });
    expect(openNote('garbage', verifier).verified).toBe(false);
  });

  it('refuses malformed verifier keys and checkpoint texts', () => {
    const key = verifierKeyString(signer.name, signer.publicKey);
    expect(parseVerifierKey(key.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toBeNull();
    expect(parseVerifierKey('name+1234')).toBeNull();
    expect(parseCheckpointText('origin\n012\nAAAA\n')).toBeNull();
    expect(parseCheckpointText('origin\n12\nnot-base64\n')).toBeNull();
  });
});

describe('the checkpoint key', () => {
  it('is created once in its file (mode 0600) and read back the same on the next start', async () => {
    const { mkdtemp, stat } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { loadCheckpointKey } = await import('../../src/audit/log/checkpoint-key.ts');
    const file = `${await mkdtemp(`${tmpdir()}/aperture-key-`)}/keys/audit-checkpoint.pem`;
    const first = await loadCheckpointKey('a.test/log', { kind: 'file', file, createIfMissing: true });
    expect(first.createdAt).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadCheckpointKey('a.test/log', { kind: 'file', file, createIfMissing: true });
    expect(again.createdAt).toBeUndefined();
    expect(again.signer.publicKey.equals(first.signer.publicKey)).toBe(true);
    await expect(
      loadCheckpointKey('a.test/log', { kind: 'file', file: `${file}.missing`, createIfMissing: false }),
    ).rejects.toThrow(/ENOENT/);
  });
});

describe('witnesses', () => {
  it('a file witness keeps every checkpoint note, readable back one by one and still verifiable', async () => {
    const { mkdtemp, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { fileWitness, notesInWitnessFile } = await import('../../src/audit/log/witnesses.ts');
    const file = `${await mkdtemp(`${tmpdir()}/aperture-witness-`)}/checkpoints`;
    const signer = noteSigner('w.test/log', pem());
    const verifier = parseVerifierKey(verifierKeyString(signer.name, signer.publicKey))!;
    const witness = fileWitness(file);
    const notes = [1, 2, 3].map((size) =>
      signer.sign(
        checkpointText({ origin: 'w.test/log', size, root: leafHash(Buffer.from([size])), time: size }),
      ),
    );
    for (const note of notes) await witness.publish(note);
    const kept = notesInWitnessFile(await readFile(file, 'utf8'));
    expect(kept).toEqual(notes);
    expect(kept.map((note) => parseCheckpointText(openNote(note, verifier).text)?.size)).toEqual([1, 2, 3]);
  });

  it('an HTTP witness posts the note and fails on a non-2xx answer, never naming credentials', async () => {
    const { createServer } = await import('node:http');
    const { httpWitness } = await import('../../src/audit/log/witnesses.ts');
    const received: string[] = [];
    let status = 200;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push(`${request.headers['content-type']}|${request.headers.authorization}|${body}`);
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const witness = httpWitness(`http://user:secret@127.0.0.1:${port}/add?token=abc`);
    expect(witness.name).toBe(`http:http://127.0.0.1:${port}/add`);
    await witness.publish('note\n');
    status = 503;
    await expect(witness.publish('note\n')).rejects.toThrow('the witness answered HTTP 503');
    server.close();
    const sent = `text/plain; charset=utf-8|Basic ${Buffer.from('user:secret').toString('base64')}|note\n`;
    expect(received).toEqual([sent, sent]);
  });
});
