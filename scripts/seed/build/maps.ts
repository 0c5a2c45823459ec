/** parent_map, child_map and group_map, derived from depends_on and group like dbt does. */

export interface MapInput {
  readonly unique_id: string;
  readonly depends_on?: { readonly nodes?: readonly string[]; readonly macros?: readonly string[] };
  readonly group?: string | null;
}

export function buildParentChildMaps(resources: readonly MapInput[]): {
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
} {
  const parents: Record<string, string[]> = {};
  const children: Record<string, string[]> = {};
  for (const resource of resources) {
    parents[resource.unique_id] = [...(resource.depends_on?.nodes ?? [])].sort();
    children[resource.unique_id] = [];
  }
  for (const resource of resources) {
    for (const parent of resource.depends_on?.nodes ?? []) {
      const list = children[parent];
      if (list === undefined) throw new Error(`${resource.unique_id} depends on unknown ${parent}`);
      list.push(resource.unique_id);
    }
  }
  for (const list of Object.values(children)) list.sort();
  return { parent_map: parents, child_map: children };
}

export function buildGroupMap(resources: readonly MapInput[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const resource of resources) {
    if (resource.group === undefined || resource.group === null) continue;
    groups[resource.group] ??= [];
    groups[resource.group]?.push(resource.unique_id);
  }
  return groups;
}
