import { consentCode } from './decision-consent.ts';
import type { AttributeValue, DecisionRecord } from './decision-record.ts';
import { type DecisionTable, DecisionTableBuilder } from './decision-table.ts';
import type { AttributeSide } from './rule-condition.ts';

function addAttribute(
  builder: DecisionTableBuilder,
  name: string,
  side: AttributeSide,
  value: AttributeValue | null | undefined,
): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') builder.addValue(name, side, value);
  else for (const each of value) builder.addValue(name, side, each, true);
}

/**
 * Dictionary-encodes decision records one at a time, so that a history read in batches (from the
 * database) never needs all its records in memory: `add(record)` each, then `build()` once.
 */
export class DecisionRecordEncoder {
  private readonly builder = new DecisionTableBuilder();
  private readonly humanNames = new Map<string, string>();
  private readonly resourceNames = new Map<string, string>();

  add(record: DecisionRecord): void {
    const { builder } = this;
    builder.addDecision(
      record.id,
      record.outcome === 'approved',
      record.decidedAt.getTime(),
      record.approver,
      consentCode(record.consent),
    );
    for (const key in record.human) {
      addAttribute(builder, prefixed(this.humanNames, 'human.', key), 'human', record.human[key]);
    }
    const { resource, request } = record;
    builder.addValue('resource.path', 'resource', resource.path);
    builder.addValue('resource.kind', 'resource', resource.kind);
    addAttribute(builder, 'resource.tags', 'resource', resource.tags);
    addAttribute(builder, 'resource.domain', 'resource', resource.domain);
    builder.addValue('resource.sensitivity', 'resource', resource.sensitivity);
    if (resource.attributes) {
      for (const key in resource.attributes) {
        addAttribute(
          builder,
          prefixed(this.resourceNames, 'resource.', key),
          'resource',
          resource.attributes[key],
        );
      }
    }
    addAttribute(builder, 'request.intent', 'request', request.intent);
    builder.addValue('request.tier', 'request', request.tier);
    builder.addValue('request.agent', 'request', request.agent);
  }

  build(): DecisionTable {
    return this.builder.build();
  }
}

/** Attribute names are built once per key, not once per decision. */
function prefixed(cache: Map<string, string>, prefix: string, key: string): string {
  let name = cache.get(key);
  if (name === undefined) {
    name = `${prefix}${key}`;
    cache.set(key, name);
  }
  return name;
}

/** Dictionary-encodes decision records: `human.*`, `resource.*` and `request.*` attributes become items. */
export function encodeDecisionRecords(records: readonly DecisionRecord[]): DecisionTable {
  const encoder = new DecisionRecordEncoder();
  for (const record of records) encoder.add(record);
  return encoder.build();
}
