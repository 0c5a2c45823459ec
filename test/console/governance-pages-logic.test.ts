import { describe, expect, it } from 'vitest';
import { auditFilterFrom, emptyAuditFilterForm } from '../../console/src/pages/audit/audit-filter.ts';
import { capInWords } from '../../console/src/pages/explain/reasons.ts';
import type { AccessChange } from '../../console/src/pages/policies/documents.ts';
import { groupChangesByPerson } from '../../console/src/pages/policies/group-changes.ts';
import { evidenceExamples } from '../../console/src/pages/suggestions/evidence-examples.ts';
import { thresholdCurve } from '../../console/src/pages/suggestions/threshold-curve.ts';
import {
  locateProblems,
  locationPath,
  parseYaml,
  toYaml,
  unwrapList,
} from '../../console/src/ui/yaml-source.ts';

// The console's governance pages keep their logic in pure functions: these are those functions.

describe('the suggestions curve', () => {
  it('sums what the suggestions at or above each lower-bound threshold decide, and get wrong, by action', () => {
    const curve = thresholdCurve(
      [
        { lowerBound: 0.97, action: 'approve', backtest: { autoDecided: 40, overturned: 1 } },
        { lowerBound: 0.8, action: 'deny', backtest: { autoDecided: 20, overturned: 3 } },
        { lowerBound: 0.6, action: 'approve', backtest: { autoDecided: 10, overturned: 4 } },
      ],
      [0.5, 0.7, 0.9, 0.99],
    );
    expect(curve).toEqual([
      { threshold: 0.5, suggestions: 3, autoDecided: 70, wrong: 8, falseApprovals: 5, falseDenials: 3 },
      { threshold: 0.7, suggestions: 2, autoDecided: 60, wrong: 4, falseApprovals: 1, falseDenials: 3 },
      { threshold: 0.9, suggestions: 1, autoDecided: 40, wrong: 1, falseApprovals: 1, falseDenials: 0 },
      { threshold: 0.99, suggestions: 0, autoDecided: 0, wrong: 0, falseApprovals: 0, falseDenials: 0 },
    ]);
  });

  it('reads the agreeing and disagreeing examples of the evidence, leaving out what is malformed', () => {
    expect(
      evidenceExamples({
        examples: {
          agreeing: [
            { id: 'r1', outcome: 'approved', decidedAt: '2026-01-02T00:00:00.000Z', approver: 'a@x' },
            7,
          ],
          disagreeing: [{ id: 'r2', outcome: 'denied', decidedAt: null, approver: null }],
        },
      }),
    ).toEqual({
      agreeing: [{ id: 'r1', outcome: 'approved', decidedAt: '2026-01-02T00:00:00.000Z', approver: 'a@x' }],
      disagreeing: [{ id: 'r2', outcome: 'denied', decidedAt: null, approver: null }],
    });
    expect(evidenceExamples(null)).toEqual({ agreeing: [], disagreeing: [] });
  });
});

describe('who gains and who loses', () => {
  it('groups access changes by person (by name), counting gains and losses, objects by path', () => {
    const change = (name: string, path: string, gained: boolean): AccessChange => ({
      human: { name, email: `${name.toLowerCase()}@x` },
      path,
      kind: 'dataset',
      before: gained ? 'DISCOVER' : 'READ',
      after: gained ? 'READ' : null,
      gained,
    });
    const groups = groupChangesByPerson([
      change('Zoe', 'a.b.d', true),
      change('Ana', 'a.b.c', false),
      change('Zoe', 'a.b.c', true),
      change('Zoe', 'a.b.e', false),
    ]);
    expect(
      groups.map(({ name, gained, lost, changes }) => ({
        name,
        gained,
        lost,
        paths: changes.map((c) => c.path),
      })),
    ).toEqual([
      { name: 'Ana', gained: 0, lost: 1, paths: ['a.b.c'] },
      { name: 'Zoe', gained: 2, lost: 1, paths: ['a.b.c', 'a.b.d', 'a.b.e'] },
    ]);
  });
});

describe('YAML editing', () => {
  const text = toYaml({
    policies: [
      {
        id: 'analysts-read',
        subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
        resources: { sensitivities: ['PUBLIC', 'INTERNAL'] },
      },
    ],
  });

  it('writes short plain lists and small objects of a list on one line, like the file formats', () => {
    expect(text).toBe(
      [
        'policies:',
        '  - id: analysts-read',
        '    subjects:',
        '      conditions:',
        '        - {attribute: groups, op: equals, value: analysts}',
        '    resources:',
        '      sensitivities: [PUBLIC, INTERNAL]',
        '',
      ].join('\n'),
    );
  });

  it("places aperture's problems on their lines; a missing field on its object's line", () => {
    expect(locationPath('policies[0] (analysts-read).subjects.conditions[0].op')).toEqual([
      'policies',
      0,
      'subjects',
      'conditions',
      0,
      'op',
    ]);
    expect(
      locateProblems(text, [
        { location: 'policies[0] (analysts-read).subjects.conditions[0].op', message: 'bad' },
        { location: 'policies[0] (analysts-read).description', message: 'missing' },
        { location: 'policies[0] (analysts-read).resources.sensitivities', message: 'bad' },
      ]).map((problem) => problem.line),
    ).toEqual([5, 2, 7]);
    // A single rule's text (the draft simulator) has no list around it: the noun is skipped.
    expect(
      locateProblems('id: x\nwhen:\n  tiers: [WRITE]\n', [{ location: 'rule.when.tiers', message: 'bad' }]),
    ).toEqual([{ location: 'rule.when.tiers', message: 'bad', line: 3 }]);
  });

  it('reports syntax errors on their lines, and sends the list with or without its key', () => {
    const broken = parseYaml('policies:\n  - id: [a\n');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]?.line).toBeGreaterThan(0);
    const parsed = parseYaml(text);
    expect(parsed.ok && unwrapList(parsed.value, 'policies')).toEqual([
      expect.objectContaining({ id: 'analysts-read' }),
    ]);
    expect(unwrapList([{ id: 'a' }], 'policies')).toEqual([{ id: 'a' }]);
  });
});

describe('the audit filters and the explanation', () => {
  it('turns the filter form into an AuditEventFilter, leaving out what is empty', () => {
    expect(auditFilterFrom(emptyAuditFilterForm)).toEqual({});
    expect(
      auditFilterFrom({
        ...emptyAuditFilterForm,
        person: ' ana@x ',
        type: 'grant.created',
        from: '2026-01-02T03:04',
      }),
    ).toEqual({
      humans: ['ana@x'],
      types: ['grant.created'],
      from: new Date('2026-01-02T03:04').toISOString(),
    });
  });

  it('says which limit capped a tier, naming the agent of the chain', () => {
    const chain = [
      { clientId: 'agt_a', name: 'Assistant' },
      { clientId: 'agt_b', name: 'SQL writer' },
    ];
    expect(capInWords('ceiling:1', chain, 'analytics')).toBe(
      'the ceiling of SQL writer (what it may ever see)',
    );
    expect(capInWords('intent', chain, 'analytics')).toBe('the intent analytics allows less');
    expect(capInWords('dependency:analytics.hr.salaries', chain, null)).toBe(
      'something it is computed from that the person may discover but not read: analytics.hr.salaries',
    );
  });
});
