/** `--tables a.b,main.*`: comma-separated names with `*` globs, matched against display names. */
export function tableMatcher(patterns: string[] | undefined): (name: string) => boolean {
  const list = (patterns ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  if (list.length === 0) return () => true;
  const regexes = list.map((p) => new RegExp(`^${p.split('*').map(escapeRegex).join('.*')}$`));
  return (name) => regexes.some((r) => r.test(name));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
