/**
 * Splits server-sent events off the front of a stream's buffer: the data of each complete message (its
 * `data:` lines joined), and what is left to wait for the rest of. Messages without data (heartbeats) are skipped.
 */
export function takeSseData(buffer: string): { data: string[]; rest: string } {
  const data: string[] = [];
  let rest = buffer;
  let end;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const message = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const joined = message
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    if (joined) data.push(joined);
  }
  return { data, rest };
}
