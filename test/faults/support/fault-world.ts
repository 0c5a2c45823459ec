import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { applyMigrations } from '../../../src/db/migrations/apply-migrations.ts';
import { type Database, openDatabase } from '../../../src/db/open-database.ts';
import { FakeSlack } from '../../support/fake-slack.ts';
import { GovernanceClient } from '../../support/governance-client.ts';
import { exchangeToken } from '../../support/oauth-client.ts';
import { loadRequestCompany, requestPeople } from '../../support/requests-fixture.ts';
import { runCli } from '../../support/spawn-cli.ts';
import { silentLogger } from '../../support/test-database.ts';
import { TestIdentityProvider } from '../../support/test-identity-provider.ts';
import { History } from './history.ts';
import { Replica } from './replica.ts';
import { ScratchCluster } from './scratch-cluster.ts';

export const approvalsChannel = '#access-approvals';

/**
 * Several replicas of the real server (separate processes, separate ports) on one PostgreSQL
 * cluster of the suite's own, with the request company loaded, a local identity provider, a fake
 * Slack Web API, and a history of every call the scenario's clients make.
 */
export interface FaultWorld {
  readonly cluster: ScratchCluster;
  readonly databaseUrl: string;
  readonly replicas: Replica[];
  readonly slack: FakeSlack;
  readonly idp: TestIdentityProvider;
  readonly history: History;
  /** A connection of the test's own to the database, for checking invariants. */
  readonly database: Database;
  /** The environment every replica runs with (and the CLI, for `audit verify`). */
  readonly env: Record<string, string>;
  humanToken(email: string): Promise<string>;
  /** An agent's delegation token for `email`, from `replica`'s token endpoint (recorded in the history). */
  agentToken(
    email: string,
    options: { replica: Replica; agent?: string; taskId?: string },
  ): Promise<string | undefined>;
  /** Runs `aperture <args>` against the world's database with the replicas' settings. */
  cli(args: string[]): ReturnType<typeof runCli>;
}

export interface FaultWorldOptions {
  replicas?: number;
  env?: Record<string, string>;
}

export async function startFaultWorld(
  options: FaultWorldOptions = {},
): Promise<FaultWorld & { dispose(): Promise<void> }> {
  const folder = mkdtempSync(path.join(tmpdir(), 'aperture-faults-'));
  const cluster = await ScratchCluster.create();
  const databaseUrl = await cluster.createDatabase('aperture');
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 4 });
  await applyMigrations(database.sql, silentLogger);
  await loadRequestCompany(database);

  const idp = await TestIdentityProvider.create();
  const provider = await idp.serveJwks();
  const slack = await FakeSlack.start({ token: 'xoxb-fault-suite' });
  slack.addChannel(approvalsChannel);
  for (const person of requestPeople) {
    if (person.slackUserId) slack.addUser({ id: person.slackUserId, email: person.email, name: person.name });
  }
  const auditKeyFile = path.join(folder, 'audit-key.pem');
  writeFileSync(
    auditKeyFile,
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    APERTURE_DATA_DIR: path.join(folder, 'data'),
    APERTURE_SEED_DEMO: 'false',
    APERTURE_MIGRATE_ON_START: 'false',
    APERTURE_DB_POOL_SIZE: '8',
    APERTURE_IDENTITY_PROVIDERS: JSON.stringify([provider]),
    APERTURE_AUDIT_KEY_FILE: auditKeyFile,
    APERTURE_AUDIT_WITNESSES: `file:${path.join(folder, 'audit-witness.log')}`,
    APERTURE_AUDIT_CHECKPOINT_MS: '500',
    APERTURE_JOB_POLL_MS: '200',
    APERTURE_METRICS: 'true',
    APERTURE_REQUESTS_PER_HOUR_PER_AGENT: '1000000',
    APERTURE_REQUESTS_PER_HOUR_PER_HUMAN: '1000000',
    APERTURE_TOKEN_REQUESTS_PER_MINUTE: '1000000',
    SHUTDOWN_TIMEOUT_MS: '5000',
    SLACK_BOT_TOKEN: 'xoxb-fault-suite',
    SLACK_SIGNING_SECRET: 'fault-suite-signing-secret',
    SLACK_APPROVALS_CHANNEL: approvalsChannel,
    SLACK_API_URL: slack.apiUrl,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const replicas: Replica[] = [];
  for (let index = 1; index <= (options.replicas ?? 3); index += 1) {
    replicas.push(await Replica.create(`replica-${index}`, env, folder));
  }
  // The first start alone (it writes shared files such as the witness log), then the others at once.
  await replicas[0]!.start();
  await Promise.all(replicas.slice(1).map((replica) => replica.start()));

  const governance = new GovernanceClient(`${replicas[0]!.url}/graphql`, await idp.token('gina@acme.test'));
  await governance.createIntent({
    name: 'analytics',
    description: 'Questions',
    allowedTiers: ['DISCOVER', 'READ'],
  });
  const agents = new Map<string, Promise<{ clientId: string; clientSecret: string }>>();
  const agentFor = (name: string) => {
    let agent = agents.get(name);
    if (!agent) {
      agent = governance.registerAgent({
        name,
        ownerEmail: 'ana@acme.test',
        allowedIntents: ['analytics'],
        ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
      });
      agents.set(name, agent);
    }
    return agent;
  };
  const history = new History();

  return {
    cluster,
    databaseUrl,
    replicas,
    slack,
    idp,
    history,
    database,
    env,
    humanToken: (email) => idp.token(email),
    async agentToken(email, { replica, agent = 'SQL agent', taskId }) {
      const credentials = await agentFor(agent);
      const startedAt = Date.now();
      try {
        const exchanged = await exchangeToken(replica.url, credentials, {
          subject_token: await idp.subjectToken(email),
          intent: 'analytics',
          ...(taskId ? { task_id: taskId } : {}),
        });
        history.record({
          replica: replica.name,
          op: 'token',
          startedAt,
          endedAt: Date.now(),
          status: exchanged.status,
          code: exchanged.body.error,
          message: exchanged.body.error_description,
          retryAfter: exchanged.headers.get('retry-after') ?? undefined,
          about: { email },
        });
        return exchanged.body.access_token;
      } catch {
        history.record({
          replica: replica.name,
          op: 'token',
          startedAt,
          endedAt: Date.now(),
          status: 0,
          code: undefined,
          message: undefined,
          retryAfter: undefined,
          about: { email },
        });
        return undefined;
      }
    },
    cli: (args) => runCli(args, env),
    async dispose() {
      await Promise.all(replicas.map((replica) => replica.kill()));
      await database.close().catch(() => {});
      await slack.close();
      await idp.close();
      cluster.dispose();
      if (!process.env.APERTURE_FAULTS_KEEP) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A test file's fault world: started before its tests, torn down after (logs kept with APERTURE_FAULTS_KEEP=1). */
export function useFaultWorld(options: FaultWorldOptions = {}): { readonly world: FaultWorld } {
  let world: Awaited<ReturnType<typeof startFaultWorld>> | undefined;
  beforeAll(async () => {
    world = await startFaultWorld(options);
  });
  afterAll(async () => {
    await world?.dispose();
  });
  return {
    get world() {
      if (!world) throw new Error('the fault world is not started');
      return world;
    },
  };
}
