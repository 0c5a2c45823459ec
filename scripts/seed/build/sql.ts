/** Plausible dbt SQL for the generated nodes; it feeds raw_code and the file checksums. */

const indent = (lines: readonly string[], spaces: number): string =>
  lines.map((line) => `${' '.repeat(spaces)}${line}`).join('\n');

export function stagingSql(
  source: string,
  table: string,
  selectLines: readonly string[],
  where: string | null,
): string {
  const select = selectLines.map((line, i) => (i < selectLines.length - 1 ? `${line},` : line));
  return [
    'with source as (',
    '',
    `    select * from {{ source('${source}', '${table}') }}`,
    '',
    '),',
    '',
    'renamed as (',
    '',
    '    select',
    indent(select, 8),
    '    from source',
    ...(where === null ? [] : [`    where ${where}`]),
    '',
    ')',
    '',
    'select * from renamed',
    '',
  ].join('\n');
}

export function martSql(
  refs: readonly string[],
  columns: readonly string[],
  incremental: { uniqueKey: string; timeColumn: string } | null,
): string {
  const ctes = refs.flatMap((ref) => [`${ref} as (`, `    select * from {{ ref('${ref}') }}`, '),', '']);
  const first = refs[0] ?? 'source';
  const select = columns.map((column, i) => (i < columns.length - 1 ? `${column},` : column));
  const config =
    incremental === null
      ? []
      : [`{{ config(materialized='incremental', unique_key='${incremental.uniqueKey}') }}`, ''];
  const filter =
    incremental === null
      ? []
      : [
          '{% if is_incremental() %}',
          `where ${incremental.timeColumn} > (select max(${incremental.timeColumn}) from {{ this }})`,
          '{% endif %}',
        ];
  return [
    ...config,
    'with',
    '',
    ...ctes,
    'final as (',
    '    select',
    indent(select, 8),
    `    from ${first}`,
    ')',
    '',
    'select * from final',
    ...filter,
    '',
  ].join('\n');
}

export function snapshotSql(
  name: string,
  source: readonly [string, string],
  config: Readonly<Record<string, string | readonly string[]>>,
): string {
  const args = Object.entries(config)
    .map(([key, value]) =>
      typeof value === 'string' ? `${key}='${value}'` : `${key}=[${value.map((v) => `'${v}'`).join(', ')}]`,
    )
    .join(',\n      ');
  return [
    `{% snapshot ${name} %}`,
    '',
    '{{',
    '    config(',
    `      ${args}`,
    '    )',
    '}}',
    '',
    `select * from {{ source('${source[0]}', '${source[1]}') }}`,
    '',
    '{% endsnapshot %}',
    '',
  ].join('\n');
}
