import type { GlossaryEntry } from '../glossary.ts';
import type { DocNode } from './manifest-types.ts';
import { projectName } from './project.ts';

const dbtOverview: DocNode = {
  name: '__overview__',
  resource_type: 'doc',
  package_name: 'dbt',
  path: 'overview.md',
  original_file_path: 'docs/overview.md',
  unique_id: 'doc.dbt.__overview__',
  block_contents:
    '### Welcome!\n\nWelcome to the auto-generated documentation for your dbt project!\n\n### Navigation\n\nYou can use the `Project` and `Database` navigation tabs on the left side of the window to explore the models in your project.',
};

export function glossaryDocName(slug: string): string {
  return `glossary__${slug}`;
}

export function buildDocs(entries: readonly GlossaryEntry[]): Record<string, DocNode> {
  const docs: Record<string, DocNode> = { [dbtOverview.unique_id]: dbtOverview };
  for (const [slug, term, definition] of entries) {
    const name = glossaryDocName(slug);
    const uniqueId = `doc.${projectName}.${name}`;
    docs[uniqueId] = {
      name,
      resource_type: 'doc',
      package_name: projectName,
      path: 'docs/glossary.md',
      original_file_path: 'models/docs/glossary.md',
      unique_id: uniqueId,
      block_contents: `# ${term}\n\n${definition}`,
    };
  }
  return docs;
}
