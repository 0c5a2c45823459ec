/** A value as indented JSON, for the detail of an audit event or a rule the API returned. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <figure className="json-figure">
      <figcaption className="visually-hidden">{label}</figcaption>
      <pre className="json-block">{JSON.stringify(value, null, 2)}</pre>
    </figure>
  );
}
