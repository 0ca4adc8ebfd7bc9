/**
 * A list of every value of the union `T`, checked by the compiler: a value missing from the list or one that `T`
 * does not hold fails the typecheck. For yargs choices that must exist before the package that owns the schema is
 * loaded (the CLI imports its packages lazily), so the list cannot drift from the schema's type.
 * @example const SORTS = allOf<RunListQuery['sort']>()(['createdAt', 'name', 'strategy', 'id', ...]);
 */
export function allOf<T extends string>() {
  return <const L extends readonly T[]>(
    list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L => list;
}
