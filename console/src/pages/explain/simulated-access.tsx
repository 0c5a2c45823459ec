import { useMemo, useState } from 'react';
import { Badge } from '../../ui/badges.tsx';
import { formatCount } from '../../ui/format.ts';
import type { SimulatedObject } from './documents.ts';

const shownAtMost = 200;

/** Everything the person (through the chain, under the intent) sees, filterable, each with a way to explain it. */
export function SimulatedAccess({
  objects,
  onExplain,
}: {
  objects: readonly SimulatedObject[];
  onExplain: (path: string) => void;
}) {
  const [search, setSearch] = useState('');
  const matching = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return needle ? objects.filter((object) => object.path.toLowerCase().includes(needle)) : objects;
  }, [objects, search]);
  const reads = objects.filter((object) => object.tier === 'READ').length;
  return (
    <div className="stack">
      <p>
        Sees <strong>{formatCount(objects.length)}</strong> objects: reads {formatCount(reads)}, may only
        discover {formatCount(objects.length - reads)}.
      </p>
      <label className="field">
        <span>Filter objects</span>
        <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
      </label>
      <div className="table-wrap">
        <table className="table-cards">
          <thead>
            <tr>
              <th scope="col">Object</th>
              <th scope="col">Kind</th>
              <th scope="col">Tier</th>
              <th scope="col">Columns</th>
              <th scope="col">Row filter</th>
              <th scope="col">
                <span className="muted">Why</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {matching.slice(0, shownAtMost).map((object) => (
              <tr key={object.path}>
                <th scope="row" data-label="Object">
                  <code className="break">{object.path}</code>
                </th>
                <td data-label="Kind">{object.kind}</td>
                <td data-label="Tier">
                  <Badge value={object.tier} />
                </td>
                <td data-label="Columns">
                  {object.kind === 'dataset' ? (
                    <>
                      {object.visibleColumns} visible
                      {object.maskedColumns.length > 0 ? (
                        <div className="cell-note muted">masked: {object.maskedColumns.join(', ')}</div>
                      ) : null}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-label="Row filter">
                  {object.rowFilter ? (
                    <code className="break">{object.rowFilter}</code>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-label="Why">
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Explain ${object.path}`}
                    onClick={() => onExplain(object.path)}
                  >
                    Explain
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {matching.length > shownAtMost ? (
        <p className="muted">
          The first {shownAtMost} of {formatCount(matching.length)} are shown: filter to find the others.
        </p>
      ) : null}
    </div>
  );
}
