import { domainInfo } from '../domains.ts';
import { type Domain, domains, type Person } from '../types.ts';
import type { GroupNode, Owner } from './manifest-types.ts';
import { projectName } from './project.ts';

export function ownerOf(emailAddress: string, people: readonly Person[]): Owner {
  const person = people.find((p) => p.email === emailAddress);
  if (person === undefined) throw new Error(`unknown person ${emailAddress}`);
  return { name: person.name, email: person.email };
}

/** One dbt group per domain, owned by the domain's data owner. */
export function buildGroups(people: readonly Person[]): Record<string, GroupNode> {
  const groups: Record<string, GroupNode> = {};
  for (const domain of domains as readonly Domain[]) {
    const uniqueId = `group.${projectName}.${domain}`;
    groups[uniqueId] = {
      name: domain,
      resource_type: 'group',
      package_name: projectName,
      path: 'groups.yml',
      original_file_path: 'models/groups.yml',
      unique_id: uniqueId,
      owner: ownerOf(domainInfo[domain].owner, people),
    };
  }
  return groups;
}
