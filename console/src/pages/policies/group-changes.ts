import type { AccessChange } from './documents.ts';

/** One person's access changes, with how many objects they gain and lose. */
export interface PersonChanges {
  name: string;
  email: string;
  gained: number;
  lost: number;
  changes: AccessChange[];
}

/** Groups access changes by person (by name, then email), each person's objects by path. */
export function groupChangesByPerson(changes: readonly AccessChange[]): PersonChanges[] {
  const people = new Map<string, PersonChanges>();
  for (const change of changes) {
    let person = people.get(change.human.email);
    if (!person) {
      person = { name: change.human.name, email: change.human.email, gained: 0, lost: 0, changes: [] };
      people.set(change.human.email, person);
    }
    if (change.gained) person.gained += 1;
    else person.lost += 1;
    person.changes.push(change);
  }
  const sorted = [...people.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email),
  );
  for (const person of sorted) person.changes.sort((a, b) => a.path.localeCompare(b.path));
  return sorted;
}
