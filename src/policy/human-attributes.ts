import type { PolicyHuman } from './access-context.ts';
import type { AttributeCondition } from './policy-schema.ts';

type Scalar = string | number | boolean;

/** The values of a human attribute (`groups` has several; a missing attribute has none). */
export function attributeValues(human: PolicyHuman, attribute: string): Scalar[] {
  if (attribute.startsWith('attributes.')) {
    const value = human.attributes[attribute.slice('attributes.'.length)];
    if (Array.isArray(value))
      return value.filter((item): item is Scalar => item !== null && typeof item !== 'object');
    return value === null || value === undefined || typeof value === 'object' ? [] : [value];
  }
  if (attribute === 'groups') return human.groups;
  const value = human[attribute as 'email' | 'department' | 'region' | 'title' | 'manager'];
  return value === null || value === undefined ? [] : [value];
}

/** Equality across types the way people write policies: `2` and `"2"` are the same value. */
function same(a: Scalar, b: Scalar): boolean {
  return String(a) === String(b);
}

export function conditionHolds(human: PolicyHuman, condition: AttributeCondition): boolean {
  const values = attributeValues(human, condition.attribute);
  switch (condition.op) {
    case 'exists':
      return values.length > 0;
    case 'equals':
      return values.some((value) => same(value, condition.value));
    case 'in':
      return values.some((value) => condition.values.some((candidate) => same(value, candidate)));
    case 'notIn':
      return !values.some((value) => condition.values.some((candidate) => same(value, candidate)));
  }
}
