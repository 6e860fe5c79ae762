// The one way a caught value becomes text for a message, shared by the engine's callers: the CLI
// (cli-outcome.ts) and the extension host (commands, notifications, the log). An Error gives its
// message (which names the file and the field where the thrower knew them); anything else thrown
// (a string, a plain object) its string form.
export function describeError(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
