/**
 * GraphQL gives null for omitted optional input fields; the domain (zod defaults, reader filters)
 * wants them absent.
 */
export function withoutNulls<T extends object>(
  input: T | null | undefined,
): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(
    Object.entries(input ?? {}).filter(([, value]) => value !== null && value !== undefined),
  ) as {
    [K in keyof T]?: NonNullable<T[K]>;
  };
}
