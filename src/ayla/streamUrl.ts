// Stream URLs: `ws(s)://host/stream?stream_key=K[&seq_start=N]` (ayla-protocol.md §5), and their
// redaction. A stream key is a secret (design.md, Conventions): whatever this layer logs or puts in a
// state reason goes through redactStreamKeys first. (src/ayla/redact.ts is the general redactor; this
// one is kept local so the stream depends on nothing else.)

export function buildStreamUrl(base: string, streamKey: string, seqStart?: number): string {
  const url = new URL(base);
  url.searchParams.set('stream_key', streamKey);
  if (seqStart === undefined) url.searchParams.delete('seq_start');
  else url.searchParams.set('seq_start', String(seqStart));
  return url.toString();
}

const KEY_PARAMETER = /(stream_key=)[^&#\s"']*/gi;

/** Replaces every `stream_key=…` value, and every occurrence of the given keys, with `***`. */
export function redactStreamKeys(text: string, ...keys: readonly string[]): string {
  let out = text.replace(KEY_PARAMETER, '$1***');
  for (const key of keys) if (key.length >= 4) out = out.split(key).join('***');
  return out;
}
