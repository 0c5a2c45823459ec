import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { type InputProblem, InvalidInputError } from '../../shared/errors.ts';
import { type PersonRecord, personRecordSchema } from '../person-record.ts';

/** CSV headers are matched case-insensitively; these spellings also name person fields. */
const csvFieldAliases: Record<string, string> = {
  email: 'email',
  name: 'name',
  title: 'title',
  department: 'department',
  region: 'region',
  groups: 'groups',
  manager: 'manager',
  subject: 'subject',
  slack_user_id: 'slackUserId',
  slackuserid: 'slackUserId',
  slack_id: 'slackUserId',
  manager_email: 'manager',
};

const knownFields = new Set([
  'email',
  'name',
  'title',
  'department',
  'region',
  'groups',
  'manager',
  'slackUserId',
  'subject',
]);

/** Reads a people file (.json: an array of people; .csv: one person per row) and validates every row. */
export async function parsePeopleFile(file: string): Promise<PersonRecord[]> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new InvalidInputError(file, [
      { location: 'file', message: `cannot be read (${(error as Error).message})` },
    ]);
  });
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return parsePeopleJson(file, text);
  if (extension === '.csv') return parsePeopleCsv(file, text);
  throw new InvalidInputError(file, [{ location: 'file', message: 'must be a .json or .csv file' }]);
}

export function parsePeopleJson(file: string, text: string): PersonRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(file, [
      { location: 'file', message: `is not valid JSON (${(error as Error).message})` },
    ]);
  }
  if (!Array.isArray(data))
    throw new InvalidInputError(file, [{ location: 'file', message: 'must hold a JSON array of people' }]);
  return validateRows(
    file,
    data.map((value, index) => ({ location: `[${index}]`, value })),
  );
}

export function parsePeopleCsv(file: string, text: string): PersonRecord[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true });
  } catch (error) {
    throw new InvalidInputError(file, [
      { location: 'file', message: `is not valid CSV (${(error as Error).message})` },
    ]);
  }
  return validateRows(
    file,
    // `line` is where the record ends in the file (empty lines and multi-line fields counted).
    records.map(({ record, info }) => ({ location: `line ${info.lines}`, value: csvRecordToPerson(record) })),
  );
}

/** CSV: groups separated by `;` or `|`; columns that are not person fields become attributes. */
function csvRecordToPerson(record: Record<string, string>): Record<string, unknown> {
  const person: Record<string, unknown> = {};
  const attributes: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(record)) {
    const name = csvFieldAliases[rawName.toLowerCase()] ?? rawName;
    if (!knownFields.has(name)) {
      if (value !== '') attributes[name] = value;
    } else if (name === 'groups') {
      person.groups = value
        .split(/[;|]/)
        .map((group) => group.trim())
        .filter(Boolean);
    } else {
      person[name] = value === '' ? null : value;
    }
  }
  return { ...person, attributes };
}

function validateRows(file: string, rows: { location: string; value: unknown }[]): PersonRecord[] {
  const problems: InputProblem[] = [];
  const people: LocatedPerson[] = [];
  for (const { location, value } of rows) {
    const parsed = personRecordSchema.safeParse(value);
    if (parsed.success) people.push({ location, person: parsed.data as PersonRecord });
    else {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length > 0 ? ` ${issue.path.join('.')}` : '';
        problems.push({ location: `${location}${field}`, message: issue.message });
      }
    }
  }
  problems.push(...crossRowProblems(people));
  if (problems.length > 0) throw new InvalidInputError(file, problems);
  return people.map(({ person }) => person);
}

interface LocatedPerson {
  location: string;
  person: PersonRecord;
}

/** Duplicates, unknown managers and management loops, among the rows that are valid on their own. */
function crossRowProblems(people: LocatedPerson[]): InputProblem[] {
  const problems: InputProblem[] = [];
  const firstByEmail = new Map<string, string>();
  const firstBySlackId = new Map<string, string>();
  const firstBySubject = new Map<string, string>();
  for (const { location, person } of people) {
    const seen = firstByEmail.get(person.email);
    if (seen) problems.push({ location, message: `duplicate email ${person.email} (first at ${seen})` });
    else firstByEmail.set(person.email, location);
    for (const [label, value, first] of [
      ['Slack user id', person.slackUserId, firstBySlackId],
      ['subject', person.subject, firstBySubject],
    ] as const) {
      if (!value) continue;
      const other = first.get(value);
      if (other) problems.push({ location, message: `${label} ${value} is also used at ${other}` });
      else first.set(value, location);
    }

    if (person.manager === person.email)
      problems.push({ location, message: 'a person cannot be their own manager' });
  }
  const managerOf = new Map(people.map(({ person }) => [person.email, person.manager]));
  for (const { location, person } of people) {
    if (person.manager && !managerOf.has(person.manager)) {
      problems.push({ location: `${location} manager`, message: `${person.manager} is not in this file` });
    }
    const chain = new Set([person.email]);
    for (let boss = person.manager; boss && managerOf.has(boss); boss = managerOf.get(boss) ?? null) {
      if (chain.has(boss)) {
        if (boss === person.email && person.manager !== person.email) {
          problems.push({
            location: `${location} manager`,
            message: `the management chain loops back to ${person.email}`,
          });
        }
        break;
      }
      chain.add(boss);
    }
  }
  return problems;
}
