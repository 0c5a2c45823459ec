import { describe, expect, it } from 'vitest';
import { parseDecisionCsv } from '../../src/mining/read-decision-csv.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';

const problemsOf = (text: string, options: Parameters<typeof parseDecisionCsv>[2]) => {
  try {
    parseDecisionCsv('decisions.csv', text, options);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.problems;
    throw error;
  }
  throw new Error('expected the table to be refused');
};

describe('reading a decision table from CSV', () => {
  const text =
    'ACTION,DATASET,MGR_ID,request.intent\n1,r1,m1,analytics\n0,r2,,reporting\n1,r1,m2,analytics\n';

  it('puts resource columns on the resource side, keeps namespaced columns, and the rest describe the requester', () => {
    const { table, attributes } = parseDecisionCsv('decisions.csv', text, {
      label: 'ACTION',
      approved: '1',
      resourceColumns: ['DATASET'],
    });
    expect(attributes).toEqual([
      { column: 'DATASET', attribute: 'resource.DATASET' },
      { column: 'MGR_ID', attribute: 'human.MGR_ID' },
      { column: 'request.intent', attribute: 'request.intent' },
    ]);
    expect(table.size).toBe(3);
    expect([...table.approved]).toEqual([1, 0, 1]);
    expect(table.ids).toEqual(['line 2', 'line 3', 'line 4']);
    // The empty MGR_ID is absent, not a value.
    expect(table.itemValue).not.toContain('');
    expect(table.approvers).toEqual([]);
  });

  it('finds a column named resource (any case) by itself', () => {
    const { attributes } = parseDecisionCsv('decisions.csv', 'outcome,Resource,team\nyes,a,x\n', {
      label: 'outcome',
      approved: 'yes',
    });
    expect(attributes[0]).toEqual({ column: 'Resource', attribute: 'resource.Resource' });
  });

  it('names what is wrong: columns, resource side, label values, empty labels, bad CSV', () => {
    expect(problemsOf(text, { label: 'outcome', approved: '1', resourceColumns: ['DATASET'] })).toEqual([
      {
        location: 'header',
        message: 'no label column "outcome" (columns: ACTION, DATASET, MGR_ID, request.intent)',
      },
    ]);
    expect(problemsOf(text, { label: 'ACTION', approved: '1' })).toEqual([
      {
        location: 'header',
        message:
          'no resource column: name one with --resource-column (columns: ACTION, DATASET, MGR_ID, request.intent)',
      },
    ]);
    expect(problemsOf(text, { label: 'ACTION', approved: 'yes', resourceColumns: ['DATASET'] })).toEqual([
      { location: 'column ACTION', message: 'no row has the approved value "yes" (values: 1, 0)' },
    ]);
    expect(
      problemsOf('ACTION,RESOURCE\n1,a\n,b\n', {
        label: 'ACTION',
        approved: '1',
        resourceColumns: ['RESOURCE'],
      }),
    ).toEqual([{ location: 'line 3', message: 'ACTION is empty' }]);
    const [broken] = problemsOf('ACTION,RESOURCE\n1,"a\n', {
      label: 'ACTION',
      approved: '1',
      resourceColumns: ['RESOURCE'],
    });
    expect(broken!.message).toMatch(/^is not valid CSV/);
    expect(
      problemsOf('ACTION,ACTION\n1,1\n', { label: 'ACTION', approved: '1', resourceColumns: ['ACTION'] }),
    ).toContainEqual({
      location: 'header',
      message: 'column "ACTION" appears twice',
    });
  });
});
