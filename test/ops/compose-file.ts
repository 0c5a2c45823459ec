import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** The parts of docker-compose.yml the tests read (Compose resolves `<<` merge keys as YAML 1.1 does). */
const serviceSchema = z.object({
  build: z.string().optional(),
  image: z.string().optional(),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
});

export type ComposeService = z.infer<typeof serviceSchema>;

export const composeSchema = z.object({
  services: z.record(z.string(), serviceSchema),
  volumes: z.record(z.string(), z.unknown()),
});

export function readCompose(): z.infer<typeof composeSchema> {
  return composeSchema.parse(parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }));
}

export const haproxyConfigPath = 'deploy/haproxy.cfg';

/** Whether `haproxy` runs on this machine (it is not a dependency: tests that need it are skipped). */
export const haproxyAvailable = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
