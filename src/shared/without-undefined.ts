/**
 * The object without its `undefined` properties, typed so: a partial update parsed by zod
 * (`field?: T | undefined`) becomes what Prisma's update input expects (`field?: T`), and an
 * absent field stays unchanged.
 */
export function withoutUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
