import { Badge } from '../../ui/badges.tsx';
import { CatalogPath } from '../../ui/paths.tsx';

interface RequestedObject {
  path: string;
  kind: string;
  domain: string | null;
  sensitivity: string;
  tags: readonly string[];
  owners: readonly { email: string; name: string | null; steward: boolean }[] | null;
}

/** Each requested object as it was when the request was made: sensitivity, owners, tags. */
export function RequestObjects({ objects }: { objects: readonly RequestedObject[] }) {
  return (
    <div className="table-wrap">
      <table className="compact-table">
        <caption className="visually-hidden">Requested objects</caption>
        <thead>
          <tr>
            <th scope="col">Object</th>
            <th scope="col">Sensitivity</th>
            <th scope="col">Owners</th>
            <th scope="col">Tags</th>
          </tr>
        </thead>
        <tbody>
          {objects.map((object) => (
            <tr key={object.path}>
              <td data-label="Object">
                <CatalogPath path={object.path} className="object-path" />
                <div className="muted">
                  {object.kind.toLowerCase().replaceAll('_', ' ')}
                  {object.domain ? ` · ${object.domain}` : ''}
                </div>
              </td>
              <td data-label="Sensitivity">
                <Badge value={object.sensitivity} />
              </td>
              <td data-label="Owners">
                {object.owners && object.owners.length > 0 ? (
                  <ul className="plain-list">
                    {object.owners.map((owner) => (
                      <li key={owner.email}>
                        <span title={owner.email}>{owner.name ?? owner.email}</span>
                        <span className="muted">{owner.steward ? ' steward' : ' owner'}</span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">none named</span>
                )}
              </td>
              <td data-label="Tags">
                {object.tags.length > 0 ? (
                  <span className="tags">
                    {object.tags.map((tag) => (
                      <span key={tag} className="tag">
                        {tag}
                      </span>
                    ))}
                  </span>
                ) : (
                  <span className="muted">none</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
