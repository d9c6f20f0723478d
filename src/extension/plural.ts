/** `1 event`, `12,345 events`, `3 properties` (with `pluralForm`): counts in messages and prompts. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}
