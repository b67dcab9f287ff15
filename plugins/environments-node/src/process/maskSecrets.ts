/**
 * Replaces every occurrence of the given secret values in a line of tool output, so a token that a
 * tool echoes (helm debug output, terraform variables, an error message quoting a kubeconfig) never
 * reaches the task log, which every viewer of the task can read.
 *
 * @public
 */
export function createSecretMasker(secrets: Iterable<string | undefined>) {
  // Longest first, so a secret containing another one is masked whole.
  const values = [...new Set([...secrets].filter(isMaskable))].sort(
    (a, b) => b.length - a.length,
  );
  return (text: string): string =>
    values.reduce((masked, secret) => masked.split(secret).join('***'), text);
}

// Very short values would mask ordinary words and numbers, hiding the log without protecting anything.
function isMaskable(value: string | undefined): value is string {
  return typeof value === 'string' && value.length >= 4;
}
