import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/open-database.ts';
import type { Viewer } from '../identity/viewer.ts';

/**
 * Who decided a request, in words: a person's name, `rule <id>`, `the agent` (it cancelled) or
 * `expiry`. `decidedBy` is stored as `person:<id>`, `rule:<id>`, `agent:<id>` or `system:expiry`.
 * A person whose name is not given (an agent asks: approvers are not shown to agents) is
 * `an approver`.
 */
export function describeDecider(
  decidedBy: string | null,
  personName: ReadonlyMap<string, string>,
): string | null {
  if (!decidedBy) return null;
  const [kind, id = ''] = decidedBy.split(/:(.*)/s);
  if (kind === 'person') return personName.get(id) ?? 'an approver';
  if (kind === 'rule') return `rule ${id}`;
  if (kind === 'agent') return 'the agent';
  return 'expiry';
}

/**
 * Names the deciders of the requests one GraphQL answer shows, the people among them in one query
 * per tick. People are named to people only: an agent learns that `an approver` decided.
 */
export class DeciderNames {
  private readonly names = new DataLoader<string, string | null>(
    async (personIds) => {
      const people = await this.prisma.person.findMany({
        where: { id: { in: [...personIds] } },
        select: { id: true, name: true },
      });
      const name = new Map(people.map((person) => [person.id, person.name]));
      return personIds.map((id) => name.get(id) ?? null);
    },
    // Batching only: a renamed person is named anew on the next read.
    { cache: false },
  );

  constructor(private readonly prisma: PrismaClient) {}

  async of(viewer: Viewer, decidedBy: string | null): Promise<string | null> {
    const personId = decidedBy?.startsWith('person:') ? decidedBy.slice('person:'.length) : null;
    if (!personId || viewer.kind !== 'human') return describeDecider(decidedBy, new Map());
    const name = await this.names.load(personId);
    return describeDecider(decidedBy, name ? new Map([[personId, name]]) : new Map());
  }
}
