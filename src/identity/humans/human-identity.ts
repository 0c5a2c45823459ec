import type { Person } from '../../../generated/prisma/client.ts';
import { isJsonObject } from '../../shared/json.ts';
import type { HumanIdentity } from '../viewer.ts';

/** The person row (with its manager's email) read with this include, for `humanIdentityOf`. */
export const humanIdentityInclude = { manager: { select: { email: true } } } as const;

/** A person as policies and viewers see them: the one mapping from the people store. */
export function humanIdentityOf(person: Person & { manager: { email: string } | null }): HumanIdentity {
  return {
    id: person.id,
    email: person.email,
    name: person.name,
    title: person.title,
    department: person.department,
    region: person.region,
    groups: person.groups,
    managerEmail: person.manager?.email ?? null,
    attributes: isJsonObject(person.attributes) ? person.attributes : {},
  };
}
