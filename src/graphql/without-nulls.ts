/** The keys of T whose value may be null or undefined: GraphQL's optional input fields. */
type OptionalKeys<T> = {
  [K in keyof T]-?: null extends T[K] ? K : undefined extends T[K] ? K : never;
}[keyof T];

/** T with its optional fields absent instead of null; required fields keep their type. */
export type WithoutNulls<T> = { [K in Exclude<keyof T, OptionalKeys<T>>]: T[K] } & {
  [K in OptionalKeys<T>]?: NonNullable<T[K]>;
};

/**
 * GraphQL gives null for omitted optional input fields; the domain (zod defaults, reader filters)
 * wants them absent. Required fields stay required in the type, so the compiler checks a resolver's
 * call against the domain's input type.
 */
export function withoutNulls<T extends object>(input: T): WithoutNulls<T>;
export function withoutNulls<T extends object>(input: T | null | undefined): Partial<WithoutNulls<T>>;
export function withoutNulls<T extends object>(input: T | null | undefined): Partial<WithoutNulls<T>> {
  return Object.fromEntries(
    Object.entries(input ?? {}).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<WithoutNulls<T>>;
}
