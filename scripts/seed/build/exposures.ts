import type { ExposureSpec } from '../exposures.ts';
import type { Person } from '../types.ts';
import { ownerOf } from './groups.ts';
import type { ExposureNode } from './manifest-types.ts';
import { projectName } from './project.ts';

export function buildExposure(
  spec: ExposureSpec,
  people: readonly Person[],
  refId: (name: string) => string,
  clock: () => number,
): ExposureNode {
  return {
    name: spec.name,
    resource_type: 'exposure',
    package_name: projectName,
    path: 'exposures.yml',
    original_file_path: 'models/exposures.yml',
    unique_id: `exposure.${projectName}.${spec.name}`,
    fqn: [projectName, spec.name],
    type: spec.type,
    owner: ownerOf(spec.owner, people),
    description: spec.description,
    label: spec.label,
    maturity: spec.maturity,
    meta: { domain: spec.domain },
    tags: [spec.domain],
    config: { enabled: true },
    unrendered_config: {},
    url: spec.url,
    depends_on: { macros: [], nodes: spec.refs.map(refId).sort() },
    refs: spec.refs.map((name) => ({ name, package: null, version: null })),
    sources: [],
    metrics: [],
    created_at: clock(),
  };
}
