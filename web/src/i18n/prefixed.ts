/** `prefixed('role', rolesZhCN)` gives 'role.admin', 'role.commander'…, with their keys typed. */
export function prefixed<P extends string, K extends string>(
  prefix: P,
  names: Readonly<Record<K, string>>,
): Record<`${P}.${K}`, string> {
  const entries = Object.entries<string>(names).map(([word, text]) => [`${prefix}.${word}`, text]);
  return Object.fromEntries(entries) as Record<`${P}.${K}`, string>;
}
