import type { AccessContext, PolicyObject } from '../../src/policy/access-context.ts';
import { compilePolicySet } from '../../src/policy/compile-policies.ts';
import { type PolicyInput, policySetSchema } from '../../src/policy/policy-schema.ts';

export function dataset(path: string, overrides: Partial<PolicyObject> = {}): PolicyObject {
  return {
    id: path,
    kind: 'dataset',
    path,
    datasetPath: null,
    tags: [],
    domain: null,
    sensitivity: 'INTERNAL',
    dependsOn: [],
    ...overrides,
  };
}

export function column(
  datasetPath: string,
  name: string,
  overrides: Partial<PolicyObject> = {},
): PolicyObject {
  const path = `${datasetPath}.${name}`;
  return {
    id: path,
    kind: 'column',
    path,
    datasetPath,
    tags: [],
    domain: null,
    sensitivity: 'INTERNAL',
    dependsOn: [],
    ...overrides,
  };
}

export function metric(
  name: string,
  dependsOn: string[],
  overrides: Partial<PolicyObject> = {},
): PolicyObject {
  return {
    id: `metric:${name}`,
    kind: 'metric',
    path: name,
    datasetPath: null,
    tags: [],
    domain: null,
    sensitivity: 'INTERNAL',
    dependsOn,
    ...overrides,
  };
}

export function policies(inputs: PolicyInput[], version = 1) {
  return compilePolicySet(policySetSchema.parse(inputs), version);
}

export function context(overrides: Partial<AccessContext> = {}): AccessContext {
  return {
    human: {
      email: 'ana@acme.test',
      department: 'finance',
      region: 'emea',
      title: 'Analyst',
      groups: ['analysts'],
      manager: null,
      attributes: {},
    },
    intent: null,
    ceilings: [],
    grants: [],
    now: new Date('2026-11-22T12:00:00Z'),
    ...overrides,
  };
}
