// The one check behind every size the model takes (buffer capacities, store options): a whole number ≥ 0.

/** `value`, or a RangeError naming `what` when it is not a whole number ≥ 0. */
export function wholeCount(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a whole number ≥ 0, not ${value}`);
  return value;
}
