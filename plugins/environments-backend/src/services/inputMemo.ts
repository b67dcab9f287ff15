/**
 * Remembers one value per key for as long as its inputs stay the same (compared with ===), so an
 * answer nothing in which changed is handed out again, the same object, instead of being rebuilt.
 * The least recently computed entry goes first once there are `maxEntries`.
 */
export function createInputMemo<T>(maxEntries: number) {
  const entries = new Map<string, { inputs: readonly unknown[]; value: T }>();
  return (key: string, inputs: readonly unknown[], compute: () => T): T => {
    const hit = entries.get(key);
    if (
      hit &&
      hit.inputs.length === inputs.length &&
      hit.inputs.every((v, i) => v === inputs[i])
    ) {
      return hit.value;
    }
    const value = compute();
    entries.delete(key); // re-insert: the Map's order is least recently computed first
    entries.set(key, { inputs, value });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return value;
  };
}
